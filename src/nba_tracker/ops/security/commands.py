"""Commands of the guide's section セキュリティ運用 / Security (rows 21–22)."""

from __future__ import annotations

from collections.abc import Callable

import typer

from nba_tracker.ops.core import OpsContext, Severity, ops_command
from nba_tracker.ops.security import aws as security

audit_app = typer.Typer(
    help="Security audit: credentials, open ports, secrets, encryption, log retention.",
    invoke_without_command=True,
)


@audit_app.callback()
@ops_command()
def audit(ctx: OpsContext) -> None:
    """Every finding with its severity and the remedy."""
    findings = security.audit(ctx)
    ctx.emit(
        [f.as_dict() for f in findings],
        columns=["area", "severity", "seen", "action"],
        title=f"Security audit ({len(findings)} findings)",
    )
    if any(f.severity == Severity.HIGH for f in findings):
        raise typer.Exit(1)


secrets_app = typer.Typer(help="Secrets Manager.", no_args_is_help=True)


@secrets_app.command("rotate")
@ops_command(changes_aws=True)
def rotate(ctx: OpsContext) -> None:
    """Rotate the DB password secret; refuses when it has no rotation configured."""
    ctx.confirm(f"rotate {ctx.names.db_secret}")
    ctx.emit([security.rotate_db_secret(ctx)], title="Secret rotation")


# Registered by nba_tracker.ops.cli under these names.
GROUPS: dict[str, typer.Typer] = {"audit": audit_app, "secrets": secrets_app}
COMMANDS: list[Callable[..., object]] = []
