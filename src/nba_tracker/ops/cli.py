"""``nba-tracker ops``: the operations guide, one package per section of it.

Each section package holds its AWS calls and, in ``commands.py``, its command groups
(``GROUPS``) and top-level commands (``COMMANDS``); they are registered here, in the
guide's order. A new section is a new package and one line below.
"""

from __future__ import annotations

import typer

from nba_tracker.ops.backup import commands as backup
from nba_tracker.ops.cost import commands as cost
from nba_tracker.ops.emergency import commands as emergency
from nba_tracker.ops.logs import commands as logs
from nba_tracker.ops.maintenance import commands as maintenance
from nba_tracker.ops.monitoring import commands as monitoring
from nba_tracker.ops.scaling import commands as scaling
from nba_tracker.ops.security import commands as security
from nba_tracker.ops.terminology import commands as terminology
from nba_tracker.ops.troubleshooting import commands as troubleshooting

app = typer.Typer(
    help="Run the operations guide against AWS (honours AWS_PROFILE and AWS_ENDPOINT_URL).",
    no_args_is_help=True,
)

SECTIONS = (
    monitoring,
    logs,
    backup,
    scaling,
    troubleshooting,
    emergency,
    cost,
    security,
    maintenance,
    terminology,
)

for _section in SECTIONS:
    for _name, _group in _section.GROUPS.items():
        app.add_typer(_group, name=_name)
    for _command in _section.COMMANDS:
        # A single action is a command of its own, not a group with one member.
        app.command(_command.__name__.replace("_", "-"))(_command)
