"""``ops audit``: the security checks of the guide; exit 1 when a high finding exists."""

from __future__ import annotations

import typer

from nba_tracker.ops import security
from nba_tracker.ops.core import OpsContext, ops_command

NAME = "audit"
app = typer.Typer(
    help="Security audit: credentials, open ports, secrets, encryption, log retention.",
    invoke_without_command=True,
)


@app.callback()
@ops_command()
def audit(ctx: OpsContext) -> None:
    """Every finding with its severity and the remedy."""
    findings = security.audit(ctx)
    ctx.emit(
        [f.as_dict() for f in findings],
        columns=["area", "severity", "seen", "action"],
        title=f"Security audit ({len(findings)} findings)",
    )
    if any(f.severity == "high" for f in findings):
        raise typer.Exit(1)
