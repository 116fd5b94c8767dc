"""A player's journey (every move the league recorded, team to team, in order) and a
team's ledger (what it gave and got in each trade, picks included), built from log
transactions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from nba_tracker.domain.league_log import Asset, LogKind, LogRow, LogTransaction

__all__ = ["LedgerAsset", "LedgerTrade", "Move", "journey", "ledger"]


@dataclass(frozen=True, slots=True)
class Move:
    group_id: str
    day: date
    kind: LogKind
    category: str
    from_team: str | None  # None: he came from outside the league (or the draft)
    to_team: str | None  # None: waived
    contract: str | None
    description: str


def _move(row: LogRow) -> Move:
    if row.kind is LogKind.TRADE:
        origin, destination = row.other_team, row.team
    elif row.kind is LogKind.WAIVE:
        origin, destination = row.team, None
    elif row.kind is LogKind.CONVERSION:
        origin, destination = row.team, row.team
    else:  # signed, re-signed, claimed
        origin, destination = (row.team if row.re_signed else None), row.team
    return Move(
        group_id=row.group_id,
        day=row.day,
        kind=row.kind,
        category=str(row.category),
        from_team=origin,
        to_team=destination,
        contract=row.contract,
        description=row.description,
    )


def journey(player_id: int, transactions: Iterable[LogTransaction]) -> list[Move]:
    """Every move of the player, oldest first (same day: in the league's group order)."""
    moves = [
        _move(part)
        for tx in transactions
        for part in tx.parts
        if part.player_id == player_id
    ]  # fmt: skip
    moves.sort(key=lambda m: (m.day, m.group_id))
    return moves


@dataclass(frozen=True, slots=True)
class LedgerAsset:
    asset: Asset
    player_id: int | None
    name: str  # the player's name, or the log's words for a pick or cash
    team: str | None  # the other side: where it went, or where it came from


@dataclass(frozen=True, slots=True)
class LedgerTrade:
    group_id: str
    day: date
    partners: tuple[str, ...]
    got: tuple[LedgerAsset, ...]
    gave: tuple[LedgerAsset, ...]


def _label(row: LogRow, names: Mapping[int, str]) -> str:
    if row.player_id is not None:
        return names.get(row.player_id) or row.player_slug.replace("-", " ").title()
    if row.asset is Asset.CASH:
        return "cash considerations"
    marker = " received "
    text = row.description
    if marker in text and " from " in text:
        return text.split(marker, 1)[1].rsplit(" from ", 1)[0]
    return "draft consideration"


def ledger(
    team: str, transactions: Iterable[LogTransaction], names: Mapping[int, str]
) -> list[LedgerTrade]:
    """The team's trades, newest first, each with what it got and what it gave."""
    trades = []
    for tx in transactions:
        if tx.kind is not LogKind.TRADE or team not in tx.teams:
            continue
        got = tuple(
            LedgerAsset(p.asset, p.player_id, _label(p, names), p.other_team)
            for p in tx.received(team)
        )
        gave = tuple(
            LedgerAsset(p.asset, p.player_id, _label(p, names), p.team) for p in tx.sent(team)
        )
        trades.append(LedgerTrade(tx.group_id, tx.day, tuple(sorted(tx.teams - {team})), got, gave))
    trades.sort(key=lambda t: (t.day, t.group_id), reverse=True)
    return trades
