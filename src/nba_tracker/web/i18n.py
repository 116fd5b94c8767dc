"""The page's two editions: every word of the interface comes from one gettext catalogue
(``locale/ja/LC_MESSAGES/messages.po``, read with Babel), dates are formatted here.

Which edition a reader gets: ``?lang=`` when given (and then remembered in a cookie),
else the remembered choice, else the browser's ``Accept-Language`` (first visit)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "ja")
DEFAULT = "en"
COOKIE = "nbt-lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
CATALOGUES = Path(__file__).resolve().parent / "locale"
# Japan keeps no daylight saving time: a fixed offset is exact and needs no tz database.
JST = timezone(timedelta(hours=9), "JST")


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional marker name
    """Marks a message for the catalogue that is translated later, by value."""
    return message


def parse_accept_language(header: str) -> str | None:
    """The supported language the browser prefers most, or None."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        candidate = (-quality, position, primary)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else None


def choose(explicit: str | None, remembered: str | None, accept_language: str | None) -> str:
    if explicit in LANGUAGES:
        return explicit
    if remembered in LANGUAGES:
        return remembered
    return parse_accept_language(accept_language or "") or DEFAULT


def cookie_language(cookie_header: str) -> str | None:
    try:
        jar: SimpleCookie = SimpleCookie(cookie_header)
    except Exception:  # a malformed Cookie header is the browser's problem, not ours
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel else None


def scope_language(query_string: bytes, headers: dict[bytes, bytes]) -> str:
    """The edition a raw ASGI request gets (the read cache keys pages by it)."""
    explicit = parse_qs(query_string.decode("latin-1")).get("lang", [None])[0]
    return choose(
        explicit,
        cookie_language(headers.get(b"cookie", b"").decode("latin-1")),
        headers.get(b"accept-language", b"").decode("latin-1"),
    )


@cache
def translations(lang: str) -> NullTranslations:
    """The catalogue for ``lang``, compiled in memory from its .po file: the .po is the
    only copy in the repository, so nothing compiled can go stale."""
    if lang == DEFAULT:
        return NullTranslations()
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def gettext(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def absolute(value: datetime, lang: str) -> str:
    """``Nov 28, 2026 12:00 UTC``; in Japanese ``2026.11.28 21:00 日本時間``."""
    if lang == "ja":
        local = _utc(value).astimezone(JST)
        return local.strftime("%Y.%m.%d %H:%M") + " " + gettext(lang, "Japan time")
    return _utc(value).astimezone(UTC).strftime("%b %-d, %Y %H:%M UTC")


def local_day(value: datetime, lang: str) -> datetime:
    """The reader's calendar day of ``value``: Japan's for the Japanese edition."""
    return _utc(value).astimezone(JST if lang == "ja" else UTC)


def day_label(value: datetime, lang: str) -> str:
    """``Saturday, November 28, 2026``; in Japanese ``2026.11.28（土）``."""
    day = local_day(value, lang)
    if lang == "ja":
        return f"{day:%Y.%m.%d}（{format_date(day.date(), 'EEE', locale='ja')}）"
    return day.strftime("%A, %B %-d, %Y")


def relative_words(lang: str) -> dict[str, str]:
    """What the page's script needs to say "3 h ago" in the reader's language."""
    _ = translations(lang).gettext
    return {
        "now": _("just now"),
        "min": _("{n} min ago"),
        "h": _("{n} h ago"),
        "d": _("{n} d ago"),
        "mo": _("{n} mo ago"),
        "y": _("{n} y ago"),
    }
