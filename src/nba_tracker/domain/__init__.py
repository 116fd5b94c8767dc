"""Pure logic that turns an article into what a fan wants to know: the kind of news,
how sure it is, who is involved, what changed hands, and which story it belongs to.
No I/O; the pipeline calls :func:`analyze` and :func:`find_story`.

Names are re-exported lazily: importing ``nba_tracker.domain.text`` must not pay for
building the player index.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Analysis": "analysis",
    "analyze": "analysis",
    "Category": "classify",
    "Status": "classify",
    "classify": "classify",
    "normalize_category": "classify",
    "Assets": "picks",
    "Pick": "picks",
    "find_assets": "picks",
    "find_picks": "picks",
    "PlayerMention": "players",
    "find_players": "players",
    "STORY_WINDOW": "stories",
    "StoryCandidate": "stories",
    "find_story": "stories",
    "merge_status": "stories",
    "same_story": "stories",
    "ALL_TEAMS": "teams",
    "Team": "teams",
    "by_abbreviation": "teams",
    "find_teams": "teams",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
