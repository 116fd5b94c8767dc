"""nba_tracker_maintenance: each chore run by real Airflow (``dag.test()``, 2.10 and 3)
against the moto server: in dry-run with a failing check, for real, and again."""

from __future__ import annotations

import importlib
import json
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from nba_tracker.ops.naming import resource_names
from tests.airflow.runtime import DAGS, AirflowRuntime, DriverRun

CHORES = (
    "export_old_log_groups",
    "delete_untagged_ecr_images",
    "prune_manual_snapshots",
    "check_automated_backups",
)


def _missing_chores() -> list[str]:
    """The maintenance functions the DAG calls that this build of the package lacks."""
    modules = []
    for name in (
        "nba_tracker.ops.maintenance.aws",
        "nba_tracker.ops.maintenance.exports",
        "nba_tracker.ops.cost.cleanup",
    ):
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return [c for c in CHORES if not any(hasattr(m, c) for m in modules)]


pytestmark = [
    pytest.mark.airflow,
    pytest.mark.aws,
    pytest.mark.slow,
    pytest.mark.timeout(600),
    pytest.mark.skipif(
        bool(_missing_chores()),
        reason=f"nba_tracker.ops lacks {', '.join(_missing_chores())} in this build",
    ),
]

NAMES = resource_names("dev")
REGION = NAMES.region
TASKS = set(CHORES)
SNAPSHOTS = 12
DAY_MS = 86_400_000


def _manifest(n: int) -> str:
    """A distinct image manifest: moto derives the digest from it."""
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 7,
                "digest": f"sha256:{n:064x}",
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 10,
                    "digest": f"sha256:{n + 1000:064x}",
                }
            ],
        }
    )


def seed() -> None:
    """The dev environment as the chores find it: old logs, untagged images, 12 snapshots."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(
        Bucket=NAMES.logs_bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )

    logs = boto3.client("logs", region_name=REGION)
    now = int(time.time() * 1000)
    for group in (NAMES.ecs_log_group, NAMES.mwaa_task_log_group):
        logs.create_log_group(logGroupName=group)
        logs.put_retention_policy(logGroupName=group, retentionInDays=30)
        logs.create_log_stream(logGroupName=group, logStreamName="app")
        logs.put_log_events(
            logGroupName=group,
            logStreamName="app",
            logEvents=[{"timestamp": now - 60_000, "message": "Request completed"}],
        )

    ecr = boto3.client("ecr", region_name=REGION)
    ecr.create_repository(repositoryName=NAMES.ecr_repository)
    ecr.put_image(
        repositoryName=NAMES.ecr_repository, imageManifest=_manifest(1), imageTag="latest"
    )
    ecr.put_image(repositoryName=NAMES.ecr_repository, imageManifest=_manifest(2), imageTag="v41")
    for n in (3, 4):
        ecr.put_image(repositoryName=NAMES.ecr_repository, imageManifest=_manifest(n))

    rds = boto3.client("rds", region_name=REGION)
    rds.create_db_cluster(
        DBClusterIdentifier=NAMES.db_cluster,
        Engine="aurora-postgresql",
        MasterUsername="tracker",
        MasterUserPassword="not-a-real-password-1",
        BackupRetentionPeriod=7,
    )
    for i in range(SNAPSHOTS):
        rds.create_db_cluster_snapshot(
            DBClusterIdentifier=NAMES.db_cluster,
            DBClusterSnapshotIdentifier=f"nba-tracker-manual-202601{i + 1:02d}000000",
        )


def manual_snapshots() -> list[str]:
    rds = boto3.client("rds", region_name=REGION)
    snaps = rds.describe_db_cluster_snapshots(
        DBClusterIdentifier=NAMES.db_cluster, SnapshotType="manual"
    )["DBClusterSnapshots"]
    return [
        s["DBClusterSnapshotIdentifier"]
        for s in sorted(snaps, key=lambda s: s["SnapshotCreateTime"])
    ]


def image_tags() -> list[list[str]]:
    ecr = boto3.client("ecr", region_name=REGION)
    details = ecr.describe_images(repositoryName=NAMES.ecr_repository)["imageDetails"]
    return sorted(sorted(d.get("imageTags") or []) for d in details)


def export_tasks() -> list[dict[str, Any]]:
    return boto3.client("logs", region_name=REGION).describe_export_tasks()["exportTasks"]


def run_maintenance(
    runtime: AirflowRuntime,
    out: Path,
    dry_run: bool,
    overrides: dict[str, Any] | None = None,
) -> DriverRun:
    return runtime.run(
        "run_dag",
        str(DAGS),
        "nba_tracker_maintenance",
        str(out),
        json.dumps(overrides or {}),
        out=out,
        env={
            "AIRFLOW_VAR_NBA_TRACKER_ENV": "dev",
            "AIRFLOW_VAR_NBA_TRACKER_MAINTENANCE_DRY_RUN": "true" if dry_run else "false",
        },
    )


def test_maintenance_chores(airflow_runtime: AirflowRuntime, aws: str, tmp_path: Path) -> None:
    seed()
    snapshots_before = manual_snapshots()
    tags_before = image_tags()
    assert len(snapshots_before) == SNAPSHOTS
    assert tags_before.count([]) == 2

    rds = boto3.client("rds", region_name=REGION)

    # 1. Dry run (the default), with automated backups too short: every chore runs and
    #    reports, nothing changes, and the backup check fails the run on its own.
    rds.modify_db_cluster(
        DBClusterIdentifier=NAMES.db_cluster, BackupRetentionPeriod=1, ApplyImmediately=True
    )
    run = run_maintenance(
        airflow_runtime,
        tmp_path / "dry.json",
        dry_run=True,
        overrides={"check_automated_backups": {"retries": 0}},
    )
    assert run.report["state"] == "failed", run.output[-5000:]
    assert run.report["tasks"] == {
        **dict.fromkeys(TASKS, "success"),
        "check_automated_backups": "failed",
    }
    chores = TASKS - {"check_automated_backups"}
    assert all(run.report["xcom"][t]["dry_run"] for t in chores)
    planned = run.report["xcom"]["prune_manual_snapshots"].get("dry_run_calls", [])
    assert len(planned) == SNAPSHOTS - 10, planned
    assert manual_snapshots() == snapshots_before
    assert image_tags() == tags_before
    assert export_tasks() == []

    # 2. For real, backups back on.
    rds.modify_db_cluster(
        DBClusterIdentifier=NAMES.db_cluster, BackupRetentionPeriod=7, ApplyImmediately=True
    )
    run = run_maintenance(airflow_runtime, tmp_path / "real.json", dry_run=False)
    assert run.report["state"] == "success", run.output[-5000:]
    assert run.report["tasks"] == dict.fromkeys(TASKS, "success")
    assert manual_snapshots() == snapshots_before[-10:], "the newest 10 stay"
    assert image_tags() == [["latest"], ["v41"]]
    exports = export_tasks()
    assert exports, "no log export was started"
    assert {e["destination"] for e in exports} == {NAMES.logs_bucket}

    # 3. Again: nothing left to do.
    run = run_maintenance(airflow_runtime, tmp_path / "again.json", dry_run=False)
    assert run.report["state"] == "success", run.output[-5000:]
    assert manual_snapshots() == snapshots_before[-10:]
    assert image_tags() == [["latest"], ["v41"]]
    assert len(export_tasks()) == len(exports)
