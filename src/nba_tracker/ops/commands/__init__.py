"""``nba-tracker ops``: each module here is one command group (``NAME`` + ``app``), or
top-level commands (``COMMANDS``, a list of functions, e.g. ``ops rollback --to TAG``).

Groups are discovered rather than listed so that a guide section is added by adding
its module, nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

app = typer.Typer(
    help="Run the operations guide against AWS (honours AWS_PROFILE and AWS_ENDPOINT_URL).",
    no_args_is_help=True,
)

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("_"):
        continue
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    _group = getattr(_module, "app", None)
    if isinstance(_group, typer.Typer):
        app.add_typer(_group, name=getattr(_module, "NAME", _info.name.replace("_", "-")))
    for _command in getattr(_module, "COMMANDS", ()):
        # A single action is a command of its own, not a group with one member.
        app.command(_command.__name__.replace("_", "-"))(_command)
