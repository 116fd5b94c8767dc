"""Reading the league log (the real snapshots in ../shared/league-log and hostile
variants) and matching its transactions to stories."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.league_log import Asset, LogKind, parse_log
from nba_tracker.domain.league_match import StoryFacts, match_transactions
from nba_tracker.errors import FeedParseError, FeedTooLarge

SHARED = Path(__file__).resolve().parents[4] / "shared" / "league-log"
FULL = SHARED / "najicham_2025-07-17_raw_1ecdb80d.json"
LATER = SHARED / "wmentrekin_mem-subset_2025-26_nba_player_movement_mem_2025_26.json"
needs_snapshots = pytest.mark.skipif(
    not FULL.exists() or not LATER.exists(), reason="league-log snapshots absent (../shared)"
)

ROW = {
    "Transaction_Type": "Signing",
    "TRANSACTION_DATE": "2025-07-16T00:00:00",
    "TRANSACTION_DESCRIPTION": "Milwaukee Bucks signed guard Cole Anthony to a Contract.",
    "TEAM_ID": 1610612749.0,
    "TEAM_SLUG": "bucks",
    "PLAYER_ID": 1630175.0,
    "PLAYER_SLUG": "cole-anthony",
    "Additional_Sort": 0.0,
    "GroupSort": "Signing 1135890",
}


def body(rows: list[object]) -> bytes:
    return json.dumps({"NBA_Player_Movement": {"rows": rows}}).encode()


@needs_snapshots
def test_the_full_snapshot_reads_as_its_sources_note_counts() -> None:
    log = parse_log(FULL.read_bytes())
    assert len(log.rows) == 8730 and not log.skipped
    assert Counter(str(r.kind) for r in log.rows) == {
        "Signing": 4156,
        "Waive": 2773,
        "Trade": 1619,
        "ContractConverted": 115,
        "AwardOnWaivers": 67,
    }
    assert len(log.transactions) == 7562
    # 2,089 distinct PLAYER_ID values, one of them the 0 of draft considerations.
    assert len({r.player_id for r in log.rows if r.player_id}) == 2088
    assert sum(1 for r in log.rows if r.asset is Asset.PICK) == 466
    assert {r.team for r in log.rows} == {r.other_team for r in log.rows if r.other_team}
    assert min(r.day for r in log.rows) == date(2015, 7, 1)
    assert max(r.day for r in log.rows) == date(2025, 7, 16)


@needs_snapshots
def test_a_three_team_trade_keeps_what_each_team_gave_and_got() -> None:
    (trade,) = [
        t for t in parse_log(FULL.read_bytes()).transactions if t.group_id == "Trade 2025011"
    ]
    assert trade.kind is LogKind.TRADE and trade.category is Category.TRADE
    assert trade.teams == {"LAC", "MIA", "UTA"}
    got = {
        team: sorted(p.player_slug or str(p.asset) for p in trade.received(team))
        for team in trade.teams
    }
    assert got == {
        "LAC": ["john-collins"],
        "MIA": ["norman-powell"],
        "UTA": ["kevin-love", "kyle-anderson", "pick"],
    }
    assert sorted(p.player_slug for p in trade.sent("MIA")) == ["kevin-love", "kyle-anderson"]
    (collins,) = trade.received("LAC")
    assert collins.player_id is not None and trade.team_of(collins.player_id) == "LAC"
    assert trade.team_of(1) is None


@needs_snapshots
def test_contract_types_and_extensions_come_from_the_description() -> None:
    rows = parse_log(FULL.read_bytes()).rows
    contracts = Counter(r.contract for r in rows if r.kind is LogKind.SIGNING)
    assert contracts["Two-Way Contract"] == 785 and contracts["Veteran Extension"] == 124
    assert sum(1 for r in rows if r.category is Category.EXTENSION) == 218
    assert all(r.contract is None for r in rows if r.kind is LogKind.TRADE)


@needs_snapshots
def test_the_later_capture_revises_two_rows_under_the_same_key() -> None:
    before = {r.key: r for r in parse_log(FULL.read_bytes()).rows}
    later = parse_log(LATER.read_bytes())
    assert len(later.rows) == 86 and len(later.transactions) == 52
    shared = [r for r in later.rows if r.key in before]
    assert len(shared) == 14
    revised = sorted(r.group_id for r in shared if r.description != before[r.key].description)
    assert revised == ["Signing 1135682", "Signing 1135806"]
    assert all(r.re_signed for r in shared if r.group_id in revised)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"TEAM_ID": None}, "TEAM_ID missing"),
        ({"PLAYER_ID": "1630175"}, "PLAYER_ID has the wrong type"),
        ({"PLAYER_ID": True}, "PLAYER_ID has the wrong type"),
        ({"PLAYER_ID": 1.5}, "PLAYER_ID is not a whole number"),
        ({"TEAM_ID": -3}, "TEAM_ID is negative"),
        ({"Transaction_Type": "Suspension"}, "unknown Transaction_Type 'Suspension'"),
        ({"TRANSACTION_DATE": "2025-13-40"}, "TRANSACTION_DATE is not a date"),
        ({"GroupSort": "  "}, "GroupSort or TRANSACTION_DESCRIPTION is empty"),
        ({"TRANSACTION_DESCRIPTION": ["signed"]}, "TRANSACTION_DESCRIPTION has the wrong type"),
    ],
)
def test_an_unreadable_row_is_skipped_with_its_reason(change: dict, reason: str) -> None:
    log = parse_log(body([ROW | change, ROW | {"GroupSort": "Signing 2"}]))
    assert [r.group_id for r in log.rows] == ["Signing 2"]
    assert log.skipped == ((0, reason),)


def test_missing_fields_rows_not_objects_and_repeats_are_skipped() -> None:
    missing = {k: v for k, v in ROW.items() if k != "GroupSort"}
    log = parse_log(body([missing, 7, None, ROW, ROW]))
    assert [s[1] for s in log.skipped] == [
        "GroupSort missing",
        "row is not an object",
        "row is not an object",
        "the same row twice",
    ]
    assert len(log.rows) == 1


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"<html/>",
        b"[]",
        b'{"NBA_Player_Movement": []}',
        b'{"NBA_Player_Movement": {"rows": {}}}',
        b"\xff\xfe\x00",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_a_body_that_is_not_a_log_fails_as_a_whole(raw: bytes) -> None:
    with pytest.raises(FeedParseError, match="not a league log"):
        parse_log(raw)


def test_fifty_megabytes_is_refused_before_parsing() -> None:
    with pytest.raises(FeedTooLarge, match="over the 20,000,000-byte cap"):
        parse_log(b" " * (50 * 1024 * 1024))


def test_rows_over_the_row_cap_are_counted_not_read() -> None:
    log = parse_log(body([ROW | {"GroupSort": f"Signing {n}"} for n in range(5)]), max_rows=3)
    assert len(log.rows) == 3 and log.skipped == ((3, "2 rows over the 3-row cap"),)


def _story(
    sid: int, category: Category, status: Status, teams: set[str], players: set[int], day: datetime
) -> StoryFacts:
    return StoryFacts(sid, category, status, frozenset(teams), frozenset(players), day, day)


def test_matching_confirms_flags_and_leaves_unreported() -> None:
    log = parse_log(
        body(
            [
                ROW,
                ROW
                | {
                    "GroupSort": "Waive 9",
                    "Transaction_Type": "Waive",
                    "PLAYER_ID": 203078.0,
                    "TRANSACTION_DESCRIPTION": "Milwaukee Bucks waived guard Bradley Beal.",
                },
                ROW | {"GroupSort": "Signing 10", "PLAYER_ID": 1.0},
            ]
        )
    )
    day = datetime(2025, 7, 12, tzinfo=UTC)
    stories = [
        _story(1, Category.SIGNING, Status.REPORTED, {"MIL"}, {1630175}, day),
        _story(2, Category.SIGNING, Status.OFFICIAL, {"BOS"}, {1630175}, day),  # wrong team
        _story(3, Category.SIGNING, Status.RUMOR, {"MIL"}, {1630175}, day),  # a rumor
        _story(4, Category.TRADE, Status.REPORTED, {"MIL"}, {1630175}, day),  # other category
        _story(
            5,
            Category.SIGNING,
            Status.REPORTED,
            {"MIL"},
            {1630175},
            datetime(2025, 6, 1, tzinfo=UTC),
        ),  # reported long before: another move
        _story(
            6, Category.WAIVER, Status.OFFICIAL, set(), {203078}, datetime(2025, 7, 18, tzinfo=UTC)
        ),  # no team named, two days after
    ]
    result = match_transactions(log.transactions, stories)
    assert sorted(result.confirmed) == [("Signing 1135890", 1), ("Waive 9", 6)]
    assert [(g, s) for g, s, _ in result.contradicted] == [("Signing 1135890", 2)]
    assert "with MIL, not BOS" in result.contradicted[0][2]
    assert result.unreported == ["Signing 10"]


@needs_snapshots
def test_a_trade_without_an_outlet_is_headlined_by_its_teams_and_players() -> None:
    by_id = {t.group_id: t for t in parse_log(LATER.read_bytes()).transactions}
    assert by_id["Trade 2025063"].headline == (
        "Trade completed (MEM/POR): Jerami Grant, Kris Murray, Ja Morant"
    )
    assert by_id["Trade 2026006"].headline.startswith("Trade completed (DAL/DET/LAC/MEM/MIL/WAS): ")
    assert by_id["Trade 2026006"].headline.endswith(" more")
    assert by_id["Signing 1153039"].headline == (
        "Memphis Grizzlies signed center Quinten Post to a Contract."
    )


def _move(kind: str, day: str, team_id: int, slug: str, group: str) -> dict:
    return {
        **ROW,
        "Transaction_Type": kind,
        "TRANSACTION_DATE": f"{day}T00:00:00",
        "TEAM_ID": float(team_id),
        "TEAM_SLUG": slug,
        "GroupSort": group,
        "TRANSACTION_DESCRIPTION": f"{slug} {kind} guard Cole Anthony.",
    }


def test_rosters_give_a_players_team_on_any_day_and_none_after_a_waiver() -> None:
    from nba_tracker.domain.league_log import Rosters

    # Newest first, as the league lists it; two moves on 2025-07-10, the first listed later.
    rows = [
        _move("Signing", "2025-07-16", 1610612749, "bucks", "Signing 3"),
        _move("Signing", "2025-07-10", 1610612738, "celtics", "Signing 2"),
        _move("Waive", "2025-07-10", 1610612753, "magic", "Waive 1"),
        _move("Signing", "2024-07-01", 1610612753, "magic", "Signing 0"),
    ]
    rosters = Rosters(parse_log(body(rows)).rows)
    assert rosters.team_of(1630175, date(2024, 6, 30)) is None
    assert rosters.team_of(1630175, date(2024, 12, 1)) == "ORL"
    assert rosters.team_of(1630175, date(2025, 7, 10)) == "BOS"
    assert rosters.team_of(1630175, date(2025, 7, 12)) == "BOS"
    assert rosters.team_of(1630175) == "MIL" == rosters.current()[1630175]
    assert rosters.team_of(1, date(2025, 7, 12)) is None
    waived = Rosters(parse_log(body(rows[2:])).rows)
    assert waived.team_of(1630175) is None and waived.current() == {}


def test_an_item_naming_no_team_is_linked_to_its_players_teams() -> None:
    from nba_tracker.domain.analysis import analyze

    lakers = {2544: "LAL"}.get
    assert analyze("LeBron James scores 40 in win", "", lakers).teams == ("LAL",)
    assert analyze("LeBron James scores 40 vs. Celtics", "", lakers).teams == ("BOS",)
    assert analyze("LeBron James scores 40 in win", "").teams == ()
