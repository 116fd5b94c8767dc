"""Teams (as ``domain.teams`` defines them) and players from nba_api's bundled static
data (no network needed)."""

from __future__ import annotations

from typing import Any

from nba_api.stats.static import players as static_players
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from nba_tracker.domain._fold import fold_key
from nba_tracker.domain.teams import ALL_TEAMS
from nba_tracker.store.models import Player, Team


def dialect_insert(session: Session, table: Any) -> Any:
    """INSERT with ON CONFLICT support for whichever database the session uses."""
    return (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(table)


def seed_reference_data(session: Session) -> dict[str, int]:
    """Insert or refresh the 30 teams and every player nba_api knows; idempotent."""
    team_rows = [
        {
            "id": t.nba_id,
            "abbreviation": t.abbreviation,
            "full_name": t.full_name,
            "city": t.city,
            "nickname": t.nickname,
        }
        for t in ALL_TEAMS
    ]
    stmt = dialect_insert(session, Team).values(team_rows)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["id"],
            set_={c: stmt.excluded[c] for c in ("abbreviation", "full_name", "city", "nickname")},
        )
    )
    known = static_players.get_players()
    _link_learned_players(session, known)
    player_rows = [
        {
            "nba_id": p["id"],
            "full_name": p["full_name"],
            "name_key": fold_key(p["full_name"]),
            "is_active": bool(p["is_active"]),
        }
        for p in known
    ]
    for start in range(0, len(player_rows), 1000):
        chunk = player_rows[start : start + 1000]
        pstmt = dialect_insert(session, Player).values(chunk)
        session.execute(
            pstmt.on_conflict_do_update(
                index_elements=["nba_id"],
                set_={
                    "full_name": pstmt.excluded.full_name,
                    "name_key": pstmt.excluded.name_key,
                    "is_active": pstmt.excluded.is_active,
                },
            )
        )
    _refresh_unlisted_keys(session)
    return {"teams": len(team_rows), "players": len(player_rows)}


def _refresh_unlisted_keys(session: Session) -> None:
    """Players nba_api does not list are keyed by name; a database written before the
    key folded letters such as "Ł" gets its keys made again, so "Łukasz" still meets
    "Lukasz" (the listed players' keys are refreshed by the upsert above)."""
    for player_id, full_name, key in session.execute(
        select(Player.id, Player.full_name, Player.name_key).where(Player.nba_id.is_(None))
    ).all():
        if fold_key(full_name) != key:
            session.execute(
                update(Player).where(Player.id == player_id).values(name_key=fold_key(full_name))
            )


def _link_learned_players(session: Session, known: list[dict[str, Any]]) -> None:
    """Players stored from a transaction before nba_api knew them get their NBA id now,
    keeping every article already linked to them."""
    pending = session.execute(
        select(Player.id, Player.name_key).where(Player.nba_id.is_(None))
    ).all()
    if not pending:
        return
    by_key: dict[str, dict[str, Any]] = {}
    for p in known:
        by_key.setdefault(fold_key(p["full_name"]), p)
    existing = set(session.scalars(select(Player.nba_id).where(Player.nba_id.is_not(None))))
    for player_id, key in pending:
        match = by_key.get(key)
        if match is None or match["id"] in existing:
            continue
        session.execute(
            update(Player)
            .where(Player.id == player_id)
            .values(nba_id=match["id"], full_name=match["full_name"], is_active=match["is_active"])
        )
        existing.add(match["id"])
