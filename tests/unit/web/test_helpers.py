"""Small page helpers: team colours, times, the "reported by" line."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from nba_tracker.domain.teams import ALL_TEAMS
from nba_tracker.web import TEAM_COLORS, absolute, iso, reported_by, team_color


def test_every_team_has_a_colour() -> None:
    abbreviations = {t.abbreviation for t in ALL_TEAMS}
    assert set(TEAM_COLORS) == abbreviations
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in TEAM_COLORS.values())
    assert team_color("lal") == "#552583"
    assert team_color("XXX").startswith("#")


def test_times_are_utc_iso_whatever_the_input() -> None:
    east = timezone(timedelta(hours=-5))
    assert iso(datetime(2026, 11, 27, 15, 0, tzinfo=east)) == "2026-11-27T20:00:00Z"
    assert iso(datetime(2026, 11, 27, 20, 0)) == "2026-11-27T20:00:00Z"
    assert absolute(datetime(2026, 11, 7, 9, 5, tzinfo=UTC)) == "Nov 7, 2026 09:05 UTC"


def test_reported_by_names_two_and_counts_the_rest() -> None:
    assert reported_by(["ESPN"]) == "ESPN"
    assert reported_by(["ESPN", "RealGM"]) == "ESPN, RealGM"
    assert reported_by(["ESPN", "RealGM", "Hoops Rumors", "HoopsHype"]) == "ESPN, RealGM +2"
