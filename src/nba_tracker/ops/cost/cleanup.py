"""Unused resources the guide asks to clean up: unattached EBS volumes, manual cluster
snapshots beyond the newest 10, untagged ECR images."""

from __future__ import annotations

from typing import Any

from nba_tracker.ops.core import OpsContext
from nba_tracker.ops.maintenance.aws import delete_untagged_ecr_images, prune_manual_snapshots


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
