"""``ops db`` (guide rows 6–7): manual snapshots and restore to a new cluster."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.integration.ops.conftest import Run

pytestmark = pytest.mark.aws


def clusters(client: Any) -> set[str]:
    return {c["DBClusterIdentifier"] for c in client("rds").describe_db_clusters()["DBClusters"]}


def snapshot(run: Run) -> str:
    result = run("db", "snapshot", "create", "--json")
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["items"][0]["snapshot"])


def test_snapshot_is_named_by_the_guide_and_waited_for(run: Run, client: Any, aurora: Any) -> None:
    result = run("db", "snapshot", "create", "--json")
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)["items"][0]
    assert re.fullmatch(r"nba-tracker-manual-\d{14}", row["snapshot"])
    assert row["status"] == "available"
    listed = json.loads(run("db", "snapshot", "list", "--json").stdout)["items"]
    # Newest first; the automated snapshot Aurora took at creation is listed too.
    assert (listed[0]["snapshot"], listed[0]["type"]) == (row["snapshot"], "manual")
    assert [s["type"] for s in listed[1:]] == ["automated"]


def test_snapshot_dry_run_creates_nothing(run: Run, client: Any, aurora: Any) -> None:
    result = run("db", "snapshot", "create", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier='nba-tracker-manual-" in (
        result.stdout
    )
    manual = client("rds").describe_db_cluster_snapshots(SnapshotType="manual")
    assert manual["DBClusterSnapshots"] == []


def test_snapshot_of_a_missing_cluster_is_one_line(run: Run, aws: str) -> None:
    result = run("db", "snapshot", "create")
    assert result.exit_code == 1
    assert "not found" in result.stderr and "nba-tracker-dev" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_restore_makes_a_new_cluster_like_the_live_one(
    run: Run, client: Any, names: Any, aurora: Any
) -> None:
    snap = snapshot(run)
    result = run("db", "restore", snap, "--json")
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)["items"][0]
    assert row["cluster"] == "nba-tracker-dev-restored"
    assert row["endpoint"].startswith("nba-tracker-dev-restored.cluster-")
    assert row["status"] == "available"

    rds = client("rds")
    restored = rds.describe_db_clusters(DBClusterIdentifier=row["cluster"])["DBClusters"][0]
    assert restored["Engine"] == "aurora-postgresql"
    assert restored["DBSubnetGroup"] == aurora["DBSubnetGroup"]
    assert [g["VpcSecurityGroupId"] for g in restored["VpcSecurityGroups"]] == [
        g["VpcSecurityGroupId"] for g in aurora["VpcSecurityGroups"]
    ]
    assert restored["ServerlessV2ScalingConfiguration"] == {"MinCapacity": 0.5, "MaxCapacity": 2.0}
    instance = rds.describe_db_instances(DBInstanceIdentifier="nba-tracker-dev-restored-1")
    assert instance["DBInstances"][0]["DBInstanceClass"] == "db.serverless"
    # The live cluster is untouched.
    assert rds.describe_db_clusters(DBClusterIdentifier=names.db_cluster)["DBClusters"]


def test_restore_refuses_to_overwrite_an_existing_cluster(
    run: Run, client: Any, names: Any, aurora: Any
) -> None:
    snap = snapshot(run)
    for target in (names.db_cluster, None):
        args = ["db", "restore", snap] + (["--as", target] if target else [])
        if target is None:
            assert run(*args).exit_code == 0
        result = run(*args)
        assert result.exit_code == 1
        assert "already exists" in result.stderr
    assert clusters(client) == {names.db_cluster, "nba-tracker-dev-restored"}


@pytest.mark.parametrize(
    "args",
    [
        ["nba-tracker-manual-1", "--as", "1-starts-with-digit"],
        ["nba-tracker-manual-1", "--as", "double--hyphen"],
        ["nba-tracker-manual-1", "--as", "ends-with-"],
        ["nba-tracker-manual-1", "--as", "x" * 62],
        ["snap_with_underscore"],
    ],
)
def test_bad_names_never_reach_aws(
    run: Run, client: Any, aurora: Any, requests_sent: Any, args: list[str]
) -> None:
    with requests_sent() as sent:
        result = run("db", "restore", *args)
    assert result.exit_code == 2, result.stdout
    assert sent == []


def test_restore_of_unknown_snapshot_is_one_line(run: Run, client: Any, aurora: Any) -> None:
    result = run("db", "restore", "nba-tracker-manual-20240101120000")
    assert result.exit_code == 1
    assert "nba-tracker-manual-20240101120000" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_restore_dry_run_prints_both_calls(run: Run, client: Any, names: Any, aurora: Any) -> None:
    snap = snapshot(run)
    result = run("db", "restore", snap, "--as", "nba-tracker-dev-drill", "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    calls = json.loads(result.stdout)["dry_run_calls"]
    assert [c["operation"] for c in calls] == [
        "restore_db_cluster_from_snapshot",
        "create_db_instance",
    ]
    assert calls[0]["params"]["Engine"] == "aurora-postgresql"
    assert clusters(client) == {names.db_cluster}
