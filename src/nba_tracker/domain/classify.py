"""What kind of news an article is, and how sure it is.

Rules read words and phrases, never substrings: "ideal", "design", "movement",
"assignment" and "signal" are not transactions. Each cue has a weight; a cue in the
headline counts three times one in the summary, and a cue in a background clause
("after his buyout", "since the trade") counts little. The labelling conventions the
rules follow are written down in tests/data/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nba_tracker.domain._phrases import CueTable, Phrases
from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.teams import find_teams

__all__ = ["FORUM_FLAIR", "RuleSignals", "classify", "rule_signals"]


def _rx(pattern: str) -> Phrases:
    return Phrases(pattern, re.IGNORECASE)


# The tags a forum puts in brackets before a post's title ("[Highlight] …", "[Serious]
# …"): what kind of post it is. A bracketed name ("[Wojnarowski] …") is the source.
FORUM_FLAIR = re.compile(
    r"(?:highlights?|serious|oc|discussion|meta|question|image|video|stats?|news|rumou?rs?|"
    r"request|analysis|fluff|misc|post game thread|game thread|pre-?game thread|daily "
    r"discussion thread|breaking|original content|opinion|poll)",
    re.IGNORECASE,
)

_HEADLINE_WEIGHT = 3.0
_BACKGROUND_WEIGHT = 0.25
_THRESHOLD = 2.0

# Nouns that make "trade" a game phrase: "trade baskets", "traded 3-pointers".
_TRADE_GAME = (
    r"(?:baskets|buckets|blows|punches|shots|big shots|threes|3s|3-pointers|three-pointers|"
    r"triples|leads|jabs|barbs|words|insults|haymakers|dunks|highlights|jumpers|daggers|"
    r"runs|elbows|fouls|technicals|hugs|jerseys|places|spots|efficiency|leads|possessions|"
    r"scores|body blows|haymakers|buckets|blocks|stops|makes|misses|pleasantries|trash talk|"
    r"compliments|notes|ideas)"
)

_CUES: dict[Category, list[tuple[Phrases, float]]] = {
    Category.TRADE: [
        (_rx(r"\bsign-and-trade\b"), 4.0),
        (_rx(r"\btrad(?:e|es|ed|ing)\s+(?:\w+\s+)?" + _TRADE_GAME + r"\b"), -3.0),
        (_rx(r"\btrad(?:e|es|ed|ing)\s+(?:up|down|back|into)\b"), -3.0),
        (_rx(r"\b(?:trade|trades|traded|trading)\b"), 2.0),
        (_rx(r"\bdealt\b"), 2.0),
        (_rx(r"\bacquir(?:e|es|ed|ing)\b|\bacquisition\b"), 2.0),
        (_rx(r"\bin exchange for\b|\bswap\b|\bblockbuster\b|\bthree-team\b|\bfour-team\b"), 2.0),
        (_rx(r"\b(?:salary dump|salary-matching|trade exception|no-trade clause)\b"), 1.5),
        (_rx(r"\b(?:ship|ships|shipped|shipping|flip|flips|flipped)\b"), 1.5),
        (
            _rx(
                r"\b(?:send|sends|sending|sent|deal|deals)\s+(?-i:[A-Z][\w'.-]+(?:\s+[A-Z][\w'.-]+)*)\s+(?:back\s+)?to\b"
            ),
            1.5,
        ),
        (_rx(r"\b(?:land|lands|landed|get|gets|nab|nabs)\b[^.]{1,50}\bfrom\b"), 1.5),
        (
            _rx(
                r"\b(?:listening to offers|offers? for|on the (?:trade|trading) block|asks? out|request(?:s|ed)? a trade|wants? out)\b"
            ),
            2.0,
        ),
        (_rx(r"\b(?:moving|move)\s+(?:veterans?|(?-i:[A-Z][a-z]+))\b"), 0.75),
        (
            _rx(
                r"\btrade deadline\b|\bdeadline (?:deal|move|day|target|chatter)\b|\bahead of (?:the |February's |Thursday's )?deadline\b|\bat the deadline\b"
            ),
            1.0,
        ),
        (_rx(r"\brescind(?:s|ed)?\b"), 1.5),
        (
            _rx(
                r"\b(?:deal|package|swap) (?:that )?(?:would )?(?:to )?(?:sends?|sending|lands?|landing|land)\b"
            ),
            2.5,
        ),
    ],
    Category.SIGNING: [
        (_rx(r"\b(?:re-)?sign(?:s|ed|ing)?\b"), 2.0),
        (_rx(r"\bsign-and-trade\b"), -2.0),
        (
            _rx(
                r"\b(?:a|the|good|positive|bad|encouraging|promising|another|first|no|any|clear)\s+sign\b|\bsigns?\s+(?:of|that|off|autographs?)\b|\bsigned\s+(?:off|autographs?|jerseys?|balls?)\b|\bsigning day\b"
            ),
            -2.0,
        ),
        (_rx(r"\bagree(?:s|d)?\s+(?:to|on)\b|\bagreement\b"), 0.5),
        (
            _rx(
                r"\b(?:two-way|10-day|ten-day|exhibit 10|qualifying offer|offer sheet|rookie[- ]scale (?:deal|contract)|rookie (?:deal|contract))\b"
            ),
            2.5,
        ),
        (_rx(r"\b(?:one|two|three|four|five|multi)-year(?:,| deal| contract| \$)"), 1.0),
        (_rx(r"\b(?:minimum|vet(?:eran)? minimum|mid-level|room exception)\b"), 1.0),
        (_rx(r"\bfree agen(?:t|ts|cy)\b|\bunsigned\b|\bconvert(?:s|ed)?\b"), 1.5),
        (
            _rx(
                r"\b(?:join|joins|joining|returning to|return to|returns to|re-?joins?|inks?|inked|commit(?:s|ted)? to|bring back|reunion|re-up)\b"
            ),
            1.0,
        ),
        (_rx(r"\bcontract\b|\bdeal with\b"), 0.5),
        (_rx(r"\bnew (?:deal|contract)\b|\breach(?:es|ed)? (?:an )?agreement\b"), 1.0),
        # Insider phrasing: "X is finalizing a deal with Y" names a signing unless a
        # trade cue says otherwise.
        (
            _rx(
                r"\b(?:finaliz(?:e|es|ed|ing)|nearing|closing in on|close to|agree(?:s|d)? (?:to|on)|working on|hammering out) (?:a |an |the )?(?:\S+ )?(?:deal|contract|agreement|pact)\b(?!\s+(?:buyout|buy-out|extension))"
            ),
            1.5,
        ),
    ],
    Category.EXTENSION: [
        (_rx(r"\bextension\b|\bextensions\b"), 4.0),
        (_rx(r"\bextend(?:s|ed|ing)?\b"), 2.5),
        (_rx(r"\b(?:supermax|rookie max|renegotiat\w*)\b"), 2.5),
    ],
    Category.WAIVER: [
        (_rx(r"\bwaiv(?:e|es|ed|ing)\b"), 3.0),
        (
            _rx(
                r"\bwaiv(?:e|es|ed|ing) (?:his|her|their) (?:right|rights|no-trade)\b|\bno-trade clause\b"
            ),
            -3.0,
        ),
        (_rx(r"\boff waivers\b|\bwaiver (?:claim|wire)\b|\bclears? waivers\b"), 2.0),
        (_rx(r"\bclear(?:s|ed)? waivers\b|\bonce he clears\b"), -1.5),
        (_rx(r"\breleas(?:e|es|ed|ing)\b"), 2.0),
        (
            _rx(
                r"\breleas(?:e|es|ed|ing)\s+(?:a |an |the |its |their |his )?(?:\w+\s+)?(?:statement|report|schedule|uniforms?|video|documentary|album|song|details|list|image|images|photos?|trailer|book|memoir|edition|shoe)\b|\bpress release\b|\bteam release\b|\breleased from (?:the )?hospital\b|\brelease date\b"
            ),
            -2.5,
        ),
        (
            _rx(r"\bbuy-?outs?\b|\bbought out\b|\bbuy (?:\w+ )?out\b|\bstretch(?: provision)?\b"),
            2.5,
        ),
        (_rx(r"\bpart(?:s|ed|ing)? ways\b|\bcut(?:s)? (?:ties|loose)\b"), 1.5),
    ],
    Category.DRAFT: [
        (_rx(r"\b(?:NBA )?draft(?:s|ed|ing)?\b"), 1.0),
        (
            _rx(
                r"\bdraft\s+(?:pick|picks|rights|compensation|capital|considerations)\b|\b(?:first|second)-round\s+draft\b"
            ),
            -1.0,
        ),
        (
            _rx(
                r"\bmock draft\b|\bdraft (?:lottery|combine|prospects?|night|board|intel)\b|\bbig board\b|\blottery\b"
            ),
            2.5,
        ),
        (_rx(r"\b(?:select|selects|selected|selecting)\b"), 1.5),
        (
            _rx(
                r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th)) overall\b|\bat No\. ?\d+\b|\bNo\. ?\d+ (?:overall )?pick\b|\b\d+(?:st|nd|rd|th) pick\b|\bwith the (?:\w+ )?(?:pick|selection)\b"
            ),
            2.0,
        ),
        (
            _rx(
                r"\b(?:declares?|declared|withdraw(?:s|n)?|withdrew|enters?|entering|returns? to school|prospects?|workouts?)\b"
            ),
            1.0,
        ),
        (
            _rx(
                r"\btrad(?:e|es|ed|ing)\s+(?:up|down|back|into)\b|\bmov(?:e|es|ing)\s+(?:up |down |back )?into (?:the )?(?:(?:first|second)[- ]round|lottery)"
            ),
            2.0,
        ),
        (
            _rx(
                r"\b(?:take|takes|took|pick|picks|picked|grab|grabs|selects?|selected)\b[^.]{1,40}?\b(?:fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\d+(?:st|nd|rd|th))\b"
            ),
            1.5,
        ),
    ],
}

# Things that are news but not transactions. A headline cue here makes a weak
# transaction cue lose to Other.
_OTHER_CUES: list[tuple[Phrases, float]] = [
    (
        _rx(
            r"\b(?:tears?|tore|torn|sprains?|sprained|strains?|strained|surgery|injur(?:y|ies|ed)|fracture[ds]?|concussion|day-to-day|questionable|sidelined|out (?:for|with|indefinitely|\d)|ACL|Achilles|hamstring|thrombosis|cleared|reevaluated|re-evaluated|procedure)\b"
        ),
        2.5,
    ),
    (_rx(r"\b(?:ejected|fined|suspended|suspension|technical)\b"), 2.5),
    (
        _rx(
            r"\b(?:beat|beats|win|wins|won|rout|routs|rally|rallies|loss|defeat|defeats|eliminate|eliminates|stun|stuns|edge|edges|outlast|outlasts|sweep|sweeps|triple-double|double-double|buzzer-beater|career-high|career high|Game \d|OT|overtime|preseason|Summer League|scores|scored|drops|posts|records|highlights)\b"
        ),
        2.0,
    ),
    (
        _rx(
            r"\b(?:MVP|All-Star|All-NBA|All-Defensive|Player of the (?:Week|Month)|Rookie of the Year|Coach of the Year|Sixth Man|Defensive Player|award|finalist|named to|all-time|milestone|passes|Hall of Fame|power rankings|predictions|picks? to win)\b"
        ),
        2.0,
    ),
    (
        _rx(
            r"\b(?:hire|hires|hired|fire|fires|fired|dismiss(?:es|ed)?|steps? down|interim|retire|retires|retired|retirement)\b"
        ),
        2.5,
    ),
    (
        _rx(
            r"\b(?:sponsor|sponsorship|partnership|endorsements?|sneakers?|(?:shoe|apparel|signature shoe|brand|endorsement|sneaker|NIL|media|broadcast|podcast|book|TV) (?:deal|contract|agreement|pact)|media rights|arena|lease|uniforms?|court design|jersey patch|sale|stake|valuation|expansion|schedule|ratings|CBA|apron|luxury tax bill|reform|Board of Governors|union|protocols?)\b"
        ),
        4.0,
    ),
    (_rx(r"\b(?:assign(?:s|ed)?|recall(?:s|ed)?)\b"), 2.0),
]

# A role word next to a transaction verb makes it a coach's or executive's move.
_ROLE_NEAR = re.compile(
    r"\b(?:coach|coaches|head coach|assistant|GM|general manager|president|executive|owner)\b",
    re.IGNORECASE,
)
_BACKGROUND = re.compile(
    r"\b(?:after|following|since|before|day of|amid|despite|fallout)\b(?:\s+(?:the|his|her|their|a|an|being|getting|last|\w+'s|[A-Z]\w+))*\s*$",
    re.IGNORECASE,
)
# Quoted speech in a headline is someone talking, not a transaction.
_QUOTED = re.compile(r":\s*[\"“'‘].*$|[\"“][^\"”]{3,}[\"”]|(?<!\w)['‘][^'’]{6,}['’](?!\w)")

_OFFICIAL = [
    _rx(r"\bofficially\b|\bmade it official\b|\bis (?:now )?official\b|\bare official\b"),
    _rx(
        r"\b(?:team|club|franchise|league|\w+) (?:has |have )?announced\b|\bannounced (?:that )?(?:they|it|the)\b|\bannounced\b"
    ),
    _rx(
        r"\bthe (?:team|club|Nuggets|\w+s) (?:said|says|confirmed)\b|\bper (?:the )?team\b|\b(?:team|club)'s transactions?\b|\btransaction log\b|\bvia (?:Twitter|X)\b"
    ),
    _rx(
        r"\b(?:has|have) (?:officially )?(?:signed|re-signed|acquired|waived|released|claimed|traded|completed|converted|exercised|extended|selected|drafted|rescinded)\b"
    ),
    _rx(r"\bcomplet(?:e|es|ed)\b"),
]
_EXPLICIT_ANNOUNCEMENT = re.compile(r"offici|announc|confirm|transaction", re.IGNORECASE)
_NOT_YET_OFFICIAL = _rx(
    r"\b(?:once|until|when|before) (?:it|the (?:deal|trade|signing)|he|they) (?:is|are|becomes?|can be|clears?)\b|\bcan(?:not|'t) (?:become|be made) official\b|\bbecome official\b|\bwill announce\b|\bnot (?:yet )?official\b"
)
# Agreement language: the insider says it is done or about to be.
_AGREED = _rx(
    r"\bagree(?:s|d)?\b|\bagreement\b|\bfinaliz(?:e|es|ing)\b|\bfinalized\b|\bnearing\b|\bclosing in on\b|\bclose to (?:a |an )?(?:deal|agreement|trade)\b|"
    r"\b(?:is|are) (?:trading|sending|acquiring|signing|re-signing|waiving|releasing|moving|returning|bringing)\b|(?<!to )(?<!of )(?<!about )(?<!on )\btrading\b(?!\s+(?:block|deadline|market))|"
    r"\b(?:to|will) (?:sign|re-sign|waive|release|join|acquire|trade|send|return)\b|\bset to\b|\bplans? to (?:sign|waive|release|trade|re-sign)\b|\bintends? to\b|"
    r"\bheaded (?:back )?to\b|\bheads to\b|\breturning to\b|\bdeal (?:is )?done\b|\bin place\b|\bpending (?:a )?physical\b|\bonce he clears\b"
)
# "expected to sign", "unlikely to re-sign": the modal makes it a rumor, not a report.
_MODAL_BEFORE = re.compile(
    r"\b(?:expected|unlikely|likely|hopes?|hoping|wants?|wanting|looking|trying|able|eligible|open|poised|could|would|might|may|not|considering|weighing|exploring)\s+(?:to\s+)?$",
    re.IGNORECASE,
)
_ATTRIBUTION = _rx(
    r"\bsources?\b|\bper (?:a )?reports?\b|\breportedly\b|\breports?:|^report\b|\baccording to\b|\b(?:told|tells) (?:ESPN|The Athletic|Yahoo|(?-i:[A-Z]\w+))\b|\bper (?:ESPN|The Athletic|Yahoo|SNY|HoopsHype|Shams|Woj|Charania|Stein|Haynes|Fischer|Scotto|Windhorst|Amick|Slater|Siegel|his agent|agent)\b|\bhis agent\b|^\[(?!"
    + FORUM_FLAIR.pattern
    + r"\])(?-i:[A-Z])[\w .'-]+\]"
)
_RUMOR = _rx(
    r"\binterest(?:ed)?\b|\btalks?\b|\bdiscuss(?:ed|es|ing|ions?)?\b|\bconversations?\b|\bexplor(?:e|es|ed|ing)\b|\bcould\b|\bmight\b|\bmay\b|\bwould\b|\bshould\b|"
    r"\bexpected to\b|\bexpect\b|\bmonitor(?:s|ed|ing)?\b|\beye(?:s|ing|ed)?\b|\btarget(?:s|ing|ed)?\b|\bpursu(?:e|es|ed|ing|it)\b|\bconsider(?:s|ed|ing)?\b|\bweigh(?:s|ing|ed)?\b|"
    r"\bopen to\b|\blinked\b|\brumou?rs?\b|\brumblings\b|\bpotential\b|\bpossible\b|\bcandidates?\b|\blikely\b|\bunlikely\b|\bhopes? to\b|\bwants? to\b|\binquir(?:e|es|ed|ies|y)\b|"
    r"\bcalled about\b|\bcalls on\b|\btaken calls\b|\bkick(?:ed|ing)? the tires\b|\bshopping\b|\bavailable\b|\blistening\b|\bgaug(?:e|es|ed|ing)\b|\bdraw(?:s|ing)? interest\b|"
    r"\btrade (?:market|chip|candidate|target|talk|buzz|idea|proposal|scenarios?)\b|\bideal\b|\bdream\b|\bproposals?\b|\bmock\b|\bprojections?\b|\bprojected\b|\bbuzz\b|\bsuitors?\b|"
    r"\bkept (?:an eye|tabs)\b|\bkeep(?:s|ing)? (?:an eye|tabs)\b|\bno plans\b|\bwon't\b|\bnot (?:shopping|trading|interested)\b|\beligible\b|\bdeclines?\b|(?<!qualifying )\boffer\b(?! sheet)|"
    r"\b(?:turn(?:s|ed)? down|reject(?:s|ed)?|rebuff(?:s|ed)?)\b|\bbig board\b|\bworkouts?\b|\bintel\b|\bplausible\b|\bmull(?:s|ing)?\b|\bconsidered\b|"
    r"\bdebat(?:e|es|ed|ing)\b|\buncertain\b|\bmake a (?:run|push|play) (?:at|for)\b|\bfit\b|\bwhat if\b"
)
# Interest in a named player without the word "trade": a trade rumor, unless the
# text speaks of free agency, in which case it is a signing rumor.
_INTEREST = _rx(
    r"\binterest(?:ed)?\b|\bmonitor(?:s|ed|ing)?\b|\beye(?:s|ing|ed)?\b|\btarget(?:s|ing|ed)?\b|\binquir(?:e|es|ed|ies|y)\b|\bcalled about\b|\btaken calls\b|"
    r"\bcalls on\b|\bshopping\b|\bdiscuss(?:ed|es|ing)\b|\btalks\b|\bpursu(?:e|es|ed|ing|it)\b|\bmake a (?:run|push|play) (?:at|for)\b|\bkick(?:ed|ing)? the tires\b|\bsuitors?\b|\bfit for\b"
)


def _strip_quotes(title: str) -> str:
    return _QUOTED.sub(" ", title)


def _in_background(text: str, start: int) -> bool:
    return _BACKGROUND.search(text, max(0, start - 45), start) is not None


def _first(pattern: Phrases | re.Pattern[str], text: str, modal: bool = False) -> str:
    """The first match of ``pattern`` outside a background clause (and, with ``modal``,
    not right after a modal such as "expected to"), or ""."""
    for m in pattern.finditer(text):
        if _in_background(text, m.start()):
            continue
        if modal and _MODAL_BEFORE.search(text, max(0, m.start() - 25), m.start()):
            continue
        return m.group(0)
    return ""


def _foreground(pattern: Phrases, text: str, modal: bool = False) -> bool:
    return bool(_first(pattern, text, modal))


_OTHER = "other"
_TABLE = CueTable(
    [(str(c), p.pattern, w) for c, cues in _CUES.items() for p, w in cues]
    + [(_OTHER, p.pattern, w) for p, w in _OTHER_CUES]
)


def _scored(text: str, weight: float) -> tuple[dict[str, float], dict[str, tuple[float, str]]]:
    """Weighted cue score per category (and "other") of one text, and the strongest
    positive cue phrase of each with its weight (the evidence)."""
    scores: dict[str, float] = {}
    strongest: dict[str, tuple[float, str]] = {}
    for key, w, m in _TABLE.matches(text):
        factor = weight
        if w > 0 and key != _OTHER:
            if _in_background(text, m.start()):
                factor *= _BACKGROUND_WEIGHT
            if _ROLE_NEAR.search(text, max(0, m.start() - 45), min(len(text), m.end() + 20)):
                factor = 0.0
        elif w > 0 and _in_background(text, m.start()):
            factor *= _BACKGROUND_WEIGHT
        scores[key] = scores.get(key, 0.0) + w * factor
        if w > 0 and (key not in strongest or w * weight > strongest[key][0]):
            strongest[key] = (w * weight, m.group(0))
    return scores, strongest


def _decide_category(
    headline: str, in_headline: dict[str, float], in_summary: dict[str, float]
) -> Category:
    scores = {c: in_headline.get(str(c), 0.0) + in_summary.get(str(c), 0.0) for c in _CUES}
    best = max(scores, key=lambda c: scores[c])
    if scores[best] < _THRESHOLD:
        if not _foreground(_INTEREST, headline) or _ROLE_NEAR.search(headline):
            return Category.OTHER
        free_agency = scores[Category.SIGNING] > 0 or scores[Category.WAIVER] > 0
        best = Category.SIGNING if free_agency else Category.TRADE
        scores[best] = _THRESHOLD * _HEADLINE_WEIGHT
    other_headline = in_headline.get(_OTHER, 0.0) / _HEADLINE_WEIGHT
    headline_best = max(in_headline.get(str(best), 0.0), scores[best] / 2)
    if other_headline > 0 and headline_best < other_headline * _HEADLINE_WEIGHT:
        return Category.OTHER
    return best


@dataclass(slots=True)
class RuleSignals:
    """What the hand-written rules see in one article: their own verdicts, the cue scores
    behind them, and the phrase that decided each (the evidence shown to readers). The
    learned model reads these as features beside the words."""

    category: Category
    status: Status
    status_reason: str
    scores: dict[str, float] = field(default_factory=dict)
    headline_scores: dict[str, float] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)
    category_evidence: dict[str, str] = field(default_factory=dict)
    status_evidence: dict[str, str] = field(default_factory=dict)


_BRACKET_SOURCE = re.compile(r"^\s*\[([^\]]{2,40})\]")


def _team_account(title: str) -> str:
    """ "[Lakers]" opening a forum post names its source: the team's own account, whose
    posts are the team's announcements. Returns that bracket, or ""."""
    m = _BRACKET_SOURCE.match(title)
    if m is None or len(m.group(1).split()) > 3 or not find_teams(m.group(1)):
        return ""
    return m.group(0).strip()


def _status_with_reason(
    title: str, summary: str
) -> tuple[Status, str, dict[str, bool], dict[str, str]]:
    headline = _strip_quotes(title)
    text = f"{headline}. {summary}"
    evidence: dict[str, str] = {}
    team_account = _team_account(title)
    # The longest announcement phrase is the most telling evidence ("have officially
    # acquired" over "officially").
    official_hit = max(
        (m.group(0) for p in _OFFICIAL for m in [p.search(text)] if m), key=len, default=""
    )
    not_yet = _NOT_YET_OFFICIAL.search(text)
    headline_rumor_phrase = "?" if "?" in headline else _first(_RUMOR, headline)
    headline_agreed_phrase = _first(_AGREED, headline, modal=True)
    summary_agreed_phrase = _first(_AGREED, summary, modal=True)
    summary_rumor_phrase = _first(_RUMOR, summary)
    attribution = _ATTRIBUTION.search(text)
    flags = {
        "official_cue": bool(official_hit),
        "not_yet_official": bool(not_yet),
        "headline_rumor": bool(headline_rumor_phrase),
        "headline_agreed": bool(headline_agreed_phrase),
        "summary_agreed": bool(summary_agreed_phrase),
        "summary_rumor": bool(summary_rumor_phrase),
        "attribution": bool(attribution),
        "quoted_headline": headline != title,
    }
    if official_hit:
        evidence["official"] = official_hit
    if headline_rumor_phrase or summary_rumor_phrase:
        evidence["rumor"] = headline_rumor_phrase or summary_rumor_phrase
    if headline_agreed_phrase or summary_agreed_phrase or attribution:
        evidence["reported"] = (
            headline_agreed_phrase
            or summary_agreed_phrase
            or (attribution.group(0) if attribution else "")
        )
    announced = bool(official_hit) and not not_yet
    if team_account and not not_yet and not headline_rumor_phrase:
        evidence["official"] = f"{team_account}: the team's own account"
        return Status.OFFICIAL, "announced", flags, evidence
    if announced and not headline_agreed_phrase and not headline_rumor_phrase:
        # "officially", "announced", "confirmed": the words of an announcement. "Has
        # signed", "completed", "via Twitter" state a done move, which outlets also do.
        explicit = _EXPLICIT_ANNOUNCEMENT.search(official_hit) is not None
        return Status.OFFICIAL, "announced" if explicit else "stated_act", flags, evidence
    if headline_rumor_phrase and not headline_agreed_phrase:
        return Status.RUMOR, "headline_rumor", flags, evidence
    if headline_agreed_phrase or summary_agreed_phrase:
        return Status.REPORTED, "agreed", flags, evidence
    if summary_rumor_phrase:
        return Status.RUMOR, "summary_rumor", flags, evidence
    if attribution:
        return Status.REPORTED, "attributed", flags, evidence
    # A completed act stated with no source: headline style of a team's own release.
    return Status.OFFICIAL, "unsourced_act", flags, evidence


def rule_signals(title: str, summary: str) -> RuleSignals:
    """Everything the rules conclude about one article, with their evidence."""
    headline = _strip_quotes(title)
    in_headline, head_strongest = _scored(headline, _HEADLINE_WEIGHT)
    in_summary, summary_strongest = _scored(summary, 1.0)
    category = _decide_category(headline, in_headline, in_summary)
    status, reason, flags, status_evidence = _status_with_reason(title, summary)
    scores = {
        key: in_headline.get(key, 0.0) + in_summary.get(key, 0.0)
        for key in (*(str(c) for c in _CUES), _OTHER)
    }
    flags["role_near"] = _ROLE_NEAR.search(headline) is not None
    flags["interest"] = _foreground(_INTEREST, headline)
    strongest = dict(summary_strongest)
    for key, hit in head_strongest.items():
        if key not in strongest or hit[0] >= strongest[key][0]:
            strongest[key] = hit
    return RuleSignals(
        category=category,
        status=status,
        status_reason=reason,
        scores=scores,
        headline_scores=in_headline,
        flags=flags,
        category_evidence={key: phrase for key, (_, phrase) in strongest.items()},
        status_evidence=status_evidence,
    )


def classify(title: str, summary: str) -> tuple[Category, Status | None]:
    """The rules' own category and, for transactions, status (no model)."""
    signals = rule_signals(title, summary)
    if signals.category is Category.OTHER:
        return signals.category, None
    return signals.category, signals.status
