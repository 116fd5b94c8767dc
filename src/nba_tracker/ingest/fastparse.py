"""The feed document read by feedparser-rs where that is exactly what feedparser reads,
and by feedparser everywhere else.

feedparser-rs gives feedparser's structure (``version``, ``bozo``, ``entries`` with
``id``/``link``/``title``/``summary``/``content``/``published_parsed``) about twenty
times faster, and :func:`parse.parse_feed` normalises either the same way: a test runs
both over the real corpus and compares every field of every item. It is not a
drop-in for malformed or mis-declared documents, though: a bare ``&`` or an unclosed tag
makes it return no entries where feedparser recovers them, and it decodes a document
declared in another encoding without saying so. So it only reads well-formed UTF-8
documents (valid UTF-8, declared so or undeclared); anything it reports as bozo, and
every other encoding, is read by feedparser, whose recovery and per-feed warning are
the tracker's contract.

Only bytes are ever passed on: given a ``str`` that looks like a URL, feedparser-rs
would fetch it.
"""

from __future__ import annotations

import re
from typing import Any

import feedparser_rs

__all__ = ["parse_document", "parse_document_feedparser"]

_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", re.IGNORECASE)
_UTF8 = {b"utf-8", b"utf8"}


def parse_document(body: bytes) -> Any:
    if not isinstance(body, bytes):  # never a str: that could be taken for a URL
        raise TypeError("parse_document takes the document's bytes")
    if not _plain_utf8(body):
        return parse_document_feedparser(body)
    parsed = feedparser_rs.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if parsed.get("bozo"):
        return parse_document_feedparser(body)
    return parsed


def parse_document_feedparser(body: bytes) -> Any:
    """The reference parser, pure Python: recovery from broken XML, every encoding.
    Imported when a document first needs it (~14 ms, which most runs never spend)."""
    import feedparser

    return feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)


def _plain_utf8(body: bytes) -> bool:
    declared = _DECLARED.match(body[:200])
    if declared and declared.group(1).lower().replace(b"_", b"-") not in _UTF8:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
