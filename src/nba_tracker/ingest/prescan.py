"""The ids of a feed's items read straight from its bytes, before any parsing.

A feed polled every five minutes is mostly items the tracker already has, and the
server often sends no validators, so the whole body arrives again. Parsing and
understanding 200 known items costs far more than one indexed read of their ids, so the
collector asks the store about these ids first and skips the feed's parsing entirely
when every one is stored.

The scan only answers when it is sure to compute the id :func:`parse.parse_feed`
would: every item must carry a plain ASCII ``<guid>`` (RSS) or ``<id>`` (Atom), with no
markup, entity or CDATA inside. Anything else, and any doubt, returns ``None`` and the
feed is parsed as usual; a wrong "known" is never possible, only a missed shortcut.
"""

from __future__ import annotations

import re

from nba_tracker.ingest.parse import stable_id

__all__ = ["count_items", "item_uids"]

_ITEM = re.compile(rb"<(item|entry)\b[^>]*>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
_ITEM_OPEN = re.compile(rb"<(?:item|entry)\b", re.IGNORECASE)
# The id element of RSS (guid) or Atom (id), with a plain printable-ASCII value.
_GUID = re.compile(rb"<guid\b[^>]*>([\x20-\x7e]*?)</guid\s*>", re.IGNORECASE)
_ATOM_ID = re.compile(rb"<id>([\x20-\x7e]*?)</id\s*>", re.IGNORECASE)
_ID_OPEN = re.compile(rb"<(?:guid|id)\b", re.IGNORECASE)
_UNSAFE = re.compile(rb"[<&]")


def count_items(body: bytes) -> int:
    """How many items or entries the body opens (a cheap size of the work ahead)."""
    return len(_ITEM_OPEN.findall(body))


def item_uids(body: bytes, max_items: int) -> list[str] | None:
    """The stored ids of every item in ``body``, or ``None`` when one cannot be read
    with certainty (the caller then parses the feed)."""
    opened = count_items(body)
    if not opened or opened > max_items:  # a cut feed is parsed; no scan of its excess
        return None
    items = _ITEM.findall(body)
    if len(items) != opened:
        return None
    uids = []
    for kind, inner in items:
        pattern = _GUID if kind.lower() == b"item" else _ATOM_ID
        found = pattern.findall(inner)
        # Exactly one id element, plain text: what feedparser reads as the entry's id.
        if len(found) != 1 or len(_ID_OPEN.findall(inner)) != 1:
            return None
        value = found[0].strip()
        if not value or _UNSAFE.search(value):
            return None
        uids.append(stable_id(value.decode("ascii"), ""))
    return uids
