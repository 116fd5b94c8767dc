"""``ops cost report --from --to [--granularity DAILY]``."""

from __future__ import annotations

from typing import Annotated

import typer

from nba_tracker.ops import cost
from nba_tracker.ops.core import OpsContext, ops_command

NAME = "cost"
app = typer.Typer(help="Cost Explorer reports.", no_args_is_help=True)


@app.command("report")
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
