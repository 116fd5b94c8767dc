"""Alert filters and the one-alert-per-step rule."""

from __future__ import annotations

import pytest

from nba_tracker.domain.alerts import AlertFilter, StoryFacts, alert_text, owed_status
from nba_tracker.domain.labels import Status


def story(status: str | None = "reported", **kw: object) -> StoryFacts:
    base: dict[str, object] = {
        "id": 1,
        "category": "Trade",
        "status": status,
        "headline": "Lakers trade Dalton Knecht to Jazz",
        "teams": frozenset({"LAL", "UTA"}),
        "players": frozenset({"Dalton Knecht"}),
    }
    base.update(kw)
    return StoryFacts(**base)  # type: ignore[arg-type]


def test_parse_normalises_and_refuses_unknowns() -> None:
    f = AlertFilter.parse(teams=["lal", " "], categories=["trade"], least_status="Official")
    assert f.teams == {"LAL"} and f.categories == {"Trade"} and f.least_status is Status.OFFICIAL
    with pytest.raises(ValueError, match="unknown team abbreviation"):
        AlertFilter.parse(teams=["XYZ"])
    with pytest.raises(ValueError, match="unknown category 'gossip'"):
        AlertFilter.parse(categories=["gossip"])
    with pytest.raises(ValueError, match="unknown status"):
        AlertFilter.parse(least_status="certain")


@pytest.mark.parametrize(
    ("filter_", "facts", "expected"),
    [
        (AlertFilter.parse(teams=["LAL"]), story(), True),
        (AlertFilter.parse(teams=["BOS"]), story(), False),
        (AlertFilter.parse(players=["dalton KNECHT"]), story(), True),
        (AlertFilter.parse(teams=["BOS"], players=["Dalton Knecht"]), story(), True),
        (AlertFilter.parse(categories=["Signing"]), story(), False),
        (AlertFilter.parse(), story("rumor"), False),  # reported is the default least
        (AlertFilter.parse(least_status="rumor"), story(None), True),
        (AlertFilter.parse(least_status="official"), story("reported"), False),
        (AlertFilter.parse(least_status="reported"), story("official"), True),
    ],
)
def test_matches(filter_: AlertFilter, facts: StoryFacts, expected: bool) -> None:
    assert filter_.matches(facts) is expected


def test_one_alert_per_step_upwards_only() -> None:
    f = AlertFilter.parse(teams=["LAL"], least_status="rumor")
    assert owed_status(f, story("rumor"), []) == (Status.RUMOR, None)
    assert owed_status(f, story("rumor"), ["rumor"]) is None
    assert owed_status(f, story("official"), ["rumor"]) == (Status.OFFICIAL, Status.RUMOR)
    assert owed_status(f, story("reported"), ["rumor", "official"]) is None
    assert alert_text("X", "official", "reported") == "Now official: X"
    assert alert_text("X", "reported", None) == "Reported: X"
