"""Accent- and punctuation-folding shared by the name and team matchers.

Matching happens on folded text so "Dončić", "Doncic", "P.J." and "PJ" meet; the
folded string is only used for matching, never shown.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "fold_key"]

# Letters NFKD does not decompose; apostrophes vanish so "D'Angelo" == "DAngelo".
_TABLE = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ı": "i",
        "'": None,
        "’": None,
        "‘": None,
        "`": None,
        "\u00a0": " ",
    }
)
# The dot of an initial ("P.J.", "A.J.") is dropped so initials read as one token.
_INITIAL_DOT = re.compile(r"(?<![A-Za-z])([A-Za-z])\.(?=[A-Za-z]\.?)")
_NON_WORD = re.compile(r"[^a-z0-9]+")


# Possessives lose their "'s" ("Golden State's own" -> "Golden State own"); "the C's"
# is the one team name that is itself a possessive.
_C_S = re.compile(r"\bC['’]s\b")
_POSSESSIVE = re.compile(r"['’]s\b")


def fold(text: str) -> str:
    """``text`` with accents, apostrophes and initials' dots removed; case is kept."""
    if "'" in text or "’" in text:
        text = _POSSESSIVE.sub("", _C_S.sub("Celtics", text))
    text = text.translate(_TABLE)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _INITIAL_DOT.sub(r"\1", text)


def fold_key(name: str) -> str:
    """Lower-case, single-spaced key of a name: "Luka Dončić" -> "luka doncic"."""
    return _NON_WORD.sub(" ", fold(name).lower()).strip()
