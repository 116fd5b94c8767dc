"""The maintenance chores the daily DAG runs, called as the DAG calls them (an
OpsContext), on the moto server with the guide's log groups and the logs bucket."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nba_tracker.ops.core import OpsError, build_context
from nba_tracker.ops.cost.cleanup import delete_untagged_ecr_images, prune_manual_snapshots
from nba_tracker.ops.maintenance.aws import check_automated_backups
from nba_tracker.ops.maintenance.exports import export_old_log_groups
from nba_tracker.ops.naming import ResourceNames
from tests.support.aws import ecr_manifest

Client = Callable[[str], Any]


@pytest.fixture
def logs_bucket(client: Client, names: ResourceNames) -> str:
    client("s3").create_bucket(
        Bucket=names.logs_bucket,
        CreateBucketConfiguration={"LocationConstraint": names.region},
    )
    return names.logs_bucket


def exports(client: Client) -> list[dict[str, Any]]:
    return list(client("logs").describe_export_tasks()["exportTasks"])


def test_logs_are_exported_once_and_remembered(
    client: Client, names: ResourceNames, log_groups: dict[str, list[str]], logs_bucket: str
) -> None:
    client("logs").put_retention_policy(logGroupName=names.ecs_log_group, retentionInDays=30)

    dry = build_context("dev", dry_run=True, json_output=True)
    planned = export_old_log_groups(dry)
    assert {r["status"] for r in planned} == {"planned"}
    assert exports(client) == []

    first = export_old_log_groups(build_context("dev"))
    assert {r["log_group"]: r["status"] for r in first} == dict.fromkeys(log_groups, "COMPLETED")
    ecs = next(r for r in first if r["log_group"] == names.ecs_log_group)
    assert ecs["to"] - ecs["from"] == 30 * 86_400_000  # nothing older than the retention
    assert {e["destination"] for e in exports(client)} == {logs_bucket}
    objects = client("s3").list_objects_v2(Bucket=logs_bucket).get("Contents", [])
    assert any(o["Key"].startswith("cloudwatch/aws-ecs-nba-tracker-dev/") for o in objects)

    again = export_old_log_groups(build_context("dev"))
    assert {r["action"] for r in again} == {"up to date"}
    assert len(exports(client)) == len(log_groups)  # no range exported twice


def test_untagged_images_go_and_tagged_ones_stay(client: Client, names: ResourceNames) -> None:
    ecr = client("ecr")
    ecr.create_repository(repositoryName=names.ecr_repository)
    ecr.put_image(
        repositoryName=names.ecr_repository, imageManifest=ecr_manifest(1), imageTag="latest"
    )
    for n in (2, 3):
        ecr.put_image(repositoryName=names.ecr_repository, imageManifest=ecr_manifest(n))
    assert delete_untagged_ecr_images(build_context("dev"))["untagged"] == 2
    left = ecr.describe_images(repositoryName=names.ecr_repository)["imageDetails"]
    assert [d.get("imageTags") for d in left] == [["latest"]]
    assert delete_untagged_ecr_images(build_context("dev"))["untagged"] == 0  # idempotent


def test_the_newest_ten_manual_snapshots_stay(
    client: Client, names: ResourceNames, aurora: dict[str, Any]
) -> None:
    rds = client("rds")
    made = [f"nba-tracker-manual-202601{day:02d}000000" for day in range(1, 13)]
    for identifier in made:
        rds.create_db_cluster_snapshot(
            DBClusterIdentifier=names.db_cluster, DBClusterSnapshotIdentifier=identifier
        )
    dry = build_context("dev", dry_run=True, json_output=True)
    assert sorted(prune_manual_snapshots(dry, keep=10)["deleted"]) == made[:2]
    assert len(dry.planned_calls) == 2
    result = prune_manual_snapshots(build_context("dev"), keep=10)
    assert sorted(result["deleted"]) == made[:2]
    left = rds.describe_db_cluster_snapshots(
        DBClusterIdentifier=names.db_cluster, SnapshotType="manual"
    )["DBClusterSnapshots"]
    assert sorted(s["DBClusterSnapshotIdentifier"] for s in left) == made[2:]
    assert prune_manual_snapshots(build_context("dev"), keep=10)["deleted"] == []


def test_automated_backups_shorter_than_a_week_fail(
    client: Client, names: ResourceNames, aurora: dict[str, Any]
) -> None:
    rds = client("rds")
    rds.modify_db_cluster(
        DBClusterIdentifier=names.db_cluster, BackupRetentionPeriod=7, ApplyImmediately=True
    )
    assert check_automated_backups(build_context("dev"), min_retention=7)["retention_days"] == 7
    rds.modify_db_cluster(
        DBClusterIdentifier=names.db_cluster, BackupRetentionPeriod=1, ApplyImmediately=True
    )
    with pytest.raises(OpsError, match="kept 1 day"):
        check_automated_backups(build_context("dev"), min_retention=7)
