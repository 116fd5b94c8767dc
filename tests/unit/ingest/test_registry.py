from __future__ import annotations

from pathlib import Path

import pytest

from nba_tracker.errors import ConfigurationError
from nba_tracker.ingest.registry import (
    DEFAULT_FEEDS,
    load_feeds,
    spec_for_location,
)


def test_defaults_cover_the_major_outlets() -> None:
    names = " ".join(f.name for f in DEFAULT_FEEDS)
    assert len(DEFAULT_FEEDS) >= 8
    for outlet in ("ESPN", "RealGM", "Hoops Rumors", "CBS", "Yahoo", "Reddit", "Google News"):
        assert outlet in names
    assert all(f.url.startswith("https://") for f in DEFAULT_FEEDS)


def test_file_disables_a_default_and_adds_a_local_feed(tmp_path: Path) -> None:
    cfg = tmp_path / "feeds.toml"
    cfg.write_text(
        '[[feeds]]\nname = "ESPN NBA"\nenabled = false\n\n'
        '[[feeds]]\nname = "Local"\nurl = "/srv/feed.xml"\n'
    )
    feeds = {f.name: f for f in load_feeds(cfg)}
    assert feeds["ESPN NBA"].enabled is False
    assert feeds["Local"].is_local


def test_replace_defaults(tmp_path: Path) -> None:
    cfg = tmp_path / "feeds.toml"
    cfg.write_text(
        'replace_defaults = true\n[[feeds]]\nname = "Only"\nurl = "https://x.example/rss"\n'
    )
    assert [f.name for f in load_feeds(cfg)] == ["Only"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[feeds]]\nurl = 'https://x'\n", "needs a name"),
        ("[[feeds]]\nname = 'X'\n", "needs a url"),
        ("[[feeds]]\nname = 'X'\nurl = 'ftp://x/feed'\n", "only http"),
        ("[[feeds]]\nname = 'X'\nurl = 'https://x'\nenabled = 'no'\n", "true or false"),
        ("this is = = not toml", "cannot read"),
    ],
)
def test_bad_feed_files_are_explained(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "feeds.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigurationError, match=message):
        load_feeds(cfg)


def test_command_line_locations_get_readable_names() -> None:
    assert spec_for_location("/tmp/espn.xml").name == "espn.xml"
    assert spec_for_location("https://www.espn.com/espn/rss/nba/news").name == (
        "www.espn.com/espn/rss/nba/news"
    )


def test_the_league_log_is_a_source_of_its_own_kind(tmp_path: Path) -> None:
    from nba_tracker.ingest.registry import LEAGUE_LOG, SourceKind

    # The RSS collection never sees the log; the log reader sees only it.
    assert LEAGUE_LOG not in load_feeds()
    assert load_feeds(kind=SourceKind.LEAGUE_LOG) == [LEAGUE_LOG]
    cfg = tmp_path / "feeds.toml"
    cfg.write_text(
        '[[feeds]]\nname = "NBA league log"\nurl = "/srv/mirror/log.json"\nkind = "league_log"\n'
        '[[feeds]]\nname = "Backup log"\nurl = "https://mirror.example/log.json"\n'
        'kind = "league_log"\nenabled = false\n'
    )
    logs = {f.name: f for f in load_feeds(cfg, kind=SourceKind.LEAGUE_LOG)}
    assert logs["NBA league log"].url == "/srv/mirror/log.json"
    assert logs["Backup log"].enabled is False
    assert not {"NBA league log", "Backup log"} & {f.name for f in load_feeds(cfg)}


def test_an_unknown_source_kind_is_refused(tmp_path: Path) -> None:
    cfg = tmp_path / "feeds.toml"
    cfg.write_text('[[feeds]]\nname = "X"\nurl = "https://x.example/x"\nkind = "podcast"\n')
    with pytest.raises(ConfigurationError, match="kind must be one of rss, league_log"):
        load_feeds(cfg)
