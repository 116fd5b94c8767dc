"""Player names in article text, matched against nba_api's bundled player list.

Rules a reader would apply:
- Only full names count ("Jaren Jackson Jr.", "Luka Doncic" for "Luka Dončić"). A
  surname alone ("Jackson") never becomes a mention: it is either a player the
  article already named in full, or ambiguous.
- The index holds active players and those who entered the league from 2005 on
  (nba_api ids >= 100000). Older names are mostly coaches, executives and
  broadcasters today (Jason Kidd, Doc Rivers, Steve Kerr), and are left out.
- A name introduced by a non-playing role ("coach JJ Redick", "GM ...") is skipped.
- Transactions name players no list knows yet (undrafted rookies, two-way and
  overseas signings): a capitalised name right after a transaction verb ("signed
  guard Jane Doe", "waived John Roe") is kept without an NBA id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from nba_tracker.domain._fold import fold, fold_key

__all__ = ["PlayerMention", "find_players", "find_unknown_players", "player_spans"]

_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})
# Outlets' short forms of first names; each pair works both ways.
_FIRST_NAME_VARIANTS = (
    ("nicolas", "nic"),
    ("herbert", "herb"),
    ("cameron", "cam"),
    ("moritz", "moe"),
    ("alexandre", "alex"),
    ("nahshon", "bones"),
    ("kenyon", "kj"),
    ("mohamed", "mo"),
    ("jakob", "jake"),
)
# Single names fans and outlets use for one player only.
_MONONYMS = {
    "Giannis": "Giannis Antetokounmpo",
    "LeBron": "LeBron James",
    "SGA": "Shai Gilgeous-Alexander",
    "Wemby": "Victor Wembanyama",
    "KAT": "Karl-Anthony Towns",
    "KCP": "Kentavious Caldwell-Pope",
    "CP3": "Chris Paul",
}
# Former players now known for another job, whose ids fall inside the index window.
_NOT_PLAYERS = frozenset(
    fold_key(n)
    for n in ("JJ Redick", "Jared Dudley", "Landry Fields", "Jarrett Jack", "Chris Quinn")
)
_ROLE_BEFORE = re.compile(
    r"(?:coach|coaches|coaching|assistant|GM|general manager|president|executive|owner|"
    r"analyst|reporter|insider|broadcaster|commentator|agent|podcaster|scout|"
    r"vice president|governor|commissioner)\W{1,3}$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PlayerMention:
    """A player named in an article: ``name`` as nba_api spells it (or as written when
    the list does not know the player yet) and the NBA id when known."""

    name: str
    nba_id: int | None = None


@dataclass(frozen=True, slots=True)
class _Entry:
    tokens: tuple[str, ...]
    name: str
    nba_id: int


# The index, built from nba_api's player list by ``index_lines_from_nba_api`` and shipped
# precomputed: building it folds some 5,000 names, most of a start-up's matching cost.
# Its first line names the nba_api release it was built from; under any other release
# the index is built from that release's list, so matching always follows the installed
# nba_api. A test compares the file with nba_api (and says how to rewrite it).
INDEX_FILE = "player_index.tsv"


def _recent(p: dict[str, object]) -> bool:
    return bool(p["is_active"]) or int(str(p["id"])) >= 100_000


def index_lines_from_nba_api() -> list[str]:
    """The index as ``INDEX_FILE`` holds it: one ``tokens<TAB>name<TAB>id`` line per
    entry, grouped by first token, longest first within a group."""
    from nba_api.stats.static import players as static_players

    # key tokens -> (rank, name, id); the higher rank (exact spelling, active, newer) wins.
    best: dict[tuple[str, ...], tuple[tuple[int, int, int], str, int]] = {}
    for p in static_players.get_players():
        if not _recent(p):
            continue
        name = str(p["full_name"])
        key = fold_key(name)
        if key in _NOT_PLAYERS:
            continue
        tokens = tuple(key.split())
        if len(tokens) < 2:
            continue
        nba_id = int(str(p["id"]))
        active = int(bool(p["is_active"]))
        variants = [(tokens, 2)]
        if tokens[-1] in _SUFFIXES and len(tokens) > 2:
            variants.append((tokens[:-1], 1))
        for base, exact in list(variants):
            for a, b in _FIRST_NAME_VARIANTS:
                for x, y in ((a, b), (b, a)):
                    if base[0] == x:
                        variants.append(((y, *base[1:]), 0 if exact == 2 else exact - 1))
        for toks, exact in variants:
            rank = (exact, active, nba_id)
            current = best.get(toks)
            if current is None or rank > current[0]:
                best[toks] = (rank, name, nba_id)
    groups: dict[str, list[tuple[tuple[str, ...], str, int]]] = {}
    for toks, (_, name, nba_id) in best.items():
        groups.setdefault(toks[0], []).append((toks, name, nba_id))
    lines: list[str] = []
    for group in groups.values():
        group.sort(key=lambda e: len(e[0]), reverse=True)
        lines.extend(f"{' '.join(toks)}\t{name}\t{nba_id}" for toks, name, nba_id in group)
    return lines


def _nba_api_version() -> str:
    from importlib.metadata import version

    return version("nba_api")


def index_file_text() -> str:
    """What ``INDEX_FILE`` holds for the installed nba_api: its release, then the index."""
    return "\n".join([f"nba_api {_nba_api_version()}", *index_lines_from_nba_api()]) + "\n"


def _load_index() -> dict[str, list[_Entry]]:
    text = resources.files(__package__).joinpath("data", INDEX_FILE).read_text("utf-8")
    built_from, _, table = text.partition("\n")
    if built_from == f"nba_api {_nba_api_version()}":
        lines = table.splitlines()
    else:
        lines = index_lines_from_nba_api()
    index: dict[str, list[_Entry]] = {}
    for line in lines:
        key, name, nba_id = line.split("\t")
        tokens = tuple(key.split(" "))
        index.setdefault(tokens[0], []).append(_Entry(tokens, name, int(nba_id)))
    return index


_INDEX = _load_index()
_BY_NAME = {e.name: e for entries in _INDEX.values() for e in entries}
_MONONYM_IDS = {alias: _BY_NAME[full] for alias, full in _MONONYMS.items() if full in _BY_NAME}
_TOKEN = re.compile(r"[A-Za-z0-9]+")


def player_spans(folded: str) -> list[tuple[int, int, PlayerMention]]:
    """(start, end, mention) of every known player named in already folded text."""
    toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
    lower = [t[0].lower() for t in toks]
    out: list[tuple[int, int, PlayerMention]] = []
    i, n = 0, len(toks)
    while i < n:
        word = toks[i][0]
        entries = _INDEX.get(lower[i])
        hit: _Entry | None = None
        if entries and word[0].isupper():
            for entry in entries:
                k = len(entry.tokens)
                if i + k <= n and tuple(lower[i : i + k]) == entry.tokens:
                    hit = entry
                    break
        if hit is not None:
            k = len(hit.tokens)
            start, end = toks[i][1], toks[i + k - 1][2]
            if not _ROLE_BEFORE.search(folded, max(0, start - 40), start):
                out.append((start, end, PlayerMention(hit.name, hit.nba_id)))
            i += k
            continue
        alias = _MONONYM_IDS.get(word)
        if alias is not None:
            out.append((toks[i][1], toks[i][2], PlayerMention(alias.name, alias.nba_id)))
        i += 1
    return out


# A name right after a transaction verb, optionally after a description ("signed
# undrafted guard Jane Doe"). Title-case headlines capitalise every word, so the name
# is cut at the first word that cannot be part of one.
_VERB = (
    r"(?:re-?signs?|re-?signed|signs|signed|sign|waives|waived|waive|releases|released|"
    r"release|claims|claimed|claim|converts|converted|convert|acquires|acquired|acquire|"
    r"selects|selected|select|drafts|drafted|draft|adds|added|inks|inked)"
)
_DESCRIPTOR = (
    r"(?:undrafted|rookie|free[- ]agent|veteran|former|two-way|guard|forward|center|centre|"
    r"wing|big man|point guard|shooting guard|small forward|power forward|swingman|"
    r"sharpshooter|big|second-round pick|first-round pick|draft pick|pick|prospect|"
    r"international|overseas|G League|[A-Z][a-z]+ (?:guard|forward|center|wing|big))"
)
_NAME = r"(?:[A-Z][\w'’\-]+|[A-Z]\.(?:[A-Z]\.)+)(?:\s+(?:Jr\.|Sr\.|II\b|III\b|IV\b|[A-Z][\w'’\-]+|[A-Z]\.(?:[A-Z]\.)*)){1,3}"
_UNKNOWN_RE = re.compile(
    r"\b(?i:"
    + _VERB
    + r")\s+(?:(?i:an?|the)\s+)?(?:(?i:"
    + _DESCRIPTOR
    + r")\s+){0,3}(?P<name>"
    + _NAME
    + r")"
)
_STOP_WORDS = frozenset(
    [
        "To",
        "On",
        "As",
        "After",
        "From",
        "With",
        "For",
        "In",
        "Of",
        "And",
        "Off",
        "Via",
        "At",
        "By",
        "Deal",
        "Deals",
        "Contract",
        "Contracts",
        "Two-Way",
        "Two",
        "Exhibit",
        "Rookie",
        "Multi-Year",
        "Multiyear",
        "One-Year",
        "Two-Year",
        "Three-Year",
        "Four-Year",
        "Five-Year",
        "Extension",
        "Waivers",
        "Minimum",
        "Max",
        "Sources",
        "Source",
        "Per",
        "Report",
        "The",
        "A",
        "An",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Summer",
        "League",
        "NBA",
        "G",
        "ESPN",
        "Team",
        "Guard",
        "Forward",
        "Center",
        "Free",
        "Agent",
        "Agency",
        "Trade",
        "Pick",
        "Picks",
        "Draft",
        "Round",
        "Buyout",
        "Option",
        "Qualifying",
        "Offer",
        "Cash",
        "Considerations",
        "Following",
        "Before",
        "Ahead",
        "Amid",
        "Despite",
        "During",
        "Into",
        "Over",
        "Under",
        "State",
        "University",
        "College",
        "Game",
    ]
)
_POSITION_AFTER = re.compile(
    r"\s+(?:forward|guard|center|centre|wing|big|big man|point guard|star|product|standout|sharpshooter)\b",
    re.IGNORECASE,
)
_NAME_END = re.compile(r"(?:guard|forward|center|wing)\s+\S+\s+\S+$", re.IGNORECASE)
_SUFFIX_WORDS = frozenset({"Jr.", "Sr.", "II", "III", "IV", "Jr", "Sr"})


def find_unknown_players(
    text: str, known: Iterable[PlayerMention], excluded_words: Iterable[str] = ()
) -> list[PlayerMention]:
    """Names in a transaction pattern that the index does not know, in order."""
    known_keys = {fold_key(m.name) for m in known}
    known_token_sets = [set(k.split()) for k in known_keys]
    excluded = set(excluded_words)
    out: list[PlayerMention] = []
    for m in _UNKNOWN_RE.finditer(text):
        words: list[str] = []
        for w in m.group("name").split():
            bare = w.rstrip(",;:")
            if bare in _STOP_WORDS or fold(bare) in excluded:
                break
            words.append(bare)
            if bare != w:
                break
        if words and words[-1].endswith(("'s", "’s")):
            words[-1] = words[-1][:-2]
        core = [w for w in words if w not in _SUFFIX_WORDS]
        if len(core) < 2 or len(core) > 3:
            continue
        # "selected the South Carolina forward": a description, not a name.
        if _POSITION_AFTER.match(text, m.end("name")) and not _NAME_END.search(m.group(0)):
            continue
        name = " ".join(words)
        if words[-1] not in _SUFFIX_WORDS:
            name = name.rstrip(".")
        key = fold_key(name)
        toks = set(key.split())
        if key in known_keys or any(toks <= k or k <= toks for k in known_token_sets):
            continue
        known_keys.add(key)
        known_token_sets.append(toks)
        out.append(PlayerMention(name, None))
    return out


def find_players(text: str) -> list[PlayerMention]:
    """Known players ``text`` names in full, in order of first mention."""
    seen: dict[str, PlayerMention] = {}
    for _, _, mention in player_spans(fold(text)):
        seen.setdefault(mention.name, mention)
    return list(seen.values())
