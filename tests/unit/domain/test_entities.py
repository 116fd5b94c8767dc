"""Teams, players and picks as a reader would name them."""

from __future__ import annotations

import pytest

from nba_tracker.domain.analysis import analyze
from nba_tracker.domain.picks import Pick, find_picks
from nba_tracker.domain.players import PlayerMention, find_players
from nba_tracker.domain.teams import ALL_TEAMS, by_abbreviation, find_teams


def test_thirty_teams_from_static_data() -> None:
    assert len(ALL_TEAMS) == 30
    lakers = by_abbreviation("lal")
    assert lakers is not None
    assert lakers.full_name == "Los Angeles Lakers"
    assert lakers.nba_id == 1610612747
    assert by_abbreviation("BRK") == by_abbreviation("BKN")


def test_short_forms_in_order_of_first_mention() -> None:
    text = "Sixers, Cavs, Mavs, Wolves, Blazers, Pels, Grizz, Dubs, Knicks and Nets; the C's too"
    assert find_teams(text) == [
        "PHI", "CLE", "DAL", "MIN", "POR", "NOP", "MEM", "GSW", "NYK", "BKN", "BOS",
    ]  # fmt: skip


def test_los_angeles_alone_is_not_a_guess() -> None:
    assert find_teams("The guard prefers to stay in Los Angeles.") == []
    assert find_teams("L.A. wants a center") == []
    assert find_teams("LA Clippers and Los Angeles Lakers") == ["LAC", "LAL"]


def test_single_team_cities_resolve() -> None:
    assert find_teams("Memphis is trading him to Golden State") == ["MEM", "GSW"]


def test_common_words_and_other_organisations_are_not_teams() -> None:
    assert find_teams("the heat of the moment; magic in the air") == []
    assert find_teams("Magic Johnson praised the rookie") == []
    assert find_teams("the Washington State wing, per The Denver Post") == []


def test_former_team_still_counts() -> None:
    result = analyze("Former Lakers guard signs with Heat", "")
    assert set(result.teams) == {"LAL", "MIA"}


def test_player_names_are_not_team_mentions() -> None:
    result = analyze("Mavericks trade for P.J. Washington", "")
    assert result.teams == ("DAL",)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Luka Dončić scores 40", "Luka Dončić"),
        ("Luka Doncic scores 40", "Luka Dončić"),
        ("Jaren Jackson Jr. blocks six", "Jaren Jackson Jr."),
        ("Jaren Jackson blocks six", "Jaren Jackson Jr."),
        ("PJ Washington and nobody else", "P.J. Washington"),
        ("Jimmy Butler traded", "Jimmy Butler III"),
        ("Nic Claxton signs", "Nic Claxton"),
    ],
)
def test_full_names_suffixes_and_accents(text: str, name: str) -> None:
    assert [m.name for m in find_players(text)] == [name]


def test_surname_alone_is_not_a_player() -> None:
    assert find_players("Jackson scored 30 and Brown added 20") == []


def test_coaches_and_executives_are_not_players() -> None:
    assert find_players("Lakers coach JJ Redick praised the defense") == []
    assert find_players("Jason Kidd and Doc Rivers met before the game") == []


def test_unknown_player_in_a_transaction_is_kept_without_id() -> None:
    result = analyze(
        "Pacers Sign Undrafted Rookie Jane Doe To Exhibit 10 Deal",
        "The Indiana Pacers signed guard Jane Doe to an Exhibit 10 contract.",
    )
    assert result.players == (PlayerMention("Jane Doe", None),)
    waived = analyze("The Raptors waived John Roe Jr. on Monday", "")
    assert waived.players == (PlayerMention("John Roe Jr.", None),)


def test_unknown_names_are_only_taken_from_transactions() -> None:
    assert analyze("Jane Doe scores 30 in college win", "").players == ()


def test_picks_year_round_and_owner() -> None:
    text = (
        "Memphis gets two players and a 2032 second-round pick (Golden State's own), "
        "Atlanta's 2027 first-round pick and four unprotected first-round picks."
    )
    picks = find_picks(text)
    assert picks[0] == Pick(2032, 2, "GSW")
    assert picks[1] == Pick(2027, 1, "ATL")
    assert picks[2:] == [Pick(None, 1, None)] * 4
    assert find_picks("a 2026 first-round draft pick (via Indiana)") == [Pick(2026, 1, "IND")]
    assert find_picks("in their first game since the first round") == []


def test_analysis_json_shape() -> None:
    result = analyze(
        "Grizzlies trade Will Richard to Warriors for two players and a 2032 second-round pick",
        "Memphis is trading Richard to Golden State for a 2032 second-round pick (Golden "
        "State's own), sources tell ESPN.",
    )
    assert result.to_json_dict() == {
        "category": "Trade",
        "status": "reported",
        "category_evidence": "trade",
        "status_evidence": "is trading",
        "teams": ["MEM", "GSW"],
        "players": ["Will Richard"],
        "picks": [{"year": 2032, "round": 2, "original_team": "GSW"}],
    }  # fmt: skip
