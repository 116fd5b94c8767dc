"""GraphQL of the league log: ``player(id) { journey }`` and ``team { ledger }``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.types import Info

from nba_tracker.api.deps import run_db
from nba_tracker.api.graphql.context import BearerToken
from nba_tracker.domain.league_journey import LedgerAsset, LedgerTrade
from nba_tracker.domain.limits import is_id
from nba_tracker.errors import CollectionInProgress, FeedError, InvalidInput
from nba_tracker.store import league_log as store

MAX_LEDGER = 100


@strawberry.type
class StatusStep:
    at: datetime
    source: str
    status: str | None


@strawberry.type(description="A story linked to a log transaction, and how.")
class LogStory:
    id: strawberry.ID
    headline: str
    status: str | None
    outcome: str = strawberry.field(
        description="confirmed, contradicted (flagged: the log disagrees) or log_only"
    )
    reason: str
    history: list[StatusStep] = strawberry.field(
        description="Each report of the story, oldest first, with the status its text gave"
    )

    @classmethod
    def of(cls, s: store.LinkedStory) -> LogStory:
        return cls(
            id=strawberry.ID(str(s.story_id)),
            headline=s.headline,
            status=s.status,
            outcome=s.outcome,
            reason=s.reason,
            history=[StatusStep(at=h.at, source=h.source, status=h.status) for h in s.history],
        )


@strawberry.type(description="One move of a player as the league recorded it.")
class Move:
    transaction_id: str
    day: date
    kind: str
    category: str
    from_team: str | None
    to_team: str | None
    contract: str | None
    description: str
    stories: list[LogStory]

    @classmethod
    def of(cls, step: store.JourneyStep) -> Move:
        m = step.move
        return cls(
            transaction_id=m.group_id,
            day=m.day,
            kind=str(m.kind),
            category=m.category,
            from_team=m.from_team,
            to_team=m.to_team,
            contract=m.contract,
            description=m.description,
            stories=[LogStory.of(s) for s in step.stories],
        )


@strawberry.type
class PlayerJourney:
    nba_id: int
    full_name: str
    journey: list[Move]


@strawberry.type
class TradedAsset:
    kind: str = strawberry.field(description="player, pick or cash")
    player_nba_id: int | None
    name: str
    team: str | None = strawberry.field(description="The other side: where it went or came from")

    @classmethod
    def of(cls, a: LedgerAsset) -> TradedAsset:
        return cls(kind=str(a.asset), player_nba_id=a.player_id, name=a.name, team=a.team)


@strawberry.type(description="One trade of a team: what it got and what it gave.")
class LedgerEntry:
    transaction_id: str
    day: date
    partners: list[str]
    got: list[TradedAsset]
    gave: list[TradedAsset]

    @classmethod
    def of(cls, t: LedgerTrade) -> LedgerEntry:
        return cls(
            transaction_id=t.group_id,
            day=t.day,
            partners=list(t.partners),
            got=[TradedAsset.of(a) for a in t.got],
            gave=[TradedAsset.of(a) for a in t.gave],
        )


async def ledger_of(root: Any, info: Info, first: int = 20) -> list[LedgerEntry]:
    """``team(abbreviation) { ledger }``: the team's trades in the league log."""
    if not 1 <= first <= MAX_LEDGER:
        raise InvalidInput(f"first must be between 1 and {MAX_LEDGER}")
    trades = await run_db(
        info.context.sessionmaker, lambda s: store.team_ledger(s, root.abbreviation, first)
    )
    return [LedgerEntry.of(t) for t in trades]


@strawberry.type
class LeagueQueries:
    @strawberry.field(description="A player (by NBA id) and every move the league recorded.")
    async def player(self, info: Info, id: strawberry.ID) -> PlayerJourney | None:  # noqa: A002
        if not str(id).isdigit():
            raise InvalidInput("player id must be a number (the NBA's player id)")
        if not is_id(int(id)):
            return None
        found = await run_db(info.context.sessionmaker, lambda s: store.player_journey(s, int(id)))
        if found is None:
            return None
        return PlayerJourney(
            nba_id=found.nba_id,
            full_name=found.name,
            journey=[Move.of(step) for step in found.steps],
        )


@strawberry.type(description="What one read of the league's transaction log did.")
class LeagueLogResult:
    new_count: int
    revised_count: int
    confirmed_count: int
    contradicted_count: int
    log_only_count: int
    error_count: int
    errors: list[str]
    error_codes: list[str] = strawberry.field(
        description="One code per entry of `errors`: FEED_FAILED, or COLLECTION_IN_PROGRESS "
        "when a collection is running (nothing was read by this call)."
    )


@strawberry.type
class LeagueMutations:
    @strawberry.mutation(
        permission_classes=[BearerToken],
        description="Read the league's transaction log now and match it to the stories.",
    )
    async def read_league_log(self, info: Info) -> LeagueLogResult:
        try:
            report = await info.context.services.read_league_log()
        except CollectionInProgress as exc:
            return LeagueLogResult(
                new_count=0,
                revised_count=0,
                confirmed_count=0,
                contradicted_count=0,
                log_only_count=0,
                error_count=1,
                errors=[exc.message],
                error_codes=[exc.code],
            )
        errors = [f"{o.name}: {o.error}" for o in report.logs if o.error]
        return LeagueLogResult(
            new_count=sum(o.new for o in report.logs),
            revised_count=sum(o.revised for o in report.logs),
            confirmed_count=sum(o.confirmed for o in report.logs),
            contradicted_count=sum(o.contradicted for o in report.logs),
            log_only_count=sum(o.log_only for o in report.logs),
            error_count=len(errors),
            errors=errors,
            error_codes=[FeedError.code] * len(errors),
        )
