"""The guide's maintenance chores that run unattended (the daily Airflow DAG and
``nba-tracker ops``): each is idempotent and honours ``--dry-run`` through ``ctx.change``.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from nba_tracker.aws_errors import error_code
from nba_tracker.ops.core import InvalidInput, OpsContext, OpsError, describe_aws_error

DAY_MS = 86_400_000
EXPORT_POLL_SECONDS = 2.0
EXPORT_WAIT_SECONDS = 900.0


def _export_state_parameter(ctx: OpsContext) -> str:
    return f"{ctx.names.ssm_path}/maintenance/log-exports"


def _read_watermarks(ctx: OpsContext) -> dict[str, int]:
    try:
        raw = ctx.client("ssm").get_parameter(Name=_export_state_parameter(ctx))["Parameter"][
            "Value"
        ]
        return {k: int(v) for k, v in json.loads(raw).items()}
    except ClientError as exc:
        if error_code(exc) == "ParameterNotFound":
            return {}
        raise


def _save_watermarks(ctx: OpsContext, marks: dict[str, int]) -> None:
    ctx.change(
        "ssm",
        "put_parameter",
        Name=_export_state_parameter(ctx),
        Value=json.dumps(marks),
        Type="String",
        Overwrite=True,
    )


def _export_status(ctx: OpsContext, task_id: str) -> str:
    tasks = ctx.client("logs").describe_export_tasks(taskId=task_id).get("exportTasks", [])
    return str((tasks[0].get("status", {}).get("code") if tasks else None) or "UNKNOWN")


def _export_finished(ctx: OpsContext, task_id: str) -> bool:
    return _export_status(ctx, task_id) not in {"PENDING", "RUNNING"}


def _wait_until(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + EXPORT_WAIT_SECONDS
    while not done():
        if time.monotonic() > deadline:
            raise OpsError(f"gave up after {EXPORT_WAIT_SECONDS:.0f} s waiting for {what}")
        time.sleep(EXPORT_POLL_SECONDS)


def _no_export_running(ctx: OpsContext) -> bool:
    logs = ctx.client("logs")
    busy = {"PENDING", "RUNNING"}
    return not any(
        task.get("status", {}).get("code") in busy
        for code in busy
        for task in logs.describe_export_tasks(statusCode=code).get("exportTasks", [])
    )


def export_old_log_groups(ctx: OpsContext) -> list[dict[str, Any]]:
    """Archive each log group's events since its last export into the logs bucket, at
    most once a day, so everything reaches S3 before the group's retention deletes it.

    CloudWatch Logs runs one export per account at a time: each export waits for any
    running one (ours or another's) and for itself. The end of each exported range is
    remembered in SSM as soon as it is in S3, so a rerun, even after a failure halfway,
    exports nothing twice; a second run the same day does nothing.
    """
    logs = ctx.client("logs")
    now = int(time.time() * 1000)
    marks = _read_watermarks(ctx)
    results: list[dict[str, Any]] = []
    failed: list[str] = []
    groups = [
        ctx.names.ecs_log_group,
        ctx.names.mwaa_task_log_group,
        ctx.names.mwaa_scheduler_log_group,
    ]
    for group in groups:
        found = logs.describe_log_groups(logGroupNamePrefix=group).get("logGroups", [])
        info = next((g for g in found if g["logGroupName"] == group), None)
        if info is None:
            results.append({"log_group": group, "action": "absent"})
            continue
        start = marks.get(group, 0)
        if now - start < DAY_MS:
            results.append({"log_group": group, "action": "up to date", "exported_until": start})
            continue
        if info.get("retentionInDays"):
            # Older events are deleted already: no range before what the group still holds.
            start = max(start, now - int(info["retentionInDays"]) * DAY_MS)
        day = time.strftime("%Y/%m/%d", time.gmtime(now / 1000))
        prefix = f"cloudwatch/{group.strip('/').replace('/', '-')}/{day}"
        if not ctx.dry_run:
            _wait_until(lambda: _no_export_running(ctx), "the running log export to finish")
        response = ctx.change(
            "logs",
            "create_export_task",
            taskName=f"{ctx.names.prefix}-{now}",
            logGroupName=group,
            fromTime=start,
            to=now,
            destination=ctx.names.logs_bucket,
            destinationPrefix=prefix,
        )
        status = "planned"
        if response is not None:
            task_id = response["taskId"]
            _wait_until(partial(_export_finished, ctx, task_id), f"export {task_id} of {group}")
            status = _export_status(ctx, task_id)
            if status == "COMPLETED":
                marks[group] = now
                _save_watermarks(ctx, marks)
            else:
                failed.append(f"{group}: {status}")
        results.append(
            {
                "log_group": group,
                "action": "export",
                "from": start,
                "to": now,
                "status": status,
                "prefix": prefix,
            }
        )
    if failed:
        raise OpsError(f"log export did not complete ({'; '.join(failed)}); rerun to retry")
    return results


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


def check_automated_backups(ctx: OpsContext, min_retention: int = 7) -> dict[str, Any]:
    """The cluster keeps automated backups for at least ``min_retention`` days."""
    try:
        clusters = ctx.client("rds").describe_db_clusters(DBClusterIdentifier=ctx.names.db_cluster)[
            "DBClusters"
        ]
    except ClientError as exc:
        if error_code(exc) == "DBClusterNotFoundFault":
            raise OpsError(f"cluster {ctx.names.db_cluster} not found") from None
        raise
    retention = int(clusters[0].get("BackupRetentionPeriod") or 0)
    if retention < min_retention:
        raise OpsError(
            f"automated backups of {ctx.names.db_cluster} are kept {retention} day(s); "
            f"the guide requires at least {min_retention} (ops: nba-tracker ops … / Terraform "
            "backup_retention_period)"
        )
    return {"cluster": ctx.names.db_cluster, "retention_days": retention, "ok": True}


_WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$"
)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_window(window: str) -> str:
    """``ddd:hh:mm-ddd:hh:mm`` in UTC, at least 30 minutes (RDS's rule), else InvalidInput."""
    m = _WINDOW.match(window.strip().lower())
    if not m:
        raise InvalidInput(
            f"maintenance window {window!r} must look like sun:15:00-sun:16:00 (UTC)"
        )
    d1, h1, m1, d2, h2, m2 = m.groups()
    start = _DAYS.index(d1) * 1440 + int(h1) * 60 + int(m1)
    end = _DAYS.index(d2) * 1440 + int(h2) * 60 + int(m2)
    if (end - start) % (7 * 1440) < 30:
        raise InvalidInput("a maintenance window must last at least 30 minutes")
    return window.strip().lower()


def set_window(ctx: OpsContext, window: str) -> dict[str, Any]:
    ctx.change(
        "rds",
        "modify_db_cluster",
        DBClusterIdentifier=ctx.names.db_cluster,
        PreferredMaintenanceWindow=window,
        ApplyImmediately=False,
    )
    return {"cluster": ctx.names.db_cluster, "window": window}


class ItemState(StrEnum):
    """A checklist item's state, as ``ops maintenance check`` prints it."""

    OK = "ok"
    WARN = "warn"  # due, or overdue: the detail says what to run
    FAIL = "fail"  # checked and wrong (e.g. backups off)
    UNKNOWN = "unknown"  # AWS would not answer; the rest of the checklist still ran
    NOT_CHECKED = "not checked"  # nothing here to check (no lock file committed)
    MANUAL = "manual"  # only the operator can tell


def checklist(ctx: OpsContext) -> list[dict[str, str]]:
    """The guide's maintenance checklist, verified where AWS or the repo can tell."""
    rows: list[dict[str, str]] = []

    def item(name: str, state: ItemState, detail: str) -> None:
        rows.append({"item": name, "state": state, "detail": detail})

    try:
        backups = check_automated_backups(ctx)
        item("automated backups", ItemState.OK, f"kept {backups['retention_days']} days")
    except OpsError as exc:
        item("automated backups", ItemState.FAIL, str(exc))
    try:
        untagged = delete_untagged_ecr_images(_dry(ctx))["untagged"]
        item(
            "untagged ECR images",
            ItemState.OK if not untagged else ItemState.WARN,
            f"{untagged} untagged (nba-tracker ops cleanup --apply)" if untagged else "none",
        )
    except _UNREADABLE as exc:
        item("untagged ECR images", ItemState.UNKNOWN, _unreadable(exc))
    marks = _read_watermarks(ctx)
    if marks:
        age_days = (time.time() * 1000 - min(marks.values())) / DAY_MS
        item(
            "logs archived to S3",
            ItemState.OK if age_days < 2 else ItemState.WARN,
            f"oldest export watermark {age_days:.1f} days ago",
        )
    else:
        item(
            "logs archived to S3",
            ItemState.WARN,
            "no export recorded yet (the maintenance DAG does it daily)",
        )
    try:
        pending = (
            ctx.client("rds")
            .describe_pending_maintenance_actions()
            .get("PendingMaintenanceActions", [])
        )
        mine = [p for p in pending if ctx.names.db_cluster in p.get("ResourceIdentifier", "")]
        item(
            "pending maintenance actions",
            ItemState.OK if not mine else ItemState.WARN,
            ", ".join(
                a["Action"] for p in mine for a in p.get("PendingMaintenanceActionDetails", [])
            )
            or "none",
        )
    except _UNREADABLE as exc:
        item("pending maintenance actions", ItemState.UNKNOWN, _unreadable(exc))
    item(
        *lock_file_item(
            "Terraform providers",
            ("infra/terraform/environments/*/.terraform.lock.hcl",),
            "terraform init -upgrade",
        )
    )
    item(
        *lock_file_item(
            "Python dependencies",
            ("uv.lock", "requirements*.lock"),
            "uv lock --upgrade, then make test",
        )
    )
    item(
        "security patches",
        ItemState.MANUAL,
        "rebuild and release the image monthly for base-image patches (ops release TAG)",
    )
    return rows


# An item AWS will not answer is "unknown"; the rest of the checklist still runs.
_UNREADABLE = (ClientError, BotoCoreError, ResponseParserError)


def _unreadable(exc: Exception) -> str:
    if isinstance(exc, ResponseParserError):
        return "the endpoint's answer is not an AWS response (an emulator without this API?)"
    return f"not readable: {describe_aws_error(exc)}"


def _dry(ctx: OpsContext) -> OpsContext:
    return replace(ctx, dry_run=True, json_output=True, planned_calls=[])


LOCK_MAX_AGE_DAYS = 90


def _repo_root() -> Path | None:
    """The checkout this package runs from (ops commands run from one; the DAG may not)."""
    return next(
        (p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file()), None
    )


def _committed_at(path: Path) -> float:
    """When the file last changed in git; its mtime outside a checkout."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return float(out) if out.isdigit() else path.stat().st_mtime


def lock_file_item(name: str, patterns: tuple[str, ...], update: str) -> tuple[str, ItemState, str]:
    """A lock file untouched for 90+ days means updates (and security fixes) are waiting."""
    root = _repo_root()
    locks = [p for pattern in patterns for p in root.glob(pattern)] if root else []
    if not locks:
        return (
            name,
            ItemState.NOT_CHECKED,
            f"no {' / '.join(patterns)} committed; {update} and commit it",
        )
    oldest = min(locks, key=_committed_at)
    age = (time.time() - _committed_at(oldest)) / 86400
    state = ItemState.OK if age < LOCK_MAX_AGE_DAYS else ItemState.WARN
    detail = f"{oldest.relative_to(root) if root else oldest} last updated {age:.0f} days ago"
    if state == ItemState.WARN:
        detail += f"; {update}"
    return name, state, detail
