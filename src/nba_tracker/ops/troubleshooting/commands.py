"""Commands of the guide's section トラブルシューティング / Troubleshooting (rows 11–13)."""

from __future__ import annotations

from collections.abc import Callable

import typer

from nba_tracker.ops.core import OpsContext, ops_command
from nba_tracker.ops.troubleshooting import aws as checks

doctor_app = typer.Typer(
    help="Inspect ECS, the database and MWAA and name the likely cause.", no_args_is_help=True
)


def _report(ctx: OpsContext, area: str) -> None:
    findings = checks.run(ctx, area)
    ctx.emit(
        [f.as_dict() for f in findings],
        columns=["area", "severity", "seen", "action"],
        title=f"Doctor: {ctx.names.prefix} ({area})",
    )
    code = checks.exit_code(findings)
    if code:
        raise typer.Exit(code)


def _command(area: str) -> Callable[[OpsContext], None]:
    def command(ctx: OpsContext) -> None:
        _report(ctx, area)

    command.__doc__ = f"Check {'everything' if area == 'all' else area.upper()}."
    command.__name__ = f"doctor_{area}"
    return command


for _area in (*checks.CHECKS, "all"):
    doctor_app.command(_area)(ops_command()(_command(_area)))


# Registered by nba_tracker.ops.cli under these names.
GROUPS: dict[str, typer.Typer] = {"doctor": doctor_app}
COMMANDS: list[Callable[..., object]] = []
