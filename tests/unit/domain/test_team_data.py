"""The teams are defined once, colours included; the page and the database take them
from there."""

from __future__ import annotations

import re

from nba_tracker.domain.teams import ALL_TEAMS, by_abbreviation


def test_thirty_teams_each_with_its_colour() -> None:
    assert len({t.abbreviation for t in ALL_TEAMS}) == 30
    assert all(re.fullmatch(r"#[0-9A-F]{6}", t.color) for t in ALL_TEAMS)
    lakers = by_abbreviation("lal")
    assert lakers is not None and lakers.color == "#552583"
