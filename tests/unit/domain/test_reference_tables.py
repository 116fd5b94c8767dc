"""The players' index and the teams ship precomputed from nba_api's bundled lists (so
matching starts without building them); they must say what nba_api says."""

from __future__ import annotations

from importlib import resources

import pytest
from nba_api.stats.static import teams as static_teams

from nba_tracker.domain import players
from nba_tracker.domain.teams import ALL_TEAMS

REWRITE = (
    'python -c "from nba_tracker.domain import players; '
    "open('src/nba_tracker/domain/data/player_index.tsv', 'w').write(players.index_file_text())\""
)


def test_shipped_player_index_is_the_installed_nba_apis() -> None:
    shipped = resources.files("nba_tracker.domain").joinpath("data", players.INDEX_FILE)
    assert shipped.read_text("utf-8") == players.index_file_text(), f"rewrite it: {REWRITE}"


def test_under_another_nba_api_release_the_index_is_built_from_its_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(players, "_nba_api_version", lambda: "0.0.1")
    monkeypatch.setattr(players, "index_lines_from_nba_api", lambda: ["jane doe\tJane Doe\t7"])
    assert players._load_index() == {"jane": [players._Entry(("jane", "doe"), "Jane Doe", 7)]}


def test_teams_are_nba_apis() -> None:
    expected = sorted(
        (t["abbreviation"], t["full_name"], t["city"], t["nickname"], t["id"])
        for t in static_teams.get_teams()
    )
    assert [(t.abbreviation, t.full_name, t.city, t.nickname, t.nba_id) for t in ALL_TEAMS] == (
        expected
    )
