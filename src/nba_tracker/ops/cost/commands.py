"""Commands of the guide's section コスト最適化 / Cost (rows 16–20)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from nba_tracker.ops.core import OpsContext, ops_command
from nba_tracker.ops.cost import aws as cost
from nba_tracker.ops.cost.cleanup import cleanup as find_and_delete
from nba_tracker.ops.cost.storage import apply_lifecycle

cost_app = typer.Typer(help="Cost Explorer reports.", no_args_is_help=True)


@cost_app.command("report")
@ops_command()
def report(
    ctx: OpsContext,
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Day after the last, YYYY-MM-DD.")],
    granularity: Annotated[str, typer.Option(help="DAILY or MONTHLY.")] = "DAILY",
) -> None:
    """Unblended cost by service, a bar per day, and advice when one service dominates."""
    result = cost.report(ctx, start, end, granularity.upper())
    largest = max((a for _, a in result.by_service), default=0.0)
    rows = [
        {
            "service": s,
            "cost": f"{a:,.2f} {result.unit}",
            "share": f"{a / result.total:.0%}" if result.total else "-",
            "bar": cost.bar(a, largest),
        }
        for s, a in result.by_service
    ]
    peak = max((a for _, a in result.by_period), default=0.0)
    periods = [{"period": p, "cost": round(a, 2)} for p, a in result.by_period]
    title = f"Unblended cost {result.start} → {result.end}: {result.total:,.2f} {result.unit}"
    if ctx.json_output:
        ctx.emit(
            rows,
            extra={
                "total": round(result.total, 2),
                "unit": result.unit,
                "by_period": periods,
                "advice": result.advice,
            },
        )
        return
    ctx.emit(rows, columns=["service", "cost", "share", "bar"], title=title)
    for p, a in result.by_period:
        ctx.message(f"{p}  {a:>10,.2f}  {cost.bar(a, peak)}")
    for line in result.advice:
        ctx.message(f"[bold]advice:[/] {line}")


cleanup_app = typer.Typer(
    help="Unattached EBS volumes, snapshots beyond 10, untagged images.",
    invoke_without_command=True,
)


@cleanup_app.callback()
@ops_command(changes_aws=True)
def cleanup(
    ctx: OpsContext,
    apply: Annotated[
        bool, typer.Option("--apply", help="Delete them (default: only list).")
    ] = False,
    keep: Annotated[
        int, typer.Option("--keep", min=1, max=100, help="Manual snapshots to keep.")
    ] = 10,
) -> None:
    """List what is unused; with --apply (and --yes or a confirmation) delete it."""
    if not apply:
        ctx.dry_run = True
    else:
        ctx.confirm(f"delete unused resources of {ctx.names.prefix}")
    rows = find_and_delete(ctx, keep_snapshots=keep)
    title = "Deleted" if apply else "Unused (run with --apply --yes to delete)"
    ctx.emit(rows, columns=["kind", "name", "detail"], title=title)


storage_app = typer.Typer(help="S3 storage of the environment.", no_args_is_help=True)
lifecycle_app = typer.Typer(help="Lifecycle of the logs bucket.", no_args_is_help=True)
storage_app.add_typer(lifecycle_app, name="lifecycle")


@lifecycle_app.command("apply")
@ops_command(changes_aws=True)
def apply(ctx: OpsContext) -> None:
    """Put infra/storage/logs-lifecycle.json on the logs bucket (what Terraform applies)."""
    rows = apply_lifecycle(ctx)
    ctx.emit(rows, title=f"Lifecycle of s3://{ctx.names.logs_bucket}")


# Registered by nba_tracker.ops.cli under these names.
GROUPS: dict[str, typer.Typer] = {"cost": cost_app, "cleanup": cleanup_app, "storage": storage_app}
COMMANDS: list[Callable[..., object]] = []
