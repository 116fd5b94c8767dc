"""The 30 teams and every way outlets and fans name them.

"Los Angeles" / "LA" / "L.A." alone never resolves: two teams share it, and a guess
would attach articles to the wrong team. Cities with one team resolve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nba_tracker.domain._fold import fold

__all__ = ["ALL_TEAMS", "UNKNOWN_COLOR", "Team", "by_abbreviation", "find_teams", "team_spans"]

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


# nba_api's 30 teams (its ids and names) with their primary colours, the page's
# abbreviation badges; written out so matching starts without loading nba_api's bundled
# tables (a test compares them with nba_api). Sorted by abbreviation.
ALL_TEAMS: tuple[Team, ...] = (
    Team("ATL", "Atlanta Hawks", "Atlanta", "Hawks", 1610612737, "#C8102E"),
    Team("BKN", "Brooklyn Nets", "Brooklyn", "Nets", 1610612751, "#000000"),
    Team("BOS", "Boston Celtics", "Boston", "Celtics", 1610612738, "#007A33"),
    Team("CHA", "Charlotte Hornets", "Charlotte", "Hornets", 1610612766, "#1D1160"),
    Team("CHI", "Chicago Bulls", "Chicago", "Bulls", 1610612741, "#CE1141"),
    Team("CLE", "Cleveland Cavaliers", "Cleveland", "Cavaliers", 1610612739, "#860038"),
    Team("DAL", "Dallas Mavericks", "Dallas", "Mavericks", 1610612742, "#00538C"),
    Team("DEN", "Denver Nuggets", "Denver", "Nuggets", 1610612743, "#0E2240"),
    Team("DET", "Detroit Pistons", "Detroit", "Pistons", 1610612765, "#C8102E"),
    Team("GSW", "Golden State Warriors", "San Francisco", "Warriors", 1610612744, "#1D428A"),
    Team("HOU", "Houston Rockets", "Houston", "Rockets", 1610612745, "#CE1141"),
    Team("IND", "Indiana Pacers", "Indiana", "Pacers", 1610612754, "#002D62"),
    Team("LAC", "Los Angeles Clippers", "Los Angeles", "Clippers", 1610612746, "#C8102E"),
    Team("LAL", "Los Angeles Lakers", "Los Angeles", "Lakers", 1610612747, "#552583"),
    Team("MEM", "Memphis Grizzlies", "Memphis", "Grizzlies", 1610612763, "#5D76A9"),
    Team("MIA", "Miami Heat", "Miami", "Heat", 1610612748, "#98002E"),
    Team("MIL", "Milwaukee Bucks", "Milwaukee", "Bucks", 1610612749, "#00471B"),
    Team("MIN", "Minnesota Timberwolves", "Minnesota", "Timberwolves", 1610612750, "#0C2340"),
    Team("NOP", "New Orleans Pelicans", "New Orleans", "Pelicans", 1610612740, "#0C2340"),
    Team("NYK", "New York Knicks", "New York", "Knicks", 1610612752, "#006BB6"),
    Team("OKC", "Oklahoma City Thunder", "Oklahoma City", "Thunder", 1610612760, "#007AC1"),
    Team("ORL", "Orlando Magic", "Orlando", "Magic", 1610612753, "#0077C0"),
    Team("PHI", "Philadelphia 76ers", "Philadelphia", "76ers", 1610612755, "#006BB6"),
    Team("PHX", "Phoenix Suns", "Phoenix", "Suns", 1610612756, "#1D1160"),
    Team("POR", "Portland Trail Blazers", "Portland", "Trail Blazers", 1610612757, "#E03A3E"),
    Team("SAC", "Sacramento Kings", "Sacramento", "Kings", 1610612758, "#5A2D81"),
    Team("SAS", "San Antonio Spurs", "San Antonio", "Spurs", 1610612759, "#000000"),
    Team("TOR", "Toronto Raptors", "Toronto", "Raptors", 1610612761, "#CE1141"),
    Team("UTA", "Utah Jazz", "Utah", "Jazz", 1610612762, "#002B5C"),
    Team("WAS", "Washington Wizards", "Washington", "Wizards", 1610612764, "#002B5C"),
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
