"""Small page helpers: team colours, times, the "reported by" line."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from nba_tracker.domain.teams import ALL_TEAMS
from nba_tracker.web import TEAM_COLORS, iso, reported_by, team_color
from nba_tracker.web.i18n import absolute


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
    assert absolute(datetime(2026, 11, 7, 9, 5, tzinfo=UTC), "en") == "Nov 7, 2026 09:05 UTC"


def test_reported_by_names_two_and_counts_the_rest() -> None:
    names = '<span class="outlet-names" lang="en">%s</span>'
    assert reported_by(["ESPN"]) == names % "ESPN"
    assert reported_by(["ESPN", "RealGM"]) == names % "ESPN, RealGM"
    four = ["ESPN", "RealGM", "Hoops Rumors", "HoopsHype"]
    assert reported_by(four) == names % "ESPN, RealGM" + " +2"
    assert reported_by(four, "ja") == names % "ESPN, RealGM" + " ほか 2 社"
    assert reported_by(["<b>x</b>", "y"]) == names % "&lt;b&gt;x&lt;/b&gt;, y"
