"""The one text sanitiser, the XML writer's character filter, date checks, fault classes."""

from __future__ import annotations

import errno
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import pytest

from nba_tracker.api import xmlwriter
from nba_tracker.api.server import RepeatFilter
from nba_tracker.domain.limits import MAX_ID, is_id
from nba_tracker.domain.stories import story_window
from nba_tracker.domain.text import clean_text, public_location
from nba_tracker.ingest.parse import checked_published, repair_utf8
from nba_tracker.store import faults

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x00b", "ab"),
        ("Knicks\x01 sign\x7f guard", "Knicks sign guard"),
        ("line\nbreak\ttab\r", "line break tab "),
        ("\u202egnp.exe\u202c and \u2066iso\u2069", "gnp.exe and iso"),
        ("Don\udcc4\udc8di\u0107", "Donić"),
        ("C1 \x85next \x9b31m", "C1  next 31m"),
        ("keeps Dončić, 東京 and emoji 🏀", "keeps Dončić, 東京 and emoji 🏀"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_xml_writer_cannot_emit_an_invalid_character() -> None:
    root = ET.Element("feed")
    xmlwriter.sub(root, "title", "a\x00b\x01c\ud800d\ufffe", href="x\x02y")
    ET.SubElement(root, "raw").text = "set directly \x03"
    parsed = ET.fromstring(xmlwriter.to_bytes(root))
    assert parsed.findtext("title") == "abcd"
    assert parsed.find("title").get("href") == "xy"  # type: ignore[union-attr]
    assert parsed.findtext("raw") == "set directly "


def test_dates_beyond_the_skew_or_impossible_are_estimates() -> None:
    assert checked_published(NOW - timedelta(hours=3), NOW) == (NOW - timedelta(hours=3), False)
    assert checked_published(NOW + timedelta(minutes=5), NOW)[1] is False
    for wrong in (NOW + timedelta(hours=6), datetime(1, 1, 1, tzinfo=UTC), None):
        assert checked_published(wrong, NOW) == (NOW, True)
    since, until = story_window([datetime(1, 1, 1, tzinfo=UTC), datetime.max.replace(tzinfo=UTC)])
    assert since.year == 1 and until.year == 9999


def test_invalid_utf8_is_repaired_per_sequence_only() -> None:
    assert (
        repair_utf8(b"<rss>Don\xc4\x8di\xc4\x87 \xff</rss>") == "<rss>Dončić \ufffd</rss>".encode()
    )
    latin = b'<?xml version="1.0" encoding="iso-8859-1"?><rss>\xe9</rss>'
    assert repair_utf8(latin) == latin


def test_public_location_hides_credentials_and_paths() -> None:
    url = "https://bob:pw@feeds.example:8443/rss?api_key=k&access_token=t&team=LAL"
    assert (
        public_location(url)
        == "https://feeds.example:8443/rss?api_key=REDACTED&access_token=REDACTED&team=LAL"
    )
    assert public_location("/srv/secret/dir/feed.xml") == "file:feed.xml"
    plain = "https://news.google.com/rss/search?q=NBA+(trade+OR+signs)&hl=en-US"
    assert public_location(plain) == plain


def test_ids_are_range_checked() -> None:
    assert is_id(1) and is_id(MAX_ID)
    assert not is_id(0) and not is_id(MAX_ID + 1) and not is_id(10**20)


def test_faults_are_classified_without_their_text() -> None:
    assert faults.classify(sqlite3.OperationalError("database or disk is full")) is faults.DISK_FULL
    assert faults.classify(sqlite3.OperationalError("database is locked")) is faults.BUSY
    assert faults.classify(OSError(errno.EROFS, "Read-only file system")) is faults.READ_ONLY
    assert faults.classify(OSError(errno.ENOSPC, "No space left")) is faults.DISK_FULL
    assert faults.classify(ValueError("something else")) is faults.FAILED


def test_repeated_error_lines_are_held_back() -> None:
    repeat = RepeatFilter(window=60)

    def record(msg: str, level: int = logging.ERROR) -> logging.LogRecord:
        return logging.LogRecord("asyncio", level, __file__, 1, msg, None, None)

    passed = [
        repeat.filter(record("socket.accept() out of system resource\nfd=7")) for _ in range(8000)
    ]
    assert passed.count(True) == 1
    assert repeat.filter(record("another error"))
    fields = [{"event": "Feed failed", "feed": f"f{i % 3}"} for i in range(30)]
    assert sum(repeat.filter(record(f)) for f in fields) == 3  # type: ignore[arg-type]
    assert all(repeat.filter(record("Request completed", logging.INFO)) for _ in range(100))
