"""The Japanese edition's catalogue is complete, and its choices and dates are right."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from nba_tracker.domain.teams import ALL_TEAMS
from nba_tracker.web import i18n, names

WEB = i18n.CATALOGUES.parent
KEYWORDS = {"_": None, "N_": None, "gettext": (2,), "ngettext": (1, 2)}
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def extracted() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB), METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_of_the_page_has_its_japanese() -> None:
    with (i18n.CATALOGUES / "ja" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0]): m.string
        for m in catalog
        if m.id and not m.fuzzy
    }
    wanted = extracted()
    assert len(wanted) > 90
    missing = sorted(m for m in wanted if not translated.get(m))
    assert missing == [], missing
    for msgid in wanted:
        text = translated[msgid]
        strings = [text] if isinstance(text, str) else list(text)
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(msgid)), msgid


def test_every_team_and_category_is_in_the_catalogue() -> None:
    assert {t.full_name for t in ALL_TEAMS} == set(names.TEAMS)
    for name in [*names.TEAMS, *names.CATEGORIES, *names.STATUSES]:
        assert i18n.gettext("ja", name) != name


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("ja", "en", "en-US", "ja"),  # an explicit choice wins
        (None, "ja", "en-US,en;q=0.9", "ja"),  # then the remembered one
        (None, None, "ja-JP,ja;q=0.9,en;q=0.8", "ja"),  # then the browser's, first visit
        (None, None, "en-GB,ja;q=0.5", "en"),
        (None, None, "fr-FR,ja;q=0.3", "ja"),
        (None, None, "ja;q=0", "en"),
        (None, None, "", "en"),
        ("xx", "zz", "de", "en"),  # nothing usable
    ],
)
def test_which_edition(query: str | None, cookie: str | None, accept: str, expected: str) -> None:
    assert i18n.choose(query, cookie, accept) == expected


def test_the_read_cache_and_the_page_agree_on_the_edition() -> None:
    headers = {b"cookie": b"other=1; nbt-lang=ja", b"accept-language": b"en"}
    assert i18n.scope_language(b"team=LAL", headers) == "ja"
    assert i18n.scope_language(b"lang=en", headers) == "en"
    assert i18n.scope_language(b"", {b"cookie": b"bad\x00cookie"}) == "en"


def test_dates_in_japan_time() -> None:
    late = datetime(2026, 11, 28, 16, 30, tzinfo=UTC)  # already the 29th in Japan
    assert i18n.absolute(late, "ja") == "2026.11.29 01:30 日本時間"
    assert i18n.absolute(late.replace(tzinfo=None), "ja") == "2026.11.29 01:30 日本時間"
    assert i18n.absolute(late, "en") == "Nov 28, 2026 16:30 UTC"
    assert i18n.day_label(late, "ja") == "2026.11.29（日）"
    assert i18n.day_label(late, "en") == "Saturday, November 28, 2026"
    assert i18n.relative_words("ja")["h"] == "{n}時間前"
