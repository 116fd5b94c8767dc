"""The ids read from raw bytes are the ids the parser gives, or no answer at all."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from nba_tracker.ingest.parse import parse_feed
from nba_tracker.ingest.prescan import count_items, item_uids

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _rss(*items: str) -> bytes:
    body = "".join(f"<item>{i}</item>" for i in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode()


def test_every_corpus_feed_gives_the_parsers_ids() -> None:
    files = sorted(CORPUS.glob("*.xml"))
    if not files:
        pytest.skip(f"the real feeds of {CORPUS} are absent here")
    answered = 0
    for path in files:
        body = path.read_bytes()
        uids = item_uids(body, 5000)
        parsed = {item.uid for item in parse_feed(body, NOW, 5000).items}
        if uids is None:
            continue
        answered += 1
        # Every id the parser keeps is among the scanned ones: all scanned ids stored
        # means every parsed item is stored.
        assert parsed <= set(uids), path.name
        assert len(uids) == count_items(body)
    assert answered >= len(files) // 2


def test_plain_guids_give_the_parsers_ids() -> None:
    body = _rss(
        "<title>A</title><link>https://a.example/1</link><guid isPermaLink='false'> a-1 </guid>",
        "<title>B</title><link>https://a.example/2</link><guid>https://a.example/2</guid>",
    )
    parsed = [item.uid for item in parse_feed(body, NOW).items]
    assert item_uids(body, 100) == parsed


@pytest.mark.parametrize(
    "item",
    [
        "<title>A</title><link>https://a.example/1</link>",  # no guid: id from the link
        "<title>A</title><guid><![CDATA[a-1]]></guid>",
        "<title>A</title><guid>a&amp;1</guid>",
        "<title>A</title><guid>caf\u00e9</guid>",
        "<title>A</title><guid>a-1</guid><guid>a-2</guid>",
        "<title>A</title><guid></guid>",
    ],
)
def test_any_doubt_is_no_answer(item: str) -> None:
    assert item_uids(_rss(item), 100) is None


def test_more_items_than_the_cap_is_no_answer() -> None:
    body = _rss(*(f"<title>{i}</title><guid>g-{i}</guid>" for i in range(5)))
    assert item_uids(body, 5) is not None
    assert item_uids(body, 4) is None


def test_atom_entries_by_their_id() -> None:
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:feed</id>'
        b'<entry><title>A</title><id>urn:a:1</id><link href="https://a.example/1"/>'
        b"<updated>2026-11-30T10:00:00Z</updated></entry></feed>"
    )
    assert item_uids(body, 100) == [item.uid for item in parse_feed(body, NOW).items]
