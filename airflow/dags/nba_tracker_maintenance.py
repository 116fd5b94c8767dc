"""
### NBA Tracker maintenance, daily

The automatable items of the operations guide's maintenance checklist. Each task calls
one function of `nba_tracker.ops` (the same code as `nba-tracker ops maintenance …`),
is idempotent, and returns what it found or did as XCom:

- **export_old_log_groups** — exports each log group's events older than its retention
  to the logs bucket (`create_export_task`, one at a time, as CloudWatch Logs allows
  one running export per account).
- **delete_untagged_ecr_images** — deletes the untagged images of the repository.
- **prune_manual_snapshots** — deletes manual DB cluster snapshots beyond the newest 10.
- **check_automated_backups** — fails when automated backups are off or too short.

Variables, read when a task runs (on MWAA from SSM `/airflow/variables/<name>`):

| Variable | Default | Meaning |
|---|---|---|
| `nba_tracker_env` | `dev` | which environment's resources (`nba-tracker-{env}-…`) |
| `nba_tracker_maintenance_dry_run` | `true` | `true`: log the calls that would change AWS, make none |

See `docs/airflow.md`.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from typing import Any

import pendulum

try:  # Airflow 3
    from airflow.sdk import Variable, dag, task
    from airflow.sdk.exceptions import AirflowException, AirflowFailException
except ImportError:  # Airflow 2.10
    from airflow.decorators import dag, task
    from airflow.exceptions import AirflowException, AirflowFailException
    from airflow.models import Variable

log = logging.getLogger(__name__)

KEEP_MANUAL_SNAPSHOTS = 10
MIN_BACKUP_RETENTION_DAYS = 7
_FALSE = {"false", "0", "no", "off"}


def ops_context() -> Any:
    """The ops context for this run: environment and dry-run from Variables."""
    from nba_tracker.ops.core import InvalidInput, build_context
    from nba_tracker.ops.naming import DEFAULT_REGION

    env = str(Variable.get("nba_tracker_env", "dev")).strip()
    dry_run = str(Variable.get("nba_tracker_maintenance_dry_run", "true")).strip().lower()
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    try:
        # json_output keeps Rich tables out of the task log; tasks cannot answer prompts.
        ctx = build_context(
            env=env, region=region, dry_run=dry_run not in _FALSE, json_output=True, assume_yes=True
        )
    except InvalidInput as exc:
        raise AirflowFailException(str(exc)) from exc
    log.info("environment %s in %s, dry run: %s", env, region, ctx.dry_run)
    return ctx


def ops_function(name: str) -> Any:
    """A maintenance chore of the package shipped in plugins.zip (imported here, not at
    the top, so the DAG file parses without it)."""
    from nba_tracker.ops.cost import cleanup
    from nba_tracker.ops.maintenance import aws as maintenance
    from nba_tracker.ops.maintenance import exports

    chores = {
        "export_old_log_groups": exports.export_old_log_groups,
        "delete_untagged_ecr_images": cleanup.delete_untagged_ecr_images,
        "prune_manual_snapshots": cleanup.prune_manual_snapshots,
        "check_automated_backups": maintenance.check_automated_backups,
    }
    if name not in chores:
        raise AirflowFailException(f"no maintenance chore {name!r}")
    return chores[name]


def jsonable(value: Any) -> Any:
    """What an ops function returned, in a form XCom can store."""
    import dataclasses
    import json

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    elif isinstance(value, (list, tuple)):
        value = [jsonable(v) for v in value]
    return json.loads(json.dumps(value, default=str))


def run_chore(name: str, **kwargs: Any) -> Any:
    """Run one ops function; AWS failures become one clear line in the task log."""
    from botocore.exceptions import BotoCoreError, ClientError

    from nba_tracker.errors import TrackerError
    from nba_tracker.ops.core import describe_aws_error

    ctx = ops_context()
    try:
        result = ops_function(name)(ctx, **kwargs)
    except TrackerError as exc:
        raise AirflowException(f"{name}: {exc}") from exc
    except (ClientError, BotoCoreError) as exc:
        raise AirflowException(f"{name}: {describe_aws_error(exc)}") from exc
    for call in ctx.planned_calls:
        log.info(
            "dry-run: would call %s.%s(%s)", call["service"], call["operation"], call["params"]
        )
    output = {"result": jsonable(result), "dry_run": ctx.dry_run}
    if ctx.planned_calls:
        output["dry_run_calls"] = jsonable(ctx.planned_calls)
    log.info("%s: %s", name, output["result"])
    return output


@dag(
    dag_id="nba_tracker_maintenance",
    schedule="0 18 * * *",  # 03:00 JST, outside the collection peak
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=2),
    tags=["nba-tracker", "maintenance"],
    doc_md=__doc__,
    default_args={
        "owner": "nba-tracker",
        "retries": 2,
        "retry_delay": timedelta(minutes=1),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=10),
    },
)
def nba_tracker_maintenance() -> None:
    # Independent chores: one failing does not hold back the others.
    @task(task_id="export_old_log_groups", execution_timeout=timedelta(minutes=90))
    def export_old_log_groups() -> Any:
        return run_chore("export_old_log_groups")

    @task(task_id="delete_untagged_ecr_images", execution_timeout=timedelta(minutes=15))
    def delete_untagged_ecr_images() -> Any:
        return run_chore("delete_untagged_ecr_images")

    @task(task_id="prune_manual_snapshots", execution_timeout=timedelta(minutes=15))
    def prune_manual_snapshots() -> Any:
        return run_chore("prune_manual_snapshots", keep=KEEP_MANUAL_SNAPSHOTS)

    @task(task_id="check_automated_backups", execution_timeout=timedelta(minutes=5))
    def check_automated_backups() -> Any:
        return run_chore("check_automated_backups", min_retention=MIN_BACKUP_RETENTION_DAYS)

    export_old_log_groups()
    delete_untagged_ecr_images()
    prune_manual_snapshots()
    check_automated_backups()


nba_tracker_maintenance()
