"""The feeds the tracker reads: built-in defaults, overridable by a TOML file.

```toml
[[feeds]]
name = "ESPN NBA"
url = "https://www.espn.com/espn/rss/nba/news"
enabled = false          # keep the default list but switch this one off

[[feeds]]
name = "My local file"
url = "/srv/feeds/team.xml"   # a path or file:// URL works offline

[[feeds]]
name = "Intranet wire"
url = "http://10.0.3.7/wire.xml"
private = true           # only feeds marked so may be on loopback/private addresses
```
A file that sets ``replace_defaults = true`` at the top replaces the list instead of
amending it.

Sources are of two kinds: RSS/Atom feeds (``kind = "rss"``, the default) and the league's
transaction log (``kind = "league_log"``), read by ``ingest.league_log``:

```toml
[[feeds]]
name = "NBA league log"
url = "/srv/mirror/NBA_Player_Movement.json"   # a mirror instead of stats.nba.com
kind = "league_log"
```
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlparse

from nba_tracker.errors import ConfigurationError, FeedError, FeedTooLarge


class SourceKind(StrEnum):
    RSS = "rss"
    LEAGUE_LOG = "league_log"


@dataclass(frozen=True)
class FeedSpec:
    name: str
    url: str
    enabled: bool = True
    # The feed lives on a loopback or private address on purpose (``private = true`` in
    # the feeds file); every other feed is fetched from public addresses only.
    allow_private: bool = False
    kind: SourceKind = SourceKind.RSS

    @property
    def is_local(self) -> bool:
        return is_local_location(self.url)


DEFAULT_FEEDS: tuple[FeedSpec, ...] = (
    FeedSpec("ESPN NBA", "https://www.espn.com/espn/rss/nba/news"),
    FeedSpec("RealGM Wiretap", "https://basketball.realgm.com/rss/wiretap/0/0.xml"),
    FeedSpec("Hoops Rumors", "https://www.hoopsrumors.com/feed"),
    FeedSpec("HoopsHype Rumors", "https://hoopshype.com/rumors/feed/"),
    FeedSpec("CBS Sports NBA", "https://www.cbssports.com/rss/headlines/nba/"),
    FeedSpec("Yahoo Sports NBA", "https://sports.yahoo.com/nba/rss/"),
    FeedSpec("SB Nation NBA", "https://www.sbnation.com/rss/nba/index.xml"),
    FeedSpec("The Ringer NBA", "https://www.theringer.com/rss/nba/index.xml"),
    FeedSpec("Reddit r/nba", "https://www.reddit.com/r/nba/.rss"),
    FeedSpec(
        "Google News NBA transactions",
        "https://news.google.com/rss/search?q=NBA+(trade+OR+signs+OR+waived+OR+extension)"
        "&hl=en-US&gl=US&ceid=US:en",
    ),
)


# The league's own record of every completed transaction (nba_api's ids).
LEAGUE_LOG = FeedSpec(
    "NBA league log",
    "https://stats.nba.com/js/data/playermovement/NBA_Player_Movement.json",
    kind=SourceKind.LEAGUE_LOG,
)
DEFAULT_SOURCES: tuple[FeedSpec, ...] = (*DEFAULT_FEEDS, LEAGUE_LOG)


def is_local_location(location: str) -> bool:
    scheme = urlparse(location).scheme.lower()
    return scheme in {"", "file"} or (len(scheme) == 1 and location[1:3] in {":\\", ":/"})


def read_local_feed(spec: FeedSpec, max_bytes: int) -> bytes:
    """The bytes of a feed that is a file on this machine, refused over ``max_bytes``.

    Here rather than in ``fetch``: ``nba-tracker parse FILE`` reads a file without
    importing the HTTP stack. Raises :class:`FeedError` with a short public reason.
    """
    path = Path(spec.url.removeprefix("file://"))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FeedTooLarge(f"too large: over the {max_bytes:,}-byte cap")
        return path.read_bytes()
    except OSError as exc:
        # The path is the operator's own configuration; the public error does not repeat it.
        raise FeedError(f"cannot read file: {exc.strerror or type(exc).__name__}") from None


def spec_for_location(location: str) -> FeedSpec:
    """A feed given on the command line: its name is the file name or host + path."""
    if is_local_location(location):
        return FeedSpec(Path(location.removeprefix("file://")).name or location, location)
    parsed = urlparse(location)
    return FeedSpec(f"{parsed.netloc}{parsed.path}".rstrip("/")[:100], location)


def load_feeds(path: Path | None = None, kind: SourceKind = SourceKind.RSS) -> list[FeedSpec]:
    """The default sources of ``kind``, amended (or replaced) by the TOML file at ``path``."""
    return [f for f in _load_sources(path) if f.kind is kind]


def _load_sources(path: Path | None) -> list[FeedSpec]:
    feeds = {f.name: f for f in DEFAULT_SOURCES}
    if path is None:
        return list(feeds.values())
    import tomllib  # only a feeds file needs it, not `parse` or the defaults

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read feeds file {path}: {exc}") from exc
    if data.get("replace_defaults"):
        feeds = {}
    entries = data.get("feeds", [])
    if not isinstance(entries, list):
        raise ConfigurationError(f"{path}: 'feeds' must be an array of tables ([[feeds]])")
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ConfigurationError(f"{path}: feed #{index} needs a name")
        name = entry["name"].strip()
        enabled = entry.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigurationError(f"{path}: feed {name!r}: enabled must be true or false")
        url = entry.get("url")
        if url is None and name in feeds:
            feeds[name] = replace(feeds[name], enabled=enabled)
            continue
        if not isinstance(url, str) or not url.strip():
            raise ConfigurationError(f"{path}: feed {name!r} needs a url")
        scheme = urlparse(url).scheme.lower()
        if not is_local_location(url) and scheme not in {"http", "https"}:
            raise ConfigurationError(f"{path}: feed {name!r}: only http(s) URLs and files are read")
        private = entry.get("private", False)
        if not isinstance(private, bool):
            raise ConfigurationError(f"{path}: feed {name!r}: private must be true or false")
        try:
            kind = SourceKind(entry.get("kind", SourceKind.RSS))
        except ValueError:
            raise ConfigurationError(
                f"{path}: feed {name!r}: kind must be one of {', '.join(SourceKind)}"
            ) from None
        feeds[name] = FeedSpec(name, url.strip(), enabled, allow_private=private, kind=kind)
    return list(feeds.values())
