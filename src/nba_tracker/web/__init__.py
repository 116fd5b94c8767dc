"""The reader's page: server-rendered Jinja2 templates and a little JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates

from nba_tracker.domain.times import utc_z

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"

# Primary colours of the 30 teams, for the abbreviation badges.
TEAM_COLORS: dict[str, str] = {
    "ATL": "#C8102E",
    "BKN": "#000000",
    "BOS": "#007A33",
    "CHA": "#1D1160",
    "CHI": "#CE1141",
    "CLE": "#860038",
    "DAL": "#00538C",
    "DEN": "#0E2240",
    "DET": "#C8102E",
    "GSW": "#1D428A",
    "HOU": "#CE1141",
    "IND": "#002D62",
    "LAC": "#C8102E",
    "LAL": "#552583",
    "MEM": "#5D76A9",
    "MIA": "#98002E",
    "MIL": "#00471B",
    "MIN": "#0C2340",
    "NOP": "#0C2340",
    "NYK": "#006BB6",
    "OKC": "#007AC1",
    "ORL": "#0077C0",
    "PHI": "#006BB6",
    "PHX": "#1D1160",
    "POR": "#E03A3E",
    "SAC": "#5A2D81",
    "SAS": "#000000",
    "TOR": "#CE1141",
    "UTA": "#002B5C",
    "WAS": "#002B5C",
}


def team_color(abbreviation: str) -> str:
    return TEAM_COLORS.get(abbreviation.upper(), "#3b4252")


def iso(value: datetime) -> str:
    """UTC ISO 8601 for ``<time datetime>``; naive values (SQLite) are UTC already."""
    return utc_z(value, timespec="seconds")


def absolute(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%b %-d, %Y %H:%M UTC")


def reported_by(sources: list[str], shown: int = 2) -> str:
    """``ESPN, RealGM +2``: the first outlets by name, the rest counted."""
    head = ", ".join(sources[:shown])
    rest = len(sources) - shown
    return f"{head} +{rest}" if rest > 0 else head


templates_env = Jinja2Templates(directory=HERE / "templates")
templates_env.env.filters.update(
    team_color=team_color, iso=iso, absolute=absolute, reported_by=reported_by
)
