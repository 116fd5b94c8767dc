"""Feeds written the way real outlets publish them, for tests and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Item:
    title: str
    link: str
    description: str = ""
    published: datetime | None = None
    guid: str | None = None


def rss(items: list[Item], title: str = "NBA News", encoding: str = "utf-8") -> bytes:
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>',
        f"<title>{escape(title)}</title><link>https://example.com/</link>",
        "<description>Latest NBA news</description>",
    ]
    for it in items:
        parts.append("<item>")
        parts.append(f"<title><![CDATA[ {it.title} ]]></title>")
        parts.append(f"<link>{escape(it.link)}</link>")
        if it.guid:
            parts.append(f'<guid isPermaLink="false">{escape(it.guid)}</guid>')
        if it.published:
            parts.append(f"<pubDate>{format_datetime(it.published)}</pubDate>")
        if it.description:
            parts.append(f"<description><![CDATA[{it.description}]]></description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode(encoding, errors="xmlcharrefreplace")


def atom(items: list[Item], title: str = "NBA Atom") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title><id>urn:example:feed</id>",
        f"<updated>{datetime.now(UTC).isoformat()}</updated>",
    ]
    for it in items:
        parts.append("<entry>")
        parts.append(f"<title>{escape(it.title)}</title>")
        parts.append(f'<link rel="alternate" href="{escape(it.link)}"/>')
        parts.append(f"<id>{escape(it.guid or it.link)}</id>")
        if it.published:
            parts.append(f"<updated>{it.published.isoformat()}</updated>")
        parts.append(f'<summary type="html">{escape(it.description)}</summary>')
        parts.append("</entry>")
    parts.append("</feed>")
    return "\n".join(parts).encode("utf-8")


_TEAMS = [
    ("Los Angeles Lakers", "Lakers"),
    ("Boston Celtics", "Celtics"),
    ("Golden State Warriors", "Warriors"),
    ("Memphis Grizzlies", "Grizzlies"),
    ("Toronto Raptors", "Raptors"),
    ("Dallas Mavericks", "Mavericks"),
    ("Miami Heat", "Heat"),
    ("New York Knicks", "Knicks"),
    ("Denver Nuggets", "Nuggets"),
    ("Phoenix Suns", "Suns"),
    ("Chicago Bulls", "Bulls"),
    ("Milwaukee Bucks", "Bucks"),
]
_PLAYERS = [
    "LeBron James",
    "Jayson Tatum",
    "Stephen Curry",
    "Ja Morant",
    "Scottie Barnes",
    "Kyrie Irving",
    "Jimmy Butler",
    "Jalen Brunson",
    "Nikola Jokic",
    "Devin Booker",
    "Zach LaVine",
    "Damian Lillard",
]
_TEMPLATES = [
    ("The {team} have signed {player} to a two-way contract.", "Signing"),
    ("{player} agrees to three-year extension with {nick}, sources say", "Extension"),
    ("{nick} waive {player}", "Waiver"),
    ("{team} trade {player} to the {team2} for two second-round picks", "Trade"),
    ("{nick} exploring trade options for {player}, per report", "Trade"),
    ("{player} scores 35 as {nick} beat {nick2}", "Other"),
]


def realistic_items(count: int, prefix: str, start: datetime | None = None) -> list[Item]:
    """``count`` distinct items across teams, players and transaction kinds."""
    base = start or datetime(2026, 11, 20, 12, tzinfo=UTC)
    out = []
    for i in range(count):
        team, nick = _TEAMS[i % len(_TEAMS)]
        team2, nick2 = _TEAMS[(i + 5) % len(_TEAMS)]
        player = _PLAYERS[(i * 7) % len(_PLAYERS)]
        template, _ = _TEMPLATES[i % len(_TEMPLATES)]
        title = template.format(team=team, nick=nick, team2=team2, nick2=nick2, player=player)
        out.append(
            Item(
                title=f"{title} ({prefix} #{i})",
                link=f"https://news.example.com/{prefix}/story-{i}?utm_source=rss",
                description=f"<p>{title} More details from <b>{prefix}</b>.</p>",
                published=base - timedelta(minutes=7 * i),
                guid=f"{prefix}-{i}",
            )
        )
    return out
