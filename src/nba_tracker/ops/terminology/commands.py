"""Commands of the guide's section 日本語版の用語 / Japanese edition terminology."""

from __future__ import annotations

from collections.abc import Callable

import typer

from nba_tracker.ops.core import OpsContext, ops_command
from nba_tracker.translate.terminology import import_terminology, load_terms

translate_app = typer.Typer(
    help="Amazon Translate terminology for the Japanese edition.", no_args_is_help=True
)


@translate_app.command("import-terminology")
@ops_command(changes_aws=True)
def import_terms(ctx: OpsContext) -> None:
    """Create or overwrite the NBA terminology (teams, players, terms) in Amazon Translate."""
    terms = load_terms()
    name = ctx.names.terminology
    if ctx.dry_run:
        ctx.change(
            "translate",
            "import_terminology",
            Name=name,
            MergeStrategy="OVERWRITE",
            TerminologyData=f"<{len(terms)} terms, CSV>",
        )
        ctx.emit([], extra={"terminology": name, "terms": len(terms)})
        return
    with ctx.status(f"importing {len(terms)} terms as {name}"):
        props = import_terminology(ctx.client("translate"), name)
    ctx.emit(
        [
            {
                "name": props.get("Name", name),
                "terms": props.get("TermCount", len(terms)),
                "bytes": props.get("SizeBytes"),
                "languages": "en → ja",
            }
        ],
        title="Terminology imported",
    )


# Registered by nba_tracker.ops.cli under these names.
GROUPS: dict[str, typer.Typer] = {"translate": translate_app}
COMMANDS: list[Callable[..., object]] = []
