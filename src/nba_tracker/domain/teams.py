"""The 30 teams and every way outlets and fans name them.

"Los Angeles" / "LA" / "L.A." alone never resolves: two teams share it, and a guess
would attach articles to the wrong team. Cities with one team resolve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nba_api.stats.static import teams as _static_teams

from nba_tracker.domain._fold import fold

__all__ = ["ALL_TEAMS", "UNKNOWN_COLOR", "Team", "by_abbreviation", "find_teams", "team_spans"]

# Primary colours of the 30 teams (the page's abbreviation badges).
_COLORS = {
    "ATL": "#C8102E",
    "BKN": "#000000",
    "BOS": "#007A33",
    "CHA": "#1D1160",
    "CHI": "#CE1141",
    "CLE": "#860038",
    "DAL": "#00538C",
    "DEN": "#0E2240",
    "DET": "#C8102E",
    "GSW": "#1D428A",
    "HOU": "#CE1141",
    "IND": "#002D62",
    "LAC": "#C8102E",
    "LAL": "#552583",
    "MEM": "#5D76A9",
    "MIA": "#98002E",
    "MIL": "#00471B",
    "MIN": "#0C2340",
    "NOP": "#0C2340",
    "NYK": "#006BB6",
    "OKC": "#007AC1",
    "ORL": "#0077C0",
    "PHI": "#006BB6",
    "PHX": "#1D1160",
    "POR": "#E03A3E",
    "SAC": "#5A2D81",
    "SAS": "#000000",
    "TOR": "#CE1141",
    "UTA": "#002B5C",
    "WAS": "#002B5C",
}
UNKNOWN_COLOR = "#3b4252"


@dataclass(frozen=True, slots=True)
class Team:
    """A team as the tracker knows it; also what the store's reads return for one."""

    abbreviation: str
    full_name: str
    city: str = ""
    nickname: str = ""
    nba_id: int = 0
    color: str = UNKNOWN_COLOR


ALL_TEAMS: tuple[Team, ...] = tuple(
    sorted(
        (
            Team(
                nba_id=int(t["id"]),
                abbreviation=str(t["abbreviation"]),
                full_name=str(t["full_name"]),
                city=str(t["city"]),
                nickname=str(t["nickname"]),
                color=_COLORS[str(t["abbreviation"])],
            )
            for t in _static_teams.get_teams()
        ),
        key=lambda t: t.abbreviation,
    )
)
_BY_ABBR = {t.abbreviation: t for t in ALL_TEAMS}

# How outlets write the place: nba_api's "city" is sometimes a metro ("San Francisco")
# nobody uses for the team. "Los Angeles" is deliberately absent.
_PLACES = {
    "ATL": ["Atlanta"],
    "BOS": ["Boston"],
    "BKN": ["Brooklyn"],
    "CHA": ["Charlotte"],
    "CHI": ["Chicago"],
    "CLE": ["Cleveland"],
    "DAL": ["Dallas"],
    "DEN": ["Denver"],
    "DET": ["Detroit"],
    "GSW": ["Golden State"],
    "HOU": ["Houston"],
    "IND": ["Indiana"],
    "MEM": ["Memphis"],
    "MIA": ["Miami"],
    "MIL": ["Milwaukee"],
    "MIN": ["Minnesota"],
    "NOP": ["New Orleans", "NOLA"],
    "NYK": ["New York"],
    "OKC": ["Oklahoma City"],
    "ORL": ["Orlando"],
    "PHI": ["Philadelphia", "Philly"],
    "PHX": ["Phoenix"],
    "POR": ["Portland"],
    "SAC": ["Sacramento"],
    "SAS": ["San Antonio"],
    "TOR": ["Toronto"],
    "UTA": ["Utah"],
    "WAS": ["Washington"],
}
_SHORT = {
    "ATL": ["Hawks"],
    "BOS": ["Celtics", "Celts"],
    "BKN": ["Nets"],
    "CHA": ["Hornets"],
    "CHI": ["Bulls"],
    "CLE": ["Cavaliers", "Cavs"],
    "DAL": ["Mavericks", "Mavs"],
    "DEN": ["Nuggets", "Nugs"],
    "DET": ["Pistons"],
    "GSW": ["Warriors", "Dubs"],
    "HOU": ["Rockets"],
    "IND": ["Pacers"],
    "LAC": ["Clippers", "Clips", "LA Clippers", "L.A. Clippers"],
    "LAL": ["Lakers", "LA Lakers", "L.A. Lakers"],
    "MEM": ["Grizzlies", "Grizz"],
    "MIA": ["Heat"],
    "MIL": ["Bucks"],
    "MIN": ["Timberwolves", "Wolves", "T-Wolves", "TWolves"],
    "NOP": ["Pelicans", "Pels"],
    "NYK": ["Knicks"],
    "OKC": ["Thunder"],
    "ORL": ["Magic"],
    "PHI": ["76ers", "Sixers"],
    "PHX": ["Suns"],
    "POR": ["Trail Blazers", "Trailblazers", "Blazers"],
    "SAC": ["Kings"],
    "SAS": ["Spurs"],
    "TOR": ["Raptors", "Raps"],
    "UTA": ["Jazz"],
    "WAS": ["Wizards"],
}
# Upper-case only; outlets and r/nba use these, plus a few historical variants.
_ABBREVIATIONS = {t.abbreviation: t.abbreviation for t in ALL_TEAMS} | {
    "BRK": "BKN",
    "CHO": "CHA",
    "GS": "GSW",
    "NOLA": "NOP",
    "NYC": "NYK",
    "PHO": "PHX",
    "SA": "SAS",
    "UTAH": "UTA",
    "WSH": "WAS",
}
# A place followed by one of these is another organisation (a newspaper, a college,
# a WNBA or NFL team), not the NBA team.
_NOT_NBA_AFTER = (
    "State|Post|Herald|Globe|Tribune|Sun-Times|Chronicle|Star|Bee|Times|Journal|News|Daily|"
    "Fever|Lynx|Mercury|Sky|Dream|Liberty|Aces|Wings|Sparks|Storm|Valkyries|Mystics|Sun|"
    "Cowboys|Commanders|Giants|Jets|Yankees|Mets|Patriots|Bruins|Red Sox|Dolphins|Marlins|"
    "Cubs|White Sox|Bears|Blackhawks|Lions|Tigers|Red Wings|Texans|Astros|Titans|Broncos|"
    "Rockies|Avalanche|Colts|Utes|Capitals|Nationals|Commanders|Saints|Falcons|Braves|"
    "University|College|Hustle|Go-Go|Blue|Cruise|Legends|Vipers|Skyforce|Stars|Gold|"
    "Memorial|Airport|International|Metropolitan|Police|City Council|Mayor"
)


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for team in ALL_TEAMS:
        abbr = team.abbreviation
        names = [team.full_name, team.nickname, *_PLACES.get(abbr, []), *_SHORT.get(abbr, [])]
        for name in names:
            table[fold(name)] = abbr
    table.pop("Los Angeles", None)
    return table


_ALIASES = _alias_table()
_UPPER_ALIASES = {k.upper(): v for k, v in _ALIASES.items()}
_PLACE_NAMES = frozenset(fold(p) for places in _PLACES.values() for p in places)


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# Names are matched with their capitalisation ("Heat", "HEAT", not "heat"): nicknames
# such as Heat, Magic, Kings and Suns are ordinary words in lower case.
_NAME_RE = re.compile(
    r"(?<!\w)(?P<name>"
    + _alternation(list(_ALIASES) + [a.upper() for a in _ALIASES])
    + r")(?!\w)(?P<after> (?:"
    + _NOT_NBA_AFTER
    + r")\b)?"
)
_ABBR_RE = re.compile(r"(?<![\w-])(" + _alternation(list(_ABBREVIATIONS)) + r")(?![\w-])")
_MAGIC_JOHNSON = re.compile(r"Magic Johnson|MAGIC JOHNSON")


def by_abbreviation(abbr: str) -> Team | None:
    """The team an abbreviation names, including common variants ("BRK", "PHO")."""
    key = abbr.strip().upper()
    return _BY_ABBR.get(_ABBREVIATIONS.get(key, key))


def _mostly_upper(text: str) -> bool:
    upper = sum(map(str.isupper, text))
    return upper > 12 and upper > 1.5 * sum(map(str.islower, text))


def team_spans(folded: str) -> list[tuple[int, int, str]]:
    """(start, end, abbreviation) of every team mention in already folded text."""
    spans: list[tuple[int, int, str]] = []
    blocked = [m.span() for m in _MAGIC_JOHNSON.finditer(folded)]
    for m in _NAME_RE.finditer(folded):
        name = m.group("name")
        if m.group("after") and name in _PLACE_NAMES or name.upper() in _PLACE_NAMES:
            continue
        if any(s <= m.start() < e for s, e in blocked):
            continue
        abbr = _ALIASES.get(name) or _ALIASES.get(name.title()) or _upper_alias(name)
        if abbr:
            spans.append((m.start(), m.end("name"), abbr))
    if not _mostly_upper(folded):
        taken = [(s, e) for s, e, _ in spans]
        for m in _ABBR_RE.finditer(folded):
            if not any(s <= m.start() < e for s, e in taken):
                spans.append((m.start(), m.end(), _ABBREVIATIONS[m.group(1)]))
    spans.sort()
    return spans


def _upper_alias(name: str) -> str | None:
    return _UPPER_ALIASES.get(name)


def find_teams(text: str) -> list[str]:
    """Abbreviations of the teams ``text`` names, in order of first mention."""
    return list(dict.fromkeys(abbr for _, _, abbr in team_spans(fold(text))))
