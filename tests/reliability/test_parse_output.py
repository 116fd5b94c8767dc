"""``nba-tracker parse`` on a hostile feed served over HTTP: what it prints to a
terminal carries no escape sequence, no markup of the table library, no NUL."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.support.feed_server import FeedServer

HOSTILE = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
    b"<title>\x1b]0;owned\x07Feed</title>"
    b"<item><title>Lakers sign \x1b[2J\x1b[31mguard\x1b[0m [bold]Max[/bold] \xe2\x80\xaeevil"
    b"</title><link>https://e.example/1</link><description>\x1b[1Ahidden</description></item>"
    b"</channel></rss>"
)


def test_parse_prints_plain_text(feed_server: FeedServer) -> None:
    url = feed_server.add("/hostile.xml", HOSTILE)
    env = {**os.environ, "COLUMNS": "200", "NBA_TRACKER_FETCH_ALLOW_PRIVATE": "true"}
    outputs = {}
    for mode in ((), ("--json",)):
        result = subprocess.run(
            [sys.executable, "-m", "nba_tracker.cli", "parse", url, *mode],
            env=env,
            capture_output=True,
            timeout=120,
            check=True,
        )
        outputs[mode] = result.stdout
        for stream in (result.stdout, result.stderr):
            assert b"\x1b" not in stream and b"\x07" not in stream and b"\x00" not in stream
            assert "\u202e".encode() not in stream
    table = outputs[()].decode()
    assert "[bold]Max[/bold]" in table  # shown as written, not taken as markup
    [row] = [json.loads(line) for line in outputs[("--json",)].splitlines()]
    assert row["title"] == "Lakers sign [2J[31mguard[0m [bold]Max[/bold] evil"
    assert row["summary"] == "[1Ahidden"
