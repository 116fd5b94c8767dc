"""The guide's maintenance checklist and window (rows 23–24), and the automated-backup
check the maintenance DAG runs. Each change honours ``--dry-run`` through ``ctx.change``.
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from nba_tracker.aws_errors import error_code
from nba_tracker.ops.core import InvalidInput, OpsContext, OpsError, describe_aws_error
from nba_tracker.ops.cost.cleanup import delete_untagged_ecr_images
from nba_tracker.ops.maintenance.exports import DAY_MS, read_watermarks


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
    marks = read_watermarks(ctx)
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
