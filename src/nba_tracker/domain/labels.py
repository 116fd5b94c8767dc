"""The labels every layer speaks of: a move's category and how sure the news is of it.

Apart from the rules that decide them (``classify``), so that what only stores, filters or
shows a label (the collector's writer, the API's filters) never builds the rules' ~780
patterns: a collection whose items are all known already never classifies anything.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Category", "Status", "normalize_category"]


class Category(StrEnum):
    TRADE = "Trade"
    SIGNING = "Signing"
    EXTENSION = "Extension"
    WAIVER = "Waiver"
    DRAFT = "Draft"
    OTHER = "Other"


class Status(StrEnum):
    RUMOR = "rumor"
    REPORTED = "reported"
    OFFICIAL = "official"


_CATEGORY_NAMES = {
    "trade": Category.TRADE,
    "trades": Category.TRADE,
    "signing": Category.SIGNING,
    "signings": Category.SIGNING,
    "free agency": Category.SIGNING,
    "extension": Category.EXTENSION,
    "extensions": Category.EXTENSION,
    "waiver": Category.WAIVER,
    "waivers": Category.WAIVER,
    "draft": Category.DRAFT,
    "other": Category.OTHER,
}


def normalize_category(name: str) -> Category | None:
    """The category a name means, case-insensitively; the original tracker's
    ``Trade`` / ``Signing`` / ``Other`` keep working."""
    return _CATEGORY_NAMES.get(" ".join(name.split()).lower())
