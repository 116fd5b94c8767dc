"""The page and the Atom feeds against the demo news, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import feedparser
from fastapi.testclient import TestClient

from nba_tracker.api.app import create_app
from nba_tracker.settings import Settings
from tests.conftest import free_port
from tests.integration.web.conftest import HOSTILE_TITLE

CARD = re.compile(r'<article class="card" data-article-id="(\d+)"')


def test_front_page_shows_the_news_newest_first(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert len(CARD.findall(html)) >= 30
    assert "Magic Officially Complete Malik Monk Trade" in html
    times = re.findall(r'<time class="when" datetime="([^"]+)"', html)
    assert times == sorted(times, reverse=True)
    # Several outlets reported the Will Richard trade: one card names them.
    assert re.search(r'href="/story/\d+">reported by <span[^>]*>[^<]+</span> \+\d', html)
    assert 'data-live="on"' in html
    assert 'data-poll-seconds="30"' in html
    assert 'class="team-badge" href="/team/GSW" style="--team: #1D428A"' in html


def test_a_feed_title_with_markup_is_shown_as_text(client: TestClient) -> None:
    html = client.get("/").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Why the rebuild starts now" in html
    assert "<script>alert(1)" not in html


def test_filters_come_from_the_url(client: TestClient) -> None:
    html = client.get("/", params={"team": "GSW", "status": "official"}).text
    titles = re.findall(r'<span class="t-en" lang="en">([^<]+)</span>', html)
    assert titles, html
    assert all("Richard" in t or "Warriors" in t for t in titles), titles
    assert '<option value="GSW" selected>' in html
    assert '<option value="official" selected>' in html
    assert 'data-live="off"' in html  # a filtered view does not count unrelated news

    html = client.get("/", params={"q": "Lonzo"}).text
    titles = re.findall(r'<span class="t-en" lang="en">([^<]+)</span>', html)
    assert titles and all("Lonzo" in t for t in titles), titles

    html = client.get("/", params={"source": "RealGM Wiretap"}).text
    # One outlet's view shows each of its reports, even of the same story.
    assert len(CARD.findall(html)) == 14
    assert "Raptors Sign Jamal Shead To 10-Day Contract" in html
    assert "Sources:" not in html

    html = client.get("/", params={"category": "Waiver"}).text
    assert set(re.findall(r'<span class="chip chip-(\w+)"', html)) == {"waiver"}


def test_nothing_found_and_bad_filters(client: TestClient) -> None:
    html = client.get("/", params={"q": "zzzzunknownword"}).text
    assert "No news matches these filters." in html
    response = client.get("/", params={"category": "Nonsense"})
    assert response.status_code == 400
    assert "unknown category" in response.text


def test_team_page_is_the_team_timeline(client: TestClient) -> None:
    response = client.get("/team/mem")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Memphis Grizzlies</h1>" in html
    assert "Warriors Acquire Will Richard From Grizzlies" in html
    assert 'href="/feeds/team/MEM.atom"' in html
    assert client.get("/team/XYZ").status_code == 404


def test_story_page_lists_every_outlet(client: TestClient) -> None:
    html = client.get("/", params={"team": "GSW", "status": "official"}).text
    story = re.search(r'href="/story/(\d+)"', html)
    assert story
    page = client.get(f"/story/{story.group(1)}").text
    outlets = re.findall(r'<strong class="outlet" lang="en">([^<]+)</strong>', page)
    assert {"ESPN", "HoopsHype", "Hoops Rumors", "RealGM Wiretap"} <= set(outlets)
    statuses = re.findall(r'<span class="status status-(\w+)"', page)
    assert {"rumor", "reported", "official"} <= set(statuses)
    assert client.get("/story/999999").status_code == 404


def test_japanese_is_shown_where_present(client: TestClient, demo_url: str) -> None:
    from sqlalchemy import create_engine, text

    from nba_tracker.store.engine import normalize_url

    engine = create_engine(normalize_url(demo_url))
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE articles SET title_ja = :t, summary_ja = :s "
                "WHERE title = 'Bulls Waive Lonzo Ball'"
            ),
            {
                "t": "ブルズがロンゾ・ボールを解雇",
                "s": "シカゴ・ブルズはロンゾ・ボールをウェーブした。",
            },
        )
    engine.dispose()
    html = client.get("/", params={"lang": "ja", "q": "Lonzo"}).text
    assert '<html lang="ja" class="ja">' in html
    assert '<span class="t-ja" lang="ja">ブルズがロンゾ・ボールを解雇</span>' in html

    feed = feedparser.parse(client.get("/feeds/all.atom", params={"lang": "ja"}).content)
    titles = [e.title for e in feed.entries]
    assert "ブルズがロンゾ・ボールを解雇" in titles
    assert "Bulls Waive Lonzo Ball" not in titles
    assert "Magic Officially Complete Malik Monk Trade" in titles  # no translation: original


def test_atom_feeds(client: TestClient) -> None:
    response = client.get("/feeds/all.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 50
    assert HOSTILE_TITLE in [e.title for e in parsed.entries]

    team = feedparser.parse(client.get("/feeds/team/GSW.atom").content)
    assert team.feed.title == "NBA Trade Tracker: Golden State Warriors"
    assert team.entries and all("GSW" in {t.term for t in e.tags} for e in team.entries), [
        e.title for e in team.entries
    ]

    waivers = feedparser.parse(client.get("/feeds/category/waiver.atom").content)
    assert waivers.entries and all("Waiver" in {t.term for t in e.tags} for e in waivers.entries)
    assert client.get("/feeds/team/XYZ.atom").status_code == 404
    assert client.get("/feeds/category/gossip.atom").status_code == 404


def test_pages_say_when_the_database_is_away() -> None:
    # Nothing listens on this port: every connection is refused at once.
    url = f"postgresql://tracker:secret@127.0.0.1:{free_port()}/nba_tracker"
    settings = Settings(database_url=url)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as client:
        for path in ("/", "/team/LAL", "/story/1"):
            response = client.get(path)
            assert response.status_code == 503, path
            assert "The news database is unavailable right now — retrying shortly" in response.text
            assert response.headers["retry-after"] == "30"
        assert client.get("/feeds/all.atom").status_code == 503


def test_new_arrivals_count_once_the_data_version_moved(client: TestClient) -> None:
    html = client.get("/").text
    version = int(re.search(r'data-version="(\d+)"', html).group(1))  # type: ignore[union-attr]
    assert version > 0
    same = client.get("/api/updates", params={"after_id": 0, "version": version}).json()
    assert same["count"] == 0 and same["version"] == version
    older = client.get("/api/updates", params={"after_id": 0, "version": version - 1})
    assert older.json()["count"] >= 55
    assert older.headers["cache-control"] == "no-store"
