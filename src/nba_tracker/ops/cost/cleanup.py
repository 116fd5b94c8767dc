"""Unused resources the guide asks to clean up: unattached EBS volumes, manual cluster
snapshots beyond the newest 10, untagged ECR images."""

from __future__ import annotations

from typing import Any

from nba_tracker.ops.core import OpsContext, OpsError


def delete_untagged_ecr_images(ctx: OpsContext) -> dict[str, Any]:
    """Images nothing can deploy any more (no tag) are deleted; tagged ones never."""
    ecr = ctx.client("ecr")
    digests: list[str] = []
    paginator = ecr.get_paginator("list_images")
    for page in paginator.paginate(
        repositoryName=ctx.names.ecr_repository, filter={"tagStatus": "UNTAGGED"}
    ):
        digests += [i["imageDigest"] for i in page.get("imageIds", []) if not i.get("imageTag")]
    for start in range(0, len(digests), 100):
        ctx.change(
            "ecr",
            "batch_delete_image",
            repositoryName=ctx.names.ecr_repository,
            imageIds=[{"imageDigest": d} for d in digests[start : start + 100]],
        )
    return {"repository": ctx.names.ecr_repository, "untagged": len(digests), "digests": digests}


def prune_manual_snapshots(ctx: OpsContext, keep: int = 10) -> dict[str, Any]:
    """Delete manual cluster snapshots beyond the newest ``keep``; automated snapshots
    belong to RDS's own retention and are never touched."""
    if keep < 1:
        raise OpsError("keep must be at least 1")
    rds = ctx.client("rds")
    snapshots: list[dict[str, Any]] = []
    for page in rds.get_paginator("describe_db_cluster_snapshots").paginate(
        DBClusterIdentifier=ctx.names.db_cluster, SnapshotType="manual"
    ):
        snapshots += page.get("DBClusterSnapshots", [])
    # Ties (same second) fall back to the name, which carries the time in the guide's scheme.
    snapshots.sort(
        key=lambda s: (s["SnapshotCreateTime"], s["DBClusterSnapshotIdentifier"]), reverse=True
    )
    doomed = [s["DBClusterSnapshotIdentifier"] for s in snapshots[keep:]]
    for identifier in doomed:
        ctx.change("rds", "delete_db_cluster_snapshot", DBClusterSnapshotIdentifier=identifier)
    return {"kept": [s["DBClusterSnapshotIdentifier"] for s in snapshots[:keep]], "deleted": doomed}


def delete_available_volumes(ctx: OpsContext) -> list[dict[str, Any]]:
    """Volumes in state ``available`` are attached to nothing and cost money."""
    volumes: list[dict[str, Any]] = []
    for page in (
        ctx.client("ec2")
        .get_paginator("describe_volumes")
        .paginate(Filters=[{"Name": "status", "Values": ["available"]}])
    ):
        volumes += page.get("Volumes", [])
    for volume in volumes:
        ctx.change("ec2", "delete_volume", VolumeId=volume["VolumeId"])
    return [
        {"volume": v["VolumeId"], "size_gib": v.get("Size"), "created": v.get("CreateTime")}
        for v in volumes
    ]


def cleanup(ctx: OpsContext, keep_snapshots: int = 10) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for volume in delete_available_volumes(ctx):
        rows.append(
            {
                "kind": "EBS volume",
                "name": volume["volume"],
                "detail": f"{volume['size_gib']} GiB, unattached",
            }
        )
    for snapshot in prune_manual_snapshots(ctx, keep=keep_snapshots)["deleted"]:
        rows.append(
            {
                "kind": "cluster snapshot",
                "name": snapshot,
                "detail": f"manual, older than the newest {keep_snapshots}",
            }
        )
    for digest in delete_untagged_ecr_images(ctx)["digests"]:
        rows.append({"kind": "ECR image", "name": digest[:19], "detail": "untagged"})
    return rows
