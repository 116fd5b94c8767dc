"""One poison item never fails its feed, never reaches a reader, never breaks the Atom
feeds: NUL, control characters, bidi overrides, invalid UTF-8, year 1, the future.

Each feed is served over HTTP on loopback, collected by a served tracker through the
``scrapeRss`` mutation, and read back through GraphQL, the page and Atom, on both
databases."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

from tests.reliability.probe import gql, scrape, sources, tracker
from tests.support.feed_server import FeedServer
from tests.support.feeds import Item, rss

NOW = datetime.now(UTC)
HOUR = timedelta(hours=1)
# What no stored title or summary may contain: C0/C1 controls (tab/newline aside, which
# become spaces), DEL, bidi embeddings/overrides/isolates, noncharacters.
FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\ufffe\uffff]")
ATOM = "{http://www.w3.org/2005/Atom}"

NEWS = """{ news(first: 100) { edges { node { title description link publishedAt
            publishedEstimated category } } } }"""


def _good(prefix: str, n: int) -> list[Item]:
    return [
        Item(
            f"Celtics sign guard {prefix}{i} to a two-way contract",
            f"https://good.example/{prefix}/{i}",
            published=NOW - (i + 1) * HOUR,
        )
        for i in range(n)
    ]


def _raw_feed(items: list[bytes]) -> bytes:
    return (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Poison</title>'
        + b"".join(items)
        + b"</channel></rss>"
    )


def _item(title: bytes, link: str, published: str, description: bytes = b"") -> bytes:
    return (
        b"<item><title>"
        + title
        + b"</title><link>"
        + link.encode()
        + b"</link><pubDate>"
        + published.encode()
        + b"</pubDate><description>"
        + description
        + b"</description></item>"
    )


def _rfc822(value: datetime) -> str:
    return value.strftime("%a, %d %b %Y %H:%M:%S +0000")


def test_poison_items_land_clean_beside_good_ones(
    database_url: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    recent = _rfc822(NOW - 2 * HOUR)
    future = _rfc822(NOW + 6 * HOUR)
    poison = _raw_feed(
        [
            # NUL in a title: PostgreSQL refuses NUL in text and used to fail the feed.
            _item(b"Lakers waive forward\x00 Jalen Hood", "https://p.example/nul", recent),
            # Year 1 on a trade: the story-window arithmetic overflowed on both databases.
            _item(
                b"Lakers trade Austin Reaves to the Jazz for two first-round picks",
                "https://p.example/year1",
                "Mon, 01 Jan 0001 00:00:00 +0000",
            ),
            # A character reference and a raw control character that XML cannot carry.
            _item(b"Knicks sign &#1;guard\x01 Landry Shamet", "https://p.example/ctrl", recent),
            # Six hours ahead: would pin itself to the top and date the Atom feed ahead.
            _item(b"Bulls sign center from the future", "https://p.example/future", future),
            # A right-to-left override that makes the title display other than it reads.
            _item(
                "Heat sign \u202egnp.exe\u202c Kel'el Ware".encode(),
                "https://p.example/rtl",
                recent,
            ),
            # A terminal escape in the summary.
            _item(
                b"Suns waive guard", "https://p.example/esc", recent, b"\x1b[2J\x1b[31mred\x1b[0m"
            ),
        ]
    )
    # One invalid UTF-8 byte in one item must not make the whole document be re-read in
    # another encoding and garble the others' names.
    encoded = rss(
        [
            Item(
                "Mavericks trade Luka Dončić to the Lakers",
                "https://u.example/luka",
                "",
                NOW - HOUR,
            ),
            Item("Raptors sign Jamal Shead", "https://u.example/shead", "", NOW - HOUR),
        ]
    ).replace(b"Jamal", b"Jam\xffal")
    feeds = [
        ("Poison", feed_server.add("/poison.xml", poison), True),
        ("Encoding", feed_server.add("/utf8.xml", encoded), True),
        ("Good", feed_server.add("/good.xml", rss(_good("g", 5))), True),
    ]
    with tracker(database_url, tmp_path, feeds) as (_served, client):
        result = scrape(client)
        state = sources(client)
        assert result["errorCount"] == 0, result
        for name in ("Poison", "Encoding", "Good"):
            assert state[name]["consecutiveFailures"] == 0, state[name]
        nodes = [e["node"] for e in gql(client, NEWS)["news"]["edges"]]
        by_link = {n["link"]: n for n in nodes}
        # Every good item beside the poison is stored, and every poison item too, clean.
        assert len(nodes) == 6 + 2 + 5, sorted(by_link)
        for node in nodes:
            assert not FORBIDDEN.search(node["title"]), node
            assert not FORBIDDEN.search(node["description"] or ""), node
        assert by_link["https://p.example/nul"]["title"] == "Lakers waive forward Jalen Hood"
        assert by_link["https://p.example/ctrl"]["title"] == "Knicks sign guard Landry Shamet"
        assert "\u202e" not in by_link["https://p.example/rtl"]["title"]
        assert by_link["https://p.example/esc"]["description"] == "[2J[31mred[0m"
        assert by_link["https://u.example/luka"]["title"] == (
            "Mavericks trade Luka Dončić to the Lakers"
        )
        assert by_link["https://u.example/shead"]["title"] == "Raptors sign Jam\ufffdal Shead"
        # Impossible and future dates are estimates (the fetch time), flagged like missing.
        for link in ("https://p.example/year1", "https://p.example/future"):
            node = by_link[link]
            assert node["publishedEstimated"] is True, node
            published = datetime.fromisoformat(node["publishedAt"].replace("Z", "+00:00"))
            assert abs(published - datetime.now(UTC)) < timedelta(minutes=10), node
        assert by_link["https://p.example/year1"]["category"] == "Trade"

        # Every Atom feed is XML a reader can parse, and never dated ahead of now.
        for path in ("/feeds/all.atom", "/feeds/category/Trade.atom", "/feeds/team/LAL.atom"):
            response = client.get(path)
            assert response.status_code == 200, path
            root = ET.fromstring(response.content)
            updated = datetime.fromisoformat(
                root.findtext(f"{ATOM}updated", "").replace("Z", "+00:00")
            )
            assert updated <= datetime.now(UTC) + timedelta(seconds=5), (path, updated)
            for text in root.itertext():
                assert not FORBIDDEN.search(text), (path, text)
        page = client.get("/")
        assert page.status_code == 200
        assert "\x00" not in page.text and "\x01" not in page.text and "\u202e" not in page.text
