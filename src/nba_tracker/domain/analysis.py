"""One article in, everything the tracker understands about it out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nba_tracker.domain._fold import fold
from nba_tracker.domain.classify import Category, Status, classify
from nba_tracker.domain.picks import Pick, find_picks
from nba_tracker.domain.players import PlayerMention, find_unknown_players, player_spans
from nba_tracker.domain.teams import team_spans

__all__ = ["Analysis", "analyze"]


@dataclass(frozen=True, slots=True)
class Analysis:
    category: Category
    status: Status | None
    teams: tuple[str, ...]
    players: tuple[PlayerMention, ...]
    picks: tuple[Pick, ...]

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "category": str(self.category),
            "status": str(self.status) if self.status else None,
            "teams": list(self.teams),
            "players": [p.name for p in self.players],
            "picks": [p.to_json_dict() for p in self.picks],
        }


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _picks(title: str, summary: str) -> tuple[Pick, ...]:
    """Picks of the summary, plus those of the headline it does not repeat: headlines
    restate the deal ("… and a 2032 second-round pick") that the summary details."""
    detailed = find_picks(summary)
    extra = []
    for pick in find_picks(title):
        same = next(
            (
                d
                for d in detailed
                if (d.year, d.round) == (pick.year, pick.round)
                and pick.original_team in (None, d.original_team)
            ),
            None,
        )
        if same is None:
            extra.append(pick)
        else:
            detailed.remove(same)
            extra.append(same)
    return (*extra, *detailed)


def analyze(title: str, summary: str) -> Analysis:
    """Category, status, teams, players and picks of one article (plain-text inputs)."""
    category, status = classify(title, summary)
    text = f"{title}\n{summary}" if summary else title
    folded = fold(text)
    found = player_spans(folded)
    # A player's name is not a team mention: "P.J. Washington", "Orlando Robinson".
    team_text = _blank(folded, [(s, e) for s, e, _ in found])
    teams = tuple(dict.fromkeys(abbr for _, _, abbr in team_spans(team_text)))
    players: dict[str, PlayerMention] = {}
    for _, _, mention in found:
        players.setdefault(mention.name, mention)
    if category is not Category.OTHER:
        for mention in find_unknown_players(text, players.values()):
            if not team_spans(fold(mention.name)):
                players.setdefault(mention.name, mention)
    picks = _picks(title, summary) if category is Category.TRADE else ()
    return Analysis(category, status, teams, tuple(players.values()), picks)
