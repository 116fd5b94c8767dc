"""Fast matching of long phrase alternations.

``re`` tries every alternative of ``a|b|c…`` at every position. A ``Phrases`` splits
the alternation, notes the literal word each alternative starts with, and runs only
the alternatives whose word occurs in the text (a substring test in C). The results
equal ``finditer`` over the whole pattern: leftmost, non-overlapping, earlier
alternatives first at the same position.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

__all__ = ["Phrases"]

_META = set("()[]{}?*+|.^$\\")


_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=8)
def _lowered(text: str) -> str:
    # One text is scanned by many Phrases in a row; lower-case it once.
    return text.lower()


# Letters that an IGNORECASE pattern's ASCII letter matches although ``lower()`` does
# not give that letter ("ı" and "ſ" match "i" and "s"; "İ" lower-cases to two chars).
_ODD_CASE = ("\u0130", "\u0131", "\u017f")


@lru_cache(maxsize=8)
def _aligned(text: str) -> bool:
    """Whether each match of an ASCII prefix in ``text`` starts where the prefix occurs
    in the lower-cased text (true of all but a few Turkish and archaic letters)."""
    return not any(c in text for c in _ODD_CASE)


def _scan(
    compiled: re.Pattern[str], prefix: str, text: str, pos: int, end: int
) -> Iterator[re.Match[str]]:
    """``compiled.finditer(text, pos, end)``, tried only where ``prefix`` (the literal
    start of every match, lower-case; "" for none) occurs. A pattern opening with ``\\b`` gives
    ``re`` nothing to skip ahead with, so ``finditer`` tries every position; finding the
    prefix first is a fast substring search, then ``match`` tries only there (``\\b``
    still sees the character before the position)."""
    lowered = _lowered(text)
    if not prefix or not prefix.isascii() or not _aligned(text):
        if prefix in lowered:
            yield from compiled.finditer(text, pos, end)
        return
    at = lowered.find(prefix, pos, end)
    while at >= 0:
        m = compiled.match(text, at, end)
        if m is None:
            at = lowered.find(prefix, at + 1, end)
        else:
            yield m
            # A prefix is at least two letters: no match is empty.
            at = lowered.find(prefix, m.end(), end)


@lru_cache(maxsize=8)
def _word_starts(text: str) -> frozenset[str]:
    """The first three letters of each word of ``text``, lower-cased: the buckets of
    alternatives worth trying on it (read once per text, by every Phrases and CueTable)."""
    return frozenset(w[:3] for w in _WORD.findall(_lowered(text)))


def _bucket(prefix: str | None) -> str | None:
    """The bucket of an alternative: the first three letters of its literal prefix, when
    they are letters or digits (so they begin a word of any text it matches)."""
    if prefix and len(prefix) >= 3 and prefix[:3].isalnum():
        return prefix[:3]
    return None


def _structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Each character of ``pattern`` from ``start`` that is neither escaped nor in a
    character class, with its index and the group depth once it is read."""
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        else:
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            yield i, c, depth
        i += 1


def _split_top(pattern: str) -> list[str]:
    """``pattern`` split at its top-level ``|``."""
    parts, start = [], 0
    for i, c, depth in _structure(pattern):
        if c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def _group_end(pattern: str, open_at: int) -> int:
    """Index of the ``)`` closing the group that opens at ``open_at``."""
    for i, c, depth in _structure(pattern, open_at):
        if c == ")" and depth == 0:
            return i
    return -1


def _expand(alt: str) -> list[str]:
    r"""``\b(?:x|y)rest`` -> [``\bxrest``, ``\byrest``] so each gets a literal prefix."""
    while alt.startswith(r"\b\b"):
        alt = alt[2:]
    if alt.startswith(r"\b(?:"):
        end = _group_end(alt, 2)
        rest = alt[end + 1 :]
        if end > 0 and rest[:1] not in {"?", "*", "+", "{"}:
            inner = alt[5:end]
            return [e for part in _split_top(inner) for e in _expand(r"\b" + part + rest)]
    return [alt]


def _prefix(alt: str) -> str | None:
    r"""The literal lower-case text every match of ``alt`` starts with, if any."""
    if not alt.startswith(r"\b"):
        return None
    body = alt
    while body.startswith(r"\b"):
        body = body[2:]
    out: list[str] = []
    for i, c in enumerate(body):
        if c in _META:
            if c in "?*{" and out:
                out.pop()
            break
        if c == " " and i + 1 < len(body) and body[i + 1] in "?*{":
            break
        out.append(c)
    text = "".join(out).lower()
    return text if len(text) >= 2 else None


class Phrases:
    def __init__(self, pattern: str, flags: int = re.IGNORECASE) -> None:
        self.pattern = pattern
        self.flags = flags
        alts = [e for alt in _split_top(pattern) for e in _expand(alt)]
        # Alternatives with no literal prefix, or one too short to bucket: scanned on
        # every text (``_scan`` tries them only where their prefix occurs).
        self._always: list[tuple[str, re.Pattern[str]]] = []
        # The rest by bucket: a text visits only the buckets of its own words, instead
        # of a substring test per alternative (a hundred of them for the rumor words).
        self._buckets: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        self._order: dict[re.Pattern[str], int] = {}
        for n, alt in enumerate(alts):
            compiled = re.compile(alt, flags)
            self._order[compiled] = n
            prefix = _prefix(alt) or ""
            bucket = _bucket(prefix)
            if bucket is None:
                self._always.append((prefix, compiled))
            else:
                self._buckets.setdefault(bucket, []).append((prefix, compiled))
        self._keys = frozenset(self._buckets)

    def _candidates(self, text: str) -> list[tuple[str, re.Pattern[str]]]:
        """The alternatives worth scanning ``text`` for; ``_scan`` looks for their prefixes."""
        found = list(self._always)
        for key in _word_starts(text) & self._keys:
            found += self._buckets[key]
        return found

    def finditer(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[re.Match[str]]:
        end = len(text) if endpos is None else endpos
        candidates = self._candidates(text)
        if not candidates:
            return
        hits = [m for prefix, p in candidates for m in _scan(p, prefix, text, pos, end)]
        if len(hits) > 1:
            hits.sort(key=lambda m: (m.start(), self._order[m.re]))
        last = -1
        for m in hits:
            if m.start() >= last:
                last = m.end() if m.end() > m.start() else m.start() + 1
                yield m

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """The leftmost match (of two at one place, the earlier alternative's), as
        ``finditer``'s first: each alternative searched once, not every match found."""
        end = len(text) if endpos is None else endpos
        best: re.Match[str] | None = None
        for prefix, p in self._candidates(text):
            m = next(_scan(p, prefix, text, pos, end), None)
            if m is not None and (
                best is None
                or m.start() < best.start()
                or (m.start() == best.start() and self._order[m.re] < self._order[best.re])
            ):
                best = m
        return best


class CueTable:
    """Many weighted cue patterns scanned in one pass per text.

    Each cue keeps ``finditer`` semantics on its own (leftmost, non-overlapping), but
    different cues may match the same words: "trade" and "trade baskets" both count.
    """

    def __init__(self, cues: list[tuple[str, str, float]]) -> None:
        """``cues``: (key, pattern, weight) with IGNORECASE patterns."""
        self.cues = [(key, weight) for key, _, weight in cues]
        # Alternatives are bucketed by the first three letters of their literal prefix;
        # a text only visits the buckets of the words it contains.
        self._always: list[tuple[str, re.Pattern[str], int, int]] = []
        self._buckets: dict[str, list[tuple[str, re.Pattern[str], int, int]]] = {}
        for index, (_, pattern, _) in enumerate(cues):
            alts = [e for alt in _split_top(pattern) for e in _expand(alt)]
            for order, alt in enumerate(alts):
                prefix = _prefix(alt)
                entry = (prefix or "", re.compile(alt, re.IGNORECASE), index, order)
                bucket = _bucket(prefix)
                if bucket is None:
                    self._always.append(entry)
                else:
                    self._buckets.setdefault(bucket, []).append(entry)
        self._keys = frozenset(self._buckets)

    def matches(self, text: str) -> list[tuple[str, float, re.Match[str]]]:
        entries = [e for key in _word_starts(text) & self._keys for e in self._buckets[key]]
        per_cue: dict[int, list[tuple[int, int, re.Match[str]]]] = {}
        end = len(text)
        for prefix, compiled, index, order in self._always + entries:
            for m in _scan(compiled, prefix, text, 0, end):
                per_cue.setdefault(index, []).append((m.start(), order, m))
        out: list[tuple[str, float, re.Match[str]]] = []
        # By cue order, not by the set of word starts (whose order changes with each
        # process's string hashing): the same text gives the same matches everywhere.
        for index in sorted(per_cue):
            hits = per_cue[index]
            hits.sort(key=lambda h: (h[0], h[1]))
            key, weight = self.cues[index]
            last = -1
            for start, _, m in hits:
                if start >= last:
                    last = max(m.end(), start + 1)
                    out.append((key, weight, m))
        return out
