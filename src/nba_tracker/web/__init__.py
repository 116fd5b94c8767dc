"""The reader's page: server-rendered Jinja2 templates and a little JavaScript."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from nba_tracker.domain.times import utc_z
from nba_tracker.web import i18n

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


def reported_by(sources: list[str], lang: str = i18n.DEFAULT, shown: int = 2) -> Markup:
    """``ESPN, RealGM +2``: the first outlets by name (marked as the names they are, not
    words of the page's language), the rest counted."""
    names = Markup('<span class="outlet-names" lang="en">%s</span>') % ", ".join(sources[:shown])
    rest = len(sources) - shown
    if rest <= 0:
        return names
    more = i18n.gettext(lang, "+%(count)s") % {"count": rest}
    return names + Markup(" ") + escape(more)


def _templates(lang: str) -> Jinja2Templates:
    """One environment per edition: its catalogue, its date formats."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        team_color=team_color,
        iso=iso,
        absolute=partial(i18n.absolute, lang=lang),
        reported_by=partial(reported_by, lang=lang),
    )
    env.globals.update(lang=lang, relative_words=i18n.relative_words(lang))
    return Jinja2Templates(env=env)


TEMPLATES = {lang: _templates(lang) for lang in i18n.LANGUAGES}
templates_env = TEMPLATES[i18n.DEFAULT]
