"""ops cleanup and ops storage lifecycle apply on the moto server."""

from __future__ import annotations

import json

import boto3
from typer.testing import CliRunner

from nba_tracker.ops.cli import app
from nba_tracker.ops.cost.storage import load_lifecycle
from nba_tracker.ops.naming import resource_names
from tests.support.aws import create_aurora, ecr_manifest

NAMES = resource_names("dev")
REGION = NAMES.region


def seed() -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=8)
    rds = boto3.client("rds", region_name=REGION)
    create_aurora(rds, NAMES.db_cluster)
    for i in range(12):
        rds.create_db_cluster_snapshot(
            DBClusterIdentifier=NAMES.db_cluster,
            DBClusterSnapshotIdentifier=f"nba-tracker-manual-2026010{i:02d}",
        )
    ecr = boto3.client("ecr", region_name=REGION)
    ecr.create_repository(repositoryName=NAMES.ecr_repository)
    for n, tag in ((1, "latest"), (2, None)):
        manifest = ecr_manifest(n)
        kwargs = {"imageTag": tag} if tag else {}
        ecr.put_image(repositoryName=NAMES.ecr_repository, imageManifest=manifest, **kwargs)


def counts() -> tuple[int, int, int]:
    volumes = boto3.client("ec2", region_name=REGION).describe_volumes(
        Filters=[{"Name": "status", "Values": ["available"]}]
    )["Volumes"]
    snaps = boto3.client("rds", region_name=REGION).describe_db_cluster_snapshots(
        DBClusterIdentifier=NAMES.db_cluster, SnapshotType="manual"
    )["DBClusterSnapshots"]
    images = boto3.client("ecr", region_name=REGION).describe_images(
        repositoryName=NAMES.ecr_repository
    )["imageDetails"]
    return len(volumes), len(snaps), len(images)


def test_cleanup_lists_by_default_and_deletes_with_apply(aws: str) -> None:
    seed()
    runner = CliRunner()
    listed = runner.invoke(app, ["cleanup", "--json"])
    assert listed.exit_code == 0, listed.output
    kinds = [row["kind"] for row in json.loads(listed.output)["items"]]
    assert kinds.count("EBS volume") == 1
    assert kinds.count("cluster snapshot") == 2
    assert kinds.count("ECR image") == 1
    assert counts() == (1, 12, 2)  # nothing deleted without --apply
    applied = runner.invoke(app, ["cleanup", "--apply", "--yes"])
    assert applied.exit_code == 0, applied.output
    assert counts() == (0, 10, 1)


def test_lifecycle_from_the_repo_definition(aws: str) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(
        Bucket=NAMES.logs_bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    out = CliRunner().invoke(app, ["storage", "lifecycle", "apply"])
    assert out.exit_code == 0, out.output
    rules = s3.get_bucket_lifecycle_configuration(Bucket=NAMES.logs_bucket)["Rules"]
    assert [r["ID"] for r in rules] == [r["ID"] for r in load_lifecycle()["Rules"]]
