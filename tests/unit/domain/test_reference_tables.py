"""The players' index and the teams ship precomputed from nba_api's bundled lists (so
matching starts without building them); they must say what nba_api says."""

from __future__ import annotations

from importlib import resources

from nba_api.stats.static import teams as static_teams

from nba_tracker.domain import players
from nba_tracker.domain.teams import ALL_TEAMS

REWRITE = (
    'python -c "from nba_tracker.domain.players import index_lines_from_nba_api as f; '
    "open('src/nba_tracker/domain/data/player_index.tsv', 'w').write('\\n'.join(f()) + '\\n')\""
)


def test_shipped_player_index_is_nba_apis() -> None:
    shipped = (
        resources.files("nba_tracker.domain")
        .joinpath("data", players.INDEX_FILE)
        .read_text("utf-8")
        .splitlines()
    )
    assert shipped == players.index_lines_from_nba_api(), f"stale index: rewrite it with {REWRITE}"


def test_teams_are_nba_apis() -> None:
    expected = sorted(
        (t["abbreviation"], t["full_name"], t["city"], t["nickname"], t["id"])
        for t in static_teams.get_teams()
    )
    assert [(t.abbreviation, t.full_name, t.city, t.nickname, t.nba_id) for t in ALL_TEAMS] == (
        expected
    )
