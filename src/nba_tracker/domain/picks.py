"""Draft picks and other assets named in trade news.

"a 2032 second-round pick (Golden State's own)" -> Pick(2032, 2, "GSW");
"four unprotected first-round picks" -> four Pick(None, 1, None);
"the No. 10 pick" -> Pick(None, 1, None). A pick's original team is recorded only
when the text says whose it is ("Atlanta's 2027 first", "(via Indiana)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nba_tracker.domain._fold import fold
from nba_tracker.domain.teams import team_spans

__all__ = ["Pick", "find_picks"]


@dataclass(frozen=True, slots=True)
class Pick:
    year: int | None
    round: int | None
    original_team: str | None

    def to_json_dict(self) -> dict[str, int | str | None]:
        return {"year": self.year, "round": self.round, "original_team": self.original_team}


_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "multiple": 1, "several": 1,
}  # fmt: skip
_ROUND = {"first": 1, "1st": 1, "second": 2, "2nd": 2}
_PROTECTION = r"(?:(?:un|lottery-|top-\d+(?:[- ]protected)?|heavily |lightly )?protected\s+|future\s+|unprotected\s+|swap\s+)"
_PICK_RE = re.compile(
    r"(?:\b(?P<count>a|an|one|two|three|four|five|six|seven|eight|nine|ten|multiple|several|\d)\s+)?"
    r"(?:(?P<year>20\d\d)\s+)?"
    r"(?:" + _PROTECTION + r")*"
    r"(?:(?P<year2>20\d\d)\s+)?"
    r"(?:(?P<lead>(?-i:[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2}))\s+)?"
    r"(?P<round>first|second|1st|2nd)"
    r"(?:(?:[- ]round(?:\s+draft)?\s+(?:pick|picks|selection|selections)\b)|(?:[- ]rounders?\b)|(?P<short>s)?\b)",
    re.IGNORECASE,
)
_NUMBERED_RE = re.compile(r"\bNo\.\s?(?P<n>\d{1,2})\s+(?:overall\s+)?pick\b", re.IGNORECASE)


def _owner(folded: str, start: int, end: int, lead: str | None) -> str | None:
    if lead:
        spans = team_spans(lead)
        if spans:
            return spans[0][2]
    before = folded[max(0, start - 25) : start]
    spans = [s for s in team_spans(before) if s[1] >= len(before) - 1]
    if spans:
        return spans[-1][2]
    after = folded[end : end + 40]
    m = re.match(
        r"\s*(?:\(\s*(?:via\s+)?|,?\s+via\s+)(?P<team>[^()]{2,30}?)(?:\s+own)?\s*(?:\)|[,.;]|$)",
        after,
    )
    if m:
        spans = team_spans(m.group("team"))
        if spans:
            return spans[0][2]
    return None


def find_picks(text: str) -> list[Pick]:
    """Every draft pick ``text`` names, in order."""
    folded = fold(text)
    found: list[tuple[int, Pick]] = []
    for m in _PICK_RE.finditer(folded):
        year_s = m.group("year") or m.group("year2")
        short = m.group("short") is not None
        plain_round_word = (
            not m.group(0).lower().rstrip("s").endswith(("pick", "selection", "rounder"))
        )
        # "first" alone is an ordinary word; it is a pick only with a year or protection.
        counted = short and (m.group("count") or "a").lower() != "a"  # "three firsts"
        qualified = year_s or re.search(r"protected|future|swap", m.group(0), re.I)
        if plain_round_word and not qualified and not counted:
            continue
        lead = m.group("lead")
        if lead and not team_spans(lead):
            if lead.lower() not in {"future", "own"}:
                continue
            lead = None
        count_word = (m.group("count") or "a").lower()
        plural = short or m.group(0).lower().endswith(("picks", "selections", "rounders"))
        count = int(count_word) if count_word.isdigit() else _COUNTS.get(count_word, 1)
        if not plural:
            count = 1
        pick = Pick(
            year=int(year_s) if year_s else None,
            round=_ROUND[m.group("round").lower()],
            original_team=_owner(folded, m.start(), m.end(), lead),
        )
        found.extend((m.start(), pick) for _ in range(min(count, 10)))
    for m in _NUMBERED_RE.finditer(folded):
        n = int(m.group("n"))
        found.append((m.start(), Pick(None, 1 if n <= 30 else 2, None)))
    found.sort(key=lambda x: x[0])
    return [p for _, p in found]
