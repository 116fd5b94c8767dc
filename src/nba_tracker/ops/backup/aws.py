"""Backup and restore (guide: バックアップとリストア): Aurora cluster snapshots.

Restore always makes a new cluster; it never touches or replaces an existing one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from nba_tracker.aws_errors import error_code
from nba_tracker.ops.core import InvalidInput, OpsContext, OpsError

ENGINE = "aurora-postgresql"
INSTANCE_CLASS = "db.serverless"
DEFAULT_SCALING = {"MinCapacity": 0.5, "MaxCapacity": 2.0}

# RDS identifiers: a letter first, letters/digits/hyphens, no "--", no trailing "-".
_RDS_ID = re.compile(r"[A-Za-z](?!.*--)[A-Za-z0-9-]*(?<!-)")
_SNAPSHOT_ARN = re.compile(r"arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster-snapshot:[A-Za-z0-9:-]+")
_MAX_ID = 63
# The restored cluster's instance is named "<cluster>-1", which must fit too.
_MAX_RESTORE_ID = _MAX_ID - 2

# Waits for real clusters take minutes: poll every 15 s, give up after an hour.
_WAIT = {"delay": 15, "max_attempts": 240}


def check_identifier(value: str, what: str, max_len: int = _MAX_ID) -> str:
    if not (_RDS_ID.fullmatch(value) and len(value) <= max_len):
        raise InvalidInput(
            f"{what} {value!r} is not a valid RDS identifier: 1–{max_len} letters, digits "
            "or hyphens, starting with a letter, no '--', not ending with '-'"
        )
    return value


def check_snapshot(value: str) -> str:
    if _SNAPSHOT_ARN.fullmatch(value):  # a snapshot shared from another account
        return value
    return check_identifier(value, "snapshot")


def snapshot_name(ctx: OpsContext, now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    return f"{ctx.names.manual_snapshot_prefix}-{moment:%Y%m%d%H%M%S}"


def _snapshot_row(snap: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "snapshot": snap.get("DBClusterSnapshotIdentifier"),
        "type": snap.get("SnapshotType"),
        "status": snap.get("Status"),
        "created": snap.get("SnapshotCreateTime"),
        "cluster": snap.get("DBClusterIdentifier"),
        "engine": f"{snap.get('Engine', '')} {snap.get('EngineVersion', '')}".strip(),
        "size_gb": snap.get("AllocatedStorage"),
    }


def _describe_snapshot(ctx: OpsContext, snapshot: str) -> dict[str, Any]:
    found = ctx.client("rds").describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=snapshot)
    snaps = found.get("DBClusterSnapshots", [])
    if not snaps:
        raise OpsError(f"snapshot {snapshot} not found")
    return dict(snaps[0])


def _describe_cluster(ctx: OpsContext, cluster: str) -> dict[str, Any] | None:
    try:
        found = ctx.client("rds").describe_db_clusters(DBClusterIdentifier=cluster)
    except ClientError as exc:
        if error_code(exc) == "DBClusterNotFoundFault":
            return None
        raise
    clusters = found.get("DBClusters", [])
    return dict(clusters[0]) if clusters else None


def create_snapshot(
    ctx: OpsContext, *, wait: bool = True, now: datetime | None = None
) -> dict[str, Any]:
    """A manual snapshot ``<prefix>-YYYYmmddHHMMSS`` of the environment's cluster."""
    name = snapshot_name(ctx, now)
    cluster = ctx.names.db_cluster
    created = ctx.change(
        "rds",
        "create_db_cluster_snapshot",
        DBClusterSnapshotIdentifier=name,
        DBClusterIdentifier=cluster,
    )
    if ctx.dry_run:
        return {"snapshot": name, "cluster": cluster, "status": "would create"}
    if wait:
        ctx.wait(
            "rds",
            "db_cluster_snapshot_available",
            f"waiting for snapshot {name} to become available",
            DBClusterSnapshotIdentifier=name,
            **_WAIT,
        )
        return _snapshot_row(_describe_snapshot(ctx, name))
    return _snapshot_row(created["DBClusterSnapshot"])


def list_snapshots(ctx: OpsContext) -> list[dict[str, Any]]:
    """The cluster's snapshots, newest first (manual and automated)."""
    pages = ctx.client("rds").get_paginator("describe_db_cluster_snapshots")
    rows = [
        _snapshot_row(snap)
        for page in pages.paginate(DBClusterIdentifier=ctx.names.db_cluster)
        for snap in page.get("DBClusterSnapshots", [])
    ]
    epoch = datetime.min.replace(tzinfo=UTC)
    rows.sort(key=lambda r: r["created"] or epoch, reverse=True)
    return rows


def _network_of(source: Mapping[str, Any] | None) -> dict[str, Any]:
    """Subnet group, security groups and ACU range copied from the live cluster.

    Without them the restore lands in the default VPC, where the service cannot
    reach it.
    """
    if source is None:
        return {"ServerlessV2ScalingConfiguration": dict(DEFAULT_SCALING)}
    params: dict[str, Any] = {}
    if source.get("DBSubnetGroup"):
        params["DBSubnetGroupName"] = source["DBSubnetGroup"]
    groups = [g["VpcSecurityGroupId"] for g in source.get("VpcSecurityGroups", [])]
    if groups:
        params["VpcSecurityGroupIds"] = groups
    scaling = source.get("ServerlessV2ScalingConfiguration") or DEFAULT_SCALING
    params["ServerlessV2ScalingConfiguration"] = {
        k: scaling[k]
        for k in ("MinCapacity", "MaxCapacity", "SecondsUntilAutoPause")
        if k in scaling
    }
    return params


def restore(
    ctx: OpsContext, snapshot: str, target: str | None = None, *, with_instance: bool = True
) -> dict[str, Any]:
    """Restore ``snapshot`` as a new cluster (plus one Serverless v2 instance), wait, report."""
    check_snapshot(snapshot)
    name = check_identifier(target or ctx.names.restored_db_cluster, "--as", _MAX_RESTORE_ID)
    if _describe_cluster(ctx, name) is not None:
        raise OpsError(
            f"cluster {name} already exists; restore never overwrites a cluster — "
            "pick another name with --as"
        )
    snap = _describe_snapshot(ctx, snapshot)
    source = _describe_cluster(ctx, ctx.names.db_cluster)
    engine = snap.get("Engine") or ENGINE
    params: dict[str, Any] = {
        "DBClusterIdentifier": name,
        "SnapshotIdentifier": snapshot,
        "Engine": engine,
        **_network_of(source),
    }
    if snap.get("EngineVersion"):
        params["EngineVersion"] = snap["EngineVersion"]
    ctx.change("rds", "restore_db_cluster_from_snapshot", **params)
    instance = f"{name}-1"
    if with_instance:
        ctx.change(
            "rds",
            "create_db_instance",
            DBInstanceIdentifier=instance,
            DBClusterIdentifier=name,
            DBInstanceClass=INSTANCE_CLASS,
            Engine=engine,
        )
    note = (
        ""
        if source
        else f"live cluster {ctx.names.db_cluster} not found: network settings not copied"
    )
    if ctx.dry_run:
        return {"cluster": name, "snapshot": snapshot, "status": "would restore", "note": note}
    ctx.wait(
        "rds",
        "db_cluster_available",
        f"restoring {snapshot} as {name} (this takes several minutes)",
        DBClusterIdentifier=name,
        **_WAIT,
    )
    if with_instance:
        ctx.wait(
            "rds",
            "db_instance_available",
            f"starting instance {instance}",
            DBInstanceIdentifier=instance,
            **_WAIT,
        )
    restored = _describe_cluster(ctx, name) or {}
    return {
        "cluster": name,
        "snapshot": snapshot,
        "status": restored.get("Status"),
        "endpoint": restored.get("Endpoint"),
        "reader_endpoint": restored.get("ReaderEndpoint"),
        "port": restored.get("Port"),
        "instance": instance if with_instance else "",
        "note": note
        or ("" if with_instance else "no instance: the endpoint answers once one is added"),
    }
