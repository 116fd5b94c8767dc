"""The Atom builder alone: what feed readers get back from our XML."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import feedparser

from nba_tracker.api.atom import build_feed
from nba_tracker.store.queries import ArticleView, TeamRef


def article(ident: int, title: str, **extra: object) -> ArticleView:
    fields: dict[str, object] = {
        "id": ident,
        "uid": f"uid-{ident}",
        "title": title,
        "summary": "The Golden State Warriors have acquired Will Richard.",
        "url": f"https://news.example/{ident}?a=1&b=2",
        "source": "RealGM Wiretap",
        "published_at": datetime(2026, 11, 27, 20, ident, tzinfo=UTC),
        "published_estimated": False,
        "category": "Trade",
        "status": "official",
        "title_ja": None,
        "summary_ja": None,
        "translation_status": "none",
        "translated_at": None,
        "story_id": None,
        "teams": [TeamRef("GSW", "Golden State Warriors"), TeamRef("MEM", "Memphis Grizzlies")],
        **extra,
    }
    return ArticleView(**fields)  # type: ignore[arg-type]


def build(items: list[ArticleView], lang: str = "en") -> bytes:
    return build_feed(
        title="NBA Trade Tracker: all news",
        feed_id="urn:nba-tracker:feed:all",
        self_url="http://tracker.test/feeds/all.atom",
        alternate_url="http://tracker.test/",
        items=items,
        lang=lang,
    )


def test_feedparser_reads_every_field_back() -> None:
    body = build([article(2, "Warriors Acquire Will Richard From Grizzlies"), article(1, "Older")])
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "NBA Trade Tracker: all news"
    assert parsed.feed.updated == "2026-11-27T20:02:00Z"
    first = parsed.entries[0]
    assert first.title == "Warriors Acquire Will Richard From Grizzlies"
    assert first.link == "https://news.example/2?a=1&b=2"
    assert first.id == "urn:nba-tracker:article:uid-2"
    assert first.author == "RealGM Wiretap"
    assert first.published == "2026-11-27T20:02:00Z"
    terms = {t.term for t in first.tags}
    assert {"Trade", "official", "GSW", "MEM"} <= terms
    assert len(parsed.entries) == 2


def test_markup_in_a_title_stays_text() -> None:
    hostile = "<script>alert(1)</script> & <b>bold</b> ]]>"
    body = build([article(1, hostile, summary="</summary><entry>injected</entry>")])
    ET.fromstring(body)  # well-formed
    assert b"<script>" not in body
    parsed = feedparser.parse(body)
    assert parsed.entries[0].title == hostile
    assert parsed.entries[0].summary == "</summary><entry>injected</entry>"
    assert len(parsed.entries) == 1


def test_japanese_where_present_original_otherwise() -> None:
    items = [
        article(
            2,
            "Warriors Acquire Will Richard",
            title_ja="ウォリアーズがリチャードを獲得",
            summary_ja="要約",
        ),
        article(1, "Bulls Waive Lonzo Ball"),
    ]
    parsed = feedparser.parse(build(items, lang="ja"))
    assert parsed.feed.language == "ja"
    assert [e.title for e in parsed.entries] == [
        "ウォリアーズがリチャードを獲得",
        "Bulls Waive Lonzo Ball",
    ]
    assert parsed.entries[0].summary == "要約"
    english = feedparser.parse(build(items))
    assert english.entries[0].title == "Warriors Acquire Will Richard"


def test_an_empty_feed_is_still_valid_atom() -> None:
    body = build_feed(
        title="Empty",
        feed_id="urn:x",
        self_url="http://t/feeds/all.atom",
        alternate_url="http://t/",
        items=[],
        now=datetime(2026, 11, 28, tzinfo=UTC),
    )
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    assert parsed.entries == []
    assert parsed.feed.updated == "2026-11-28T00:00:00Z"


def test_naive_sqlite_times_are_utc() -> None:
    naive = article(1, "x", published_at=datetime(2026, 11, 27, 8, 0))
    assert feedparser.parse(build([naive])).entries[0].published == "2026-11-27T08:00:00Z"
