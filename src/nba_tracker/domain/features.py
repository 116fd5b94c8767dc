"""The features the learned classifier reads: words of the headline and of the body, with
names masked, beside the rules' own signals.

Names are masked (every team becomes ``TEAM``, every player ``PLAYER``, the reporter who
opens a HoopsHype line ``REPORTER``) so the model learns how journalists write about a
move, not which players happened to move in the labelled months. Body text is cut to
its opening words: the news is in the lede, and long discussion posts would otherwise
drown it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nba_tracker.domain.classify import FORUM_FLAIR, RuleSignals

__all__ = ["BODY_TOKENS", "features", "mask", "tokens"]

BODY_TOKENS = 60
_TOKEN = re.compile(r"[a-z]+|\d+|[?\"]")
# "Shams Charania: The Bucks …", "[Wojnarowski] …": who is speaking, not what happened.
_SPEAKER = re.compile(r"^\s*(?:\[([^\]]{2,40})\]|[A-Z][\w.'’ -]{1,40}:)\s*")
_QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"'})


def mask(folded: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """``folded`` with each (start, end, placeholder) span replaced by its placeholder."""
    if not spans:
        return folded
    out, last = [], 0
    for start, end, placeholder in sorted(spans):
        if start < last:
            continue
        out.append(folded[last:start])
        out.append(f" {placeholder} ")
        last = end
    out.append(folded[last:])
    return "".join(out)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; the placeholders survive as ``team``/``player``/``reporter``."""
    return _TOKEN.findall(text.translate(_QUOTES).lower())


def strip_speaker(text: str) -> tuple[str, str]:
    """``text`` without the label that opens it, and what that label was: "reporter"
    ("Shams Charania:", "[Wojnarowski]"), "team" (a team's own account, "[Lakers]", whose
    posts are its announcements), "flair" (a forum's "[Highlight]", "[Serious]": a kind
    of post, not a source) or "" when nothing opens it."""
    m = _SPEAKER.match(text)
    if m is None:
        return text, ""
    bracket = (m.group(1) or "").strip()
    if bracket == "TEAM":
        return " TEAM " + text[m.end() :], "team"
    if bracket and FORUM_FLAIR.fullmatch(bracket):
        # The flair word stays a word: "highlight" and "serious" say what the post is.
        return f" {bracket} " + text[m.end() :], "flair"
    return " REPORTER " + text[m.end() :], "reporter"


_SUFFIXES = ("ing", "ed", "es", "s")


def _stem(tok: str) -> str:
    """A crude stem ("trading", "traded", "trades" -> "trad"): with a few thousand
    labelled items, every inflection seen once is worth pooling."""
    for suffix in _SUFFIXES:
        if len(tok) > 4 and tok.endswith(suffix):
            return tok[: -len(suffix)]
    return tok


# Stems of the words seen so far: a word recurs across articles far more often than a
# new one appears, and a look-up is cheaper than the suffix tests. Bounded, since a long
# collection meets ever more rare words.
_STEMS: dict[str, str] = {}
_STEMS_MAX = 100_000


def _stems(toks: list[str]) -> list[str]:
    known = _STEMS.get
    stems = [known(t) or _stem(t) for t in toks]
    if len(_STEMS) < _STEMS_MAX:
        _STEMS.update(zip(toks, stems, strict=True))
    return stems


def _ngrams(prefix: str, toks: list[str], out: set[str]) -> None:
    """Each word and its stem, and each pair of neighbours as words and as stems."""
    stems = _stems(toks)
    stem = prefix + "~"
    out.update([prefix + t for t in toks])
    out.update([stem + t for t in stems])
    out.update([f"{prefix}{a} {b}" for a, b in zip(toks, toks[1:], strict=False)])
    out.update([f"{stem}{a} {b}" for a, b in zip(stems, stems[1:], strict=False)])


def features(headline: str, body: str, signals: RuleSignals) -> set[str]:
    """Binary features of one article. ``headline``/``body`` are folded and masked."""
    out: set[str] = set()
    headline, opener = strip_speaker(headline)
    body, spoken = strip_speaker(body)
    head_toks = tokens(headline)
    body_toks = tokens(body)[:BODY_TOKENS]
    _ngrams("t:", ["<s>", *head_toks], out)
    _ngrams("b:", ["<s>", *body_toks], out)
    if not body_toks:
        out.add("r:no_body")
    if spoken:
        out.add("r:spoken")
    if opener in ("team", "flair"):
        out.add(f"r:opened_by_{opener}")
    out.add(f"r:cat={signals.category}")
    out.add(f"r:status={signals.status}")
    out.add(f"r:reason={signals.status_reason}")
    for key, score in signals.scores.items():
        if score > 0:
            # Coarse bins keep the model linear in the rules' confidence.
            out.add(f"r:{key}>0")
            if score >= 2:
                out.add(f"r:{key}>=2")
            if score >= 6:
                out.add(f"r:{key}>=6")
    for flag, on in signals.flags.items():
        if on:
            out.add(f"r:{flag}")
    return out
