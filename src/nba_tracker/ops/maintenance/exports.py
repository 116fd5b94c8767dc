"""Log groups exported to S3 before their retention ends (the maintenance DAG's daily
chore): one export at a time, each range remembered in SSM as soon as it is in S3."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from nba_tracker.aws_errors import error_code
from nba_tracker.ops.core import OpsContext, OpsError

DAY_MS = 86_400_000
EXPORT_POLL_SECONDS = 2.0
EXPORT_WAIT_SECONDS = 900.0


def _export_state_parameter(ctx: OpsContext) -> str:
    return f"{ctx.names.ssm_path}/maintenance/log-exports"


def read_watermarks(ctx: OpsContext) -> dict[str, int]:
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
    marks = read_watermarks(ctx)
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
