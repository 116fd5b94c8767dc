"""Feed bytes → clean items, on feedparser-rs (RSS 0.9x/1.0/2.0, Atom; see fastparse).

Plain text, UTC dates, canonical links and an id that is the same in every process and
on every machine (sha256, never Python's per-process ``hash``).
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from nba_tracker.domain.news import NewsItem
from nba_tracker.domain.text import clean_text, html_to_text, safe_bytes_text
from nba_tracker.errors import FeedParseError
from nba_tracker.ingest.fastparse import parse_document

MAX_TITLE_CHARS = 500
MAX_SUMMARY_CHARS = 4000
# A date more than this far in the future is a feed's mistake (or a trick to stay pinned
# at the top), not news from tomorrow: the allowance only covers clocks that disagree.
FUTURE_TOLERANCE = timedelta(minutes=10)
# Nothing the tracker reads was published before this; "0001-01-01" is a placeholder,
# and dates that close to the calendar's ends break any arithmetic done with them.
EARLIEST_PUBLISHED = datetime(1990, 1, 1, tzinfo=UTC)

_TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ocid|cmpid|icid|ncid|sr_share|"
    r"soc_src|soc_trk|_ga|_gl|spm|ref|ref_src|ref_url|rss|xtor|taid|guccounter|igshid|"
    r"partner|src|campaign|cid|yptr|s_cid)$",
    re.IGNORECASE,
)
# The internal subset of a DOCTYPE is where entity bombs and external entities live;
# real feeds never declare entities, so any declaration is refused before parsing.
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_ROOT_START = re.compile(rb"<(?:rss|feed|rdf:RDF|channel)\b", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html)\b", re.IGNORECASE)


_ITEM_END = re.compile(rb"</(?:item|entry)\s*>", re.IGNORECASE)


def truncate_items(body: bytes, max_items: int) -> tuple[bytes, int]:
    """Cut the document after its ``max_items``-th item, so a feed of 100,000 items costs
    what a feed of ``max_items`` does. Returns the body and how many items were cut."""
    ends = _ITEM_END.finditer(body)
    cut = None
    for index, match in enumerate(ends, start=1):
        if index == max_items:
            cut = match.end()
            break
    if cut is None:
        return body, 0
    dropped = sum(1 for _ in _ITEM_END.finditer(body, cut))
    if not dropped:
        return body, 0
    head = body[:4096].lower()
    if b"<feed" in head:
        closing = b"</feed>"
    elif b"<rdf:rdf" in head:
        closing = b"</rdf:RDF>"
    else:
        closing = b"</channel></rss>"
    return body[:cut] + closing, dropped


@dataclass(frozen=True)
class ParsedItem(NewsItem):
    """One item as a feed gives it. Every text field passes through :func:`clean_text`
    here, whoever builds the item, so nothing stored or shown can carry a NUL, a control
    character, a bidi override or a broken surrogate."""

    guid: str | None = None

    def __post_init__(self) -> None:
        for name in ("uid", "url", "title", "summary"):
            object.__setattr__(self, name, clean_text(getattr(self, name)))
        if self.guid is not None:
            object.__setattr__(self, "guid", clean_text(self.guid) or None)


@dataclass
class ParsedFeed:
    title: str
    items: list[ParsedItem] = field(default_factory=list)
    warning: str | None = None
    skipped: int = 0


def canonical_url(url: str) -> str:
    """Scheme and host lower-cased, default port, fragment and tracking parameters dropped."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING_PARAMS.match(k)
        ]
    )
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, query, ""))


def stable_id(guid: str | None, link: str) -> str:
    """The article's id: from the GUID when the feed gives one, else the canonical link."""
    basis = f"guid:{guid.strip()}" if guid and guid.strip() else f"url:{link}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def _entry_datetime(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            # feedparser has already applied the zone (EST, +0000, Z …): this struct is UTC.
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, OSError, ValueError):
                return None  # a year the platform cannot represent: as good as no date
    return None


def checked_published(published: datetime | None, fetched_at: datetime) -> tuple[datetime, bool]:
    """The date to store and whether it is an estimate: a missing date, one before
    :data:`EARLIEST_PUBLISHED` and one beyond :data:`FUTURE_TOLERANCE` from now are all
    replaced by the fetch time and flagged, so no item can pin itself to the top or
    overflow the date arithmetic of story matching."""
    if published is None:
        return fetched_at, True
    if published < EARLIEST_PUBLISHED or published > fetched_at + FUTURE_TOLERANCE:
        return fetched_at, True
    return published, False


_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", re.IGNORECASE)


def repair_utf8(body: bytes) -> bytes:
    """A UTF-8 (or undeclared) document with an invalid byte sequence: each bad sequence
    becomes U+FFFD. Left alone, feedparser would re-read the whole document in another
    encoding and garble every other item's names ("Dončić" as "DonÄiÄ‡")."""
    declared = _DECLARED_ENCODING.match(body[:200])
    if declared and declared.group(1).lower().replace(b"_", b"-") not in {b"utf-8", b"utf8"}:
        return body
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 by its byte-order mark
        return body
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return safe_bytes_text(body).encode("utf-8")
    return body


def check_safe_xml(body: bytes) -> None:
    """Refuse entity declarations (billion laughs, XXE) and HTML pages before parsing."""
    root = _ROOT_START.search(body, 0, 1 << 20)
    prolog = body[: root.start()] if root else body[: 1 << 16]
    if _ENTITY_DECL.search(prolog):
        raise FeedParseError(
            "refused: the document declares XML entities (entity expansion or external "
            "entity references are never needed by a feed)"
        )
    if not root and _HTML_START.search(body[:4096]):
        raise FeedParseError("not a feed: the server sent an HTML page")


def parse_feed(body: bytes, fetched_at: datetime, max_items: int = 1000) -> ParsedFeed:
    if not body or not body.strip():
        raise FeedParseError("empty response body")
    check_safe_xml(body)
    body, cut = truncate_items(body, max_items)
    body = repair_utf8(body)
    parsed = parse_document(body)
    version = parsed.get("version") or ""
    entries = parsed.get("entries") or []
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not entries and (problem is not None or not version):
        reason = _short(problem) if problem else "no RSS or Atom content found"
        raise FeedParseError(f"not a readable feed: {reason}")
    feed = ParsedFeed(title=html_to_text(parsed.feed.get("title", ""), MAX_TITLE_CHARS))
    if problem is not None:
        # Recoverable (wrong declared encoding, an undefined entity…): the items still land,
        # and the source's health records what was wrong.
        feed.warning = f"parsed with errors: {_short(problem)}"
    seen: set[str] = set()
    for entry in entries[:max_items]:
        item = _item(entry, fetched_at)
        if item is None or item.uid in seen:
            feed.skipped += 1
            continue
        seen.add(item.uid)
        feed.items.append(item)
    feed.skipped += max(0, len(entries) - max_items) + cut
    return feed


def _item(entry: Any, fetched_at: datetime) -> ParsedItem | None:
    guid = entry.get("id") or None
    link = entry.get("link") or (
        guid if guid and guid.startswith(("http://", "https://")) else None
    )
    if not link or not link.startswith(("http://", "https://")):
        return None
    title = html_to_text(entry.get("title"), MAX_TITLE_CHARS)
    summary_html = entry.get("summary") or ""
    if not summary_html and entry.get("content"):
        summary_html = entry["content"][0].get("value", "")
    summary = html_to_text(summary_html, MAX_SUMMARY_CHARS)
    if not title:
        if not summary:
            return None
        title = html_to_text(summary, 120)
    url = canonical_url(clean_text(link))
    published, estimated = checked_published(_entry_datetime(entry), fetched_at)
    return ParsedItem(
        uid=stable_id(guid, url),
        url=url,
        title=title,
        summary=summary,
        published_at=published,
        published_estimated=estimated,
        guid=guid,
    )


def _short(exc: BaseException | Any) -> str:
    text = str(getattr(exc, "getMessage", lambda: exc)()) if exc else ""
    return (text or type(exc).__name__)[:200]
