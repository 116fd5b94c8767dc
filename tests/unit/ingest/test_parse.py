"""What the parser makes of real-world feed shapes."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from nba_tracker.ingest.parse import (
    FeedParseError,
    canonical_url,
    parse_feed,
    stable_id,
)
from tests.support.feeds import Item, atom, rss

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

RSS_091 = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Wire</title><link>https://w.example/</link>
<description>d</description><language>en-us</language>
<item><title>Knicks sign Landry Shamet</title><link>https://w.example/1</link>
<description>The Knicks have signed guard Landry Shamet.</description></item>
</channel></rss>"""

RSS_10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://r.example/"><title>RDF</title><link>https://r.example/</link>
<description>d</description></channel>
<item rdf:about="https://r.example/a"><title>Bulls waive Dalen Terry</title>
<link>https://r.example/a</link><dc:date>2026-11-27T18:30:00-05:00</dc:date></item>
</rdf:RDF>"""


@pytest.mark.parametrize("body", [RSS_091, RSS_10], ids=["rss-0.91", "rss-1.0"])
def test_old_rss_versions_parse(body: bytes) -> None:
    feed = parse_feed(body, NOW)
    assert len(feed.items) == 1
    assert feed.items[0].title.split()[0] in {"Knicks", "Bulls"}


def test_rss_10_dc_date_with_offset_becomes_utc() -> None:
    item = parse_feed(RSS_10, NOW).items[0]
    assert item.published_at == datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    assert not item.published_estimated


def test_atom_entries_parse_with_html_summary_as_text() -> None:
    body = atom(
        [
            Item(
                "Heat acquire guard",
                "https://a.example/x",
                "<p>Miami &amp; <b>Utah</b></p>",
                datetime(2026, 11, 1, 10, tzinfo=UTC),
            )
        ]
    )
    item = parse_feed(body, NOW).items[0]
    assert item.summary == "Miami & Utah"
    assert item.published_at == datetime(2026, 11, 1, 10, tzinfo=UTC)


def test_named_zone_est_is_normalised_to_utc() -> None:
    body = rss([]).replace(
        b"</channel>",
        b"<item><title>T</title><link>https://x.example/1</link>"
        b"<pubDate>Thu, 27 Nov 2026 19:05:00 EST</pubDate></item></channel>",
    )
    assert parse_feed(body, NOW).items[0].published_at == datetime(2026, 11, 28, 0, 5, tzinfo=UTC)


def test_item_without_date_gets_fetch_time_and_is_marked() -> None:
    item = parse_feed(rss([Item("No date", "https://x.example/n")]), NOW).items[0]
    assert item.published_at == NOW
    assert item.published_estimated


def test_cdata_whitespace_and_entities_are_cleaned() -> None:
    body = rss(
        [
            Item(
                "  Suns &amp; Nets   swap  picks \n",
                "https://x.example/c",
                "<div>Line one<br/>line&nbsp;two &#8212; done</div>",
            )
        ]
    )
    item = parse_feed(body, NOW).items[0]
    assert item.title == "Suns & Nets swap picks"
    assert item.summary == "Line one line two — done"


def test_tracking_parameters_and_fragments_are_removed() -> None:
    assert (
        canonical_url("HTTPS://WWW.Example.com:443/nba/story?id=7&utm_source=rss&fbclid=x#comments")
        == "https://www.example.com/nba/story?id=7"
    )
    assert canonical_url("http://example.com:8080/a?ref=feed") == "http://example.com:8080/a"


def test_stable_id_prefers_guid_and_is_the_same_in_another_process() -> None:
    here = stable_id("tag:espn.com,2026:123", "https://espn.com/a")
    code = (
        "from nba_tracker.ingest.parse import stable_id;"
        "print(stable_id('tag:espn.com,2026:123', 'https://other.example/'))"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == here
    assert stable_id(None, "https://espn.com/a") != stable_id(None, "https://espn.com/b")


def test_same_link_with_tracking_params_yields_one_item() -> None:
    items = [Item("A", "https://x.example/a?utm_campaign=1"), Item("A", "https://x.example/a#top")]
    feed = parse_feed(rss(items), NOW)
    assert len(feed.items) == 1
    assert feed.skipped == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<!DOCTYPE html><html><body>Not here</body></html>", "HTML page"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><rss><channel><title>&lol2;</title>'
            b"</channel></rss>",
            "entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<rss><channel><title>&x;</title></channel></rss>",
            "entities",
        ),
        (b"this is not xml at all {}", "not a readable feed"),
    ],
    ids=["empty", "blank", "html", "entity-bomb", "xxe", "garbage"],
)
def test_unreadable_bodies_raise_a_clear_error(body: bytes, message: str) -> None:
    with pytest.raises(FeedParseError, match=message):
        parse_feed(body, NOW)


def test_wrong_declared_encoding_still_yields_items_with_a_warning() -> None:
    body = rss([Item("Luka Dončić dazzles", "https://x.example/l")]).replace(
        b'encoding="utf-8"', b'encoding="us-ascii"'
    )
    feed = parse_feed(body, NOW)
    assert len(feed.items) == 1
    assert "Don" in feed.items[0].title


def test_item_limit_is_enforced() -> None:
    items = [Item(f"T{i}", f"https://x.example/{i}") for i in range(30)]
    feed = parse_feed(rss(items), NOW, max_items=10)
    assert len(feed.items) == 10
    assert feed.skipped == 20


def test_items_without_http_links_are_skipped() -> None:
    body = rss([Item("Bad", "javascript:alert(1)"), Item("Good", "https://x.example/g")])
    feed = parse_feed(body, NOW)
    assert [i.title for i in feed.items] == ["Good"]
