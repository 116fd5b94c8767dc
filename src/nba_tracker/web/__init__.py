"""The reader's page: server-rendered Jinja2 templates and a little JavaScript."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from nba_tracker.domain.teams import ALL_TEAMS, UNKNOWN_COLOR
from nba_tracker.domain.times import utc_z
from nba_tracker.web import i18n

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"

# The badges' colours; the teams' data (colours included) is defined in domain.teams.
TEAM_COLORS: dict[str, str] = {t.abbreviation: t.color for t in ALL_TEAMS}


def team_color(abbreviation: str) -> str:
    return TEAM_COLORS.get(abbreviation.upper(), UNKNOWN_COLOR)


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
