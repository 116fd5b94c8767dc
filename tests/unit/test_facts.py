"""Facts defined once in Python and restated by Terraform, which cannot import them: each
is compared here so the two cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

from nba_tracker.ops.naming import resource_names
from nba_tracker.resources import TERMINOLOGY
from nba_tracker.settings import Settings

TERRAFORM = Path(__file__).resolve().parents[2] / "infra" / "terraform"


def _default(path: Path, variable: str) -> str:
    text = path.read_text()
    block = text[text.index(f'variable "{variable}"') :]
    match = re.search(r'default\s*=\s*"([^"]*)"', block[: block.index("\n}")])
    assert match, f"{path}: {variable} has no string default"
    return match.group(1)


def test_one_terminology_name() -> None:
    assert Settings().translate_terminology == TERMINOLOGY
    for env in ("dev", "prod"):
        assert resource_names(env).terminology == TERMINOLOGY
    variables = TERRAFORM / "modules" / "ecs_service" / "variables.tf"
    assert _default(variables, "translate_terminology") == TERMINOLOGY
