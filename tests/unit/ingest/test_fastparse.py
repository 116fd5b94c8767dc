"""feedparser-rs against feedparser, through the same normalisation: every field of every
item of the real corpus, the per-feed error report, and the refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import nba_tracker.ingest.parse as parse
from nba_tracker.errors import FeedParseError
from nba_tracker.ingest.fastparse import parse_document, parse_document_feedparser
from nba_tracker.ingest.parse import ParsedFeed, parse_feed
from tests.support.feeds import Item, rss

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def both(body: bytes, monkeypatch: pytest.MonkeyPatch, max_items: int = 5000) -> list[ParsedFeed]:
    out = []
    for document in (parse_document_feedparser, parse_document):
        monkeypatch.setattr(parse, "parse_document", document)
        out.append(parse_feed(body, NOW, max_items))
    return out


def test_every_field_of_every_corpus_item_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(CORPUS.glob("*.xml"))
    if not files:
        pytest.skip(f"the real feeds of {CORPUS} are absent here")
    compared = 0
    for path in files:
        reference, fast = both(path.read_bytes(), monkeypatch)
        assert (fast.title, fast.skipped, fast.warning is None) == (
            reference.title,
            reference.skipped,
            reference.warning is None,
        ), path.name
        assert fast.items == reference.items, path.name  # uid, url, title, summary, dates, guid
        compared += len(reference.items)
    assert compared > 10_000


_ITEM = "<item><title>Lakers sign guard</title><link>https://x.example/1</link></item>"


@pytest.mark.parametrize(
    "body",
    [
        f'<rss version="2.0"><channel><title>t</title>{_ITEM}<junk></channel></rss>'.encode(),
        f'<rss version="2.0"><channel><title>t</title>{_ITEM}'.encode(),
        _ITEM.join(['<rss version="2.0"><channel><title>t</title>', "</channel></rss>"])
        .replace("Lakers sign", "Lakers & Nets sign")
        .encode(),
        _ITEM.replace("</link>", "</link><b>")
        .join(['<rss version="2.0"><channel><title>t</title>', "</channel></rss>"])
        .encode(),
        _ITEM.replace("guard", "guard &bogus;")
        .join(['<rss version="2.0"><channel><title>t</title>', "</channel></rss>"])
        .encode(),
        rss([Item("Luka Dončić dazzles", "https://x.example/l")]).replace(
            b'encoding="utf-8"', b'encoding="us-ascii"'
        ),
        rss([Item("Café", "https://x.example/l")], encoding="iso-8859-1"),
    ],
    ids=[
        "mismatched-tag",
        "truncated",
        "bare-ampersand",
        "unclosed-tag",
        "undefined-entity",
        "wrong-encoding",
        "latin-1",
    ],
)
def test_malformed_or_other_encodings_read_as_feedparser_reads_them(
    body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference, fast = both(body, monkeypatch)
    assert fast == reference  # items, and the same per-feed warning
    assert len(fast.items) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b'<rss version="2.0"><channel><title>&b;</title></channel></rss>',
            "entities",
        ),
        (b"<html><body>hello</body></html>", "HTML page"),
        (b"this is not xml at all {}", "not a readable feed"),
    ],
)
def test_refusals_hold_with_either_parser(
    body: bytes, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for document in (parse_document_feedparser, parse_document):
        monkeypatch.setattr(parse, "parse_document", document)
        with pytest.raises(FeedParseError, match=message):
            parse_feed(body, NOW)


def test_a_string_is_never_taken_for_a_url() -> None:
    with pytest.raises(TypeError):
        parse_document("http://169.254.169.254/latest/meta-data/")  # type: ignore[arg-type]
