"""The league's own transaction log (``NBA_Player_Movement.json``) read into transactions.

The body is ``{"NBA_Player_Movement": {"rows": [...]}}``; each row is one part of one
transaction: a signing, a waiver, a claim, a contract conversion, or one asset a team
received in a trade. ``GroupSort`` ties the parts of one transaction together, so a
trade is every row sharing it: the players, draft considerations and cash each team got.

Rows are the league's, not ours: a row we cannot read (a field missing, the wrong type,
a type of transaction we do not know) is skipped with its reason and the rest of the log
still counts. Only a body that is not a log at all fails as a whole.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from nba_tracker.domain.labels import Category
from nba_tracker.domain.teams import ALL_TEAMS
from nba_tracker.errors import FeedParseError, FeedTooLarge

__all__ = [
    "Asset",
    "LogKind",
    "LogRow",
    "LogTransaction",
    "ParsedLog",
    "Rosters",
    "group_transactions",
    "parse_log",
]

# The whole log since 2015 is 3.7 MB and grows by ~0.4 MB a season.
DEFAULT_MAX_BYTES = 20_000_000
DEFAULT_MAX_ROWS = 50_000


class LogKind(StrEnum):
    """``Transaction_Type`` as the league spells it."""

    SIGNING = "Signing"
    WAIVE = "Waive"
    TRADE = "Trade"
    CONVERSION = "ContractConverted"
    CLAIM = "AwardOnWaivers"


# What each kind is, in the tracker's categories. A conversion (two-way to standard) is a
# new contract; a waiver claim is news of the waiver wire.
_CATEGORY = {
    LogKind.SIGNING: Category.SIGNING,
    LogKind.WAIVE: Category.WAIVER,
    LogKind.TRADE: Category.TRADE,
    LogKind.CONVERSION: Category.SIGNING,
    LogKind.CLAIM: Category.WAIVER,
}


class Asset(StrEnum):
    """What a trade row moves (other kinds always move a player)."""

    PLAYER = "player"
    PICK = "pick"  # "draft consideration", or a pick the description names
    CASH = "cash"


_TEAM_BY_ID = {t.nba_id: t.abbreviation for t in ALL_TEAMS}
_CONTRACT = re.compile(r"\bto (?:a|an) (?P<contract>[^.]+?)\.?\s*$", re.IGNORECASE)
_RE_SIGNED = re.compile(r"\bre-signed\b", re.IGNORECASE)
_EXTENSION = re.compile(r"\bextension\b", re.IGNORECASE)
_CASH = re.compile(r"\bcash\b", re.IGNORECASE)
_PICK = re.compile(r"\b(?:draft|pick)\b", re.IGNORECASE)
_REQUIRED: tuple[tuple[str, type | tuple[type, ...]], ...] = (
    ("Transaction_Type", str),
    ("TRANSACTION_DATE", str),
    ("TRANSACTION_DESCRIPTION", str),
    ("TEAM_ID", (int, float)),
    ("PLAYER_ID", (int, float)),
    ("GroupSort", str),
)


@dataclass(frozen=True, slots=True)
class LogRow:
    """One row of the log: one part of one transaction."""

    kind: LogKind
    group_id: str  # GroupSort: "Trade 2025010", "Signing 1135890"
    day: date
    description: str
    team_id: int  # the team that signed, waived, claimed, converted or received
    team: str | None  # its abbreviation; None for a team the tracker does not know
    player_id: int | None  # None on a trade's draft consideration or cash
    player_slug: str
    other_team_id: int | None  # a trade: the team it came from
    other_team: str | None

    @property
    def key(self) -> str:
        """Stable identity across fetches: a revised description keeps its key, so the
        stored row is updated in place, never duplicated."""
        raw = f"{self.group_id}|{self.team_id}|{self.player_id or 0}|{self.other_team_id or 0}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]

    @property
    def category(self) -> Category:
        if self.kind is LogKind.SIGNING and _EXTENSION.search(self.description):
            return Category.EXTENSION
        return _CATEGORY[self.kind]

    @property
    def asset(self) -> Asset:
        if self.player_id is not None:
            return Asset.PLAYER
        return Asset.CASH if _CASH.search(self.description) else Asset.PICK

    @property
    def contract(self) -> str | None:
        """ "Two-Way Contract", "Rookie Scale Extension" … as the description words it."""
        if self.kind in {LogKind.TRADE, LogKind.WAIVE, LogKind.CLAIM}:
            return None
        found = _CONTRACT.search(self.description)
        return found.group("contract").strip() if found else None

    @property
    def re_signed(self) -> bool:
        return bool(_RE_SIGNED.search(self.description))

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": str(self.kind),
            "group_id": self.group_id,
            "date": self.day.isoformat(),
            "description": self.description,
            "team_id": self.team_id,
            "team": self.team,
            "player_id": self.player_id,
            "player_slug": self.player_slug,
            "other_team_id": self.other_team_id,
            "other_team": self.other_team,
            "asset": str(self.asset),
            "contract": self.contract,
        }


@dataclass(frozen=True, slots=True)
class LogTransaction:
    """Every row sharing one ``GroupSort``: a trade with all its parts, or one move."""

    group_id: str
    kind: LogKind
    day: date
    parts: tuple[LogRow, ...]

    @property
    def category(self) -> Category:
        categories = {p.category for p in self.parts}
        return categories.pop() if len(categories) == 1 else _CATEGORY[self.kind]

    @property
    def teams(self) -> frozenset[str]:
        found = {p.team for p in self.parts} | {p.other_team for p in self.parts}
        return frozenset(t for t in found if t)

    @property
    def player_ids(self) -> frozenset[int]:
        return frozenset(p.player_id for p in self.parts if p.player_id is not None)

    def received(self, team: str) -> tuple[LogRow, ...]:
        return tuple(p for p in self.parts if p.team == team)

    def sent(self, team: str) -> tuple[LogRow, ...]:
        return tuple(p for p in self.parts if p.other_team == team)

    def team_of(self, player_id: int) -> str | None:
        """The team of the player's row: where a trade sent him, who signed, waived,
        claimed or converted him (None: not in this transaction)."""
        for part in self.parts:
            if part.player_id == player_id:
                return part.team
        return None

    @property
    def headline(self) -> str:
        """The log's own words: a single move's description, or a trade's teams."""
        if self.kind is not LogKind.TRADE or len(self.parts) == 1:
            return self.parts[0].description
        names = [p.player_slug.replace("-", " ").title() for p in self.parts if p.player_slug]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        teams = "/".join(sorted(self.teams))
        return f"Trade completed ({teams}): {shown}" if shown else f"Trade completed ({teams})"


@dataclass(frozen=True)
class ParsedLog:
    rows: tuple[LogRow, ...]
    # (position in the log, reason) of every row that could not be read.
    skipped: tuple[tuple[int, str], ...] = field(default=())

    @property
    def transactions(self) -> list[LogTransaction]:
        return group_transactions(self.rows)

    @property
    def warning(self) -> str | None:
        if not self.skipped:
            return None
        first = self.skipped[0]
        return f"{len(self.skipped)} rows skipped (first: row {first[0]}: {first[1]})"


def _as_id(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} is not a number")
    if isinstance(value, float) and (value != value or not value.is_integer()):
        raise ValueError(f"{name} is not a whole number")
    number = int(value)
    if number < 0:
        raise ValueError(f"{name} is negative")
    return number


def _day(value: str) -> date:
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise ValueError("TRANSACTION_DATE is not a date") from None


def parse_row(raw: object) -> LogRow:
    """One row of the log; ``ValueError`` says what is wrong with it."""
    if not isinstance(raw, Mapping):
        raise ValueError("row is not an object")
    for name, kind in _REQUIRED:
        if name not in raw or raw[name] is None:
            raise ValueError(f"{name} missing")
        if isinstance(raw[name], bool) or not isinstance(raw[name], kind):
            raise ValueError(f"{name} has the wrong type")
    try:
        log_kind = LogKind(raw["Transaction_Type"])
    except ValueError:
        raise ValueError(
            f"unknown Transaction_Type {str(raw['Transaction_Type'])[:40]!r}"
        ) from None
    group_id = raw["GroupSort"].strip()
    description = " ".join(raw["TRANSACTION_DESCRIPTION"].split())
    if not group_id or not description:
        raise ValueError("GroupSort or TRANSACTION_DESCRIPTION is empty")
    team_id = _as_id(raw["TEAM_ID"], "TEAM_ID")
    player_id = _as_id(raw["PLAYER_ID"], "PLAYER_ID") or None
    other: int | None = None
    if log_kind is LogKind.TRADE:
        additional = raw.get("Additional_Sort")
        other = _as_id(additional, "Additional_Sort") or None if additional is not None else None
    slug = raw.get("PLAYER_SLUG")
    return LogRow(
        kind=log_kind,
        group_id=group_id[:100],
        day=_day(raw["TRANSACTION_DATE"]),
        description=description[:1000],
        team_id=team_id,
        team=_TEAM_BY_ID.get(team_id),
        player_id=player_id,
        player_slug=slug[:200] if isinstance(slug, str) else "",
        other_team_id=other,
        other_team=_TEAM_BY_ID.get(other) if other else None,
    )


def parse_log(
    body: bytes, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> ParsedLog:
    """Every readable row of a log body. Raises :class:`FeedParseError` when the body is
    not a log (not JSON, another shape) and :class:`FeedTooLarge` over ``max_bytes``."""
    if len(body) > max_bytes:
        raise FeedTooLarge(f"too large: over the {max_bytes:,}-byte cap")
    try:
        # utf-8-sig: the league's body may start with a byte-order mark.
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise FeedParseError("not a league log: the body is not JSON") from None
    wrapper = data.get("NBA_Player_Movement") if isinstance(data, dict) else None
    rows = wrapper.get("rows") if isinstance(wrapper, dict) else None
    if not isinstance(rows, list):
        raise FeedParseError("not a league log: no NBA_Player_Movement.rows list")
    parsed: list[LogRow] = []
    skipped: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, raw in enumerate(rows[:max_rows]):
        try:
            row = parse_row(raw)
        except ValueError as exc:
            skipped.append((index, str(exc)))
            continue
        if row.key in seen:
            skipped.append((index, "the same row twice"))
            continue
        seen.add(row.key)
        parsed.append(row)
    if len(rows) > max_rows:
        skipped.append((max_rows, f"{len(rows) - max_rows} rows over the {max_rows:,}-row cap"))
    return ParsedLog(tuple(parsed), tuple(skipped))


def group_transactions(rows: Iterable[LogRow]) -> list[LogTransaction]:
    """Rows grouped by ``GroupSort``, oldest transaction first, parts in log order."""
    groups: dict[str, list[LogRow]] = {}
    for row in rows:
        groups.setdefault(row.group_id, []).append(row)
    transactions = [
        LogTransaction(
            group_id=group_id,
            kind=parts[0].kind,
            day=min(p.day for p in parts),
            parts=tuple(parts),
        )
        for group_id, parts in groups.items()
    ]
    transactions.sort(key=lambda t: (t.day, t.group_id))
    return transactions


class Rosters:
    """Each player's team as the log tells it, on any day: where his latest signing,
    trade, claim or conversion put him; no team after he was waived.

    An item about a player that names no team is about his team ("LeBron James scores
    40" is a Lakers story), which readers know and the text does not say: the log is
    how the tracker knows it too. ``rows`` in the log's own order (newest first), so of
    two moves on one day the one the log lists first is the later.
    """

    def __init__(self, rows: Iterable[LogRow]) -> None:
        history: dict[int, list[tuple[date, str | None]]] = {}
        for row in reversed(list(rows)):
            if row.player_id is None:
                continue
            team = None if row.kind is LogKind.WAIVE else row.team
            history.setdefault(row.player_id, []).append((row.day, team))
        self._days: dict[int, list[date]] = {}
        self._teams: dict[int, list[str | None]] = {}
        for player_id, moves in history.items():
            moves.sort(key=lambda move: move[0])  # stable: a day keeps the log's order
            self._days[player_id] = [day for day, _ in moves]
            self._teams[player_id] = [team for _, team in moves]

    def __len__(self) -> int:
        return len(self._days)

    def team_of(self, player_id: int, day: date | None = None) -> str | None:
        """The player's team at the end of ``day`` (today's when None), or None."""
        teams = self._teams.get(player_id)
        if not teams:
            return None
        if day is None:
            return teams[-1]
        index = bisect_right(self._days[player_id], day) - 1
        return teams[index] if index >= 0 else None

    def on(self, day: date | None) -> Callable[[int], str | None] | None:
        """``team_of`` for items of ``day`` (None: today); None when the log is empty,
        so an analysis without a log links exactly as before."""
        if not self._teams:
            return None
        return lambda player_id: self.team_of(player_id, day)

    def current(self) -> dict[int, str]:
        """Every player's team today: what a collection of today's news links by."""
        return {pid: teams[-1] for pid, teams in self._teams.items() if teams[-1]}
