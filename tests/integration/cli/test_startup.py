"""The CLI starts without the packages only some commands need."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.feeds import realistic_items, rss

HEAVY = ("boto3", "botocore", "sqlalchemy", "nba_tracker.ops", "nba_tracker.api", "strawberry")

PROBE = """
import json, sys
prefixes = tuple(json.loads(sys.argv[2]))
sys.argv = ["nba-tracker", *json.loads(sys.argv[1])]
from nba_tracker.cli import main
try:
    main()
except SystemExit:
    pass
heavy = sorted({m.split(".")[0] if not m.startswith("nba_tracker") else ".".join(m.split(".")[:2])
                for m in sys.modules if m.startswith(prefixes)})
print("\\nIMPORTED=" + json.dumps(heavy))
"""


def _imported(*args: str, watched: tuple[str, ...] = HEAVY) -> tuple[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args)), json.dumps(watched)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    out, _, tail = done.stdout.rpartition("\nIMPORTED=")
    return out, json.loads(tail)


def test_help_lists_every_command_without_importing_them() -> None:
    out, heavy = _imported("--help")
    for name in ("scrape", "parse", "serve", "db", "ops", "alerts", "league-log", "stats"):
        assert f" {name} " in out, name
    assert heavy == []


def test_parse_a_file_imports_no_database_aws_or_api(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(rss(realistic_items(3, "x")))
    out, heavy = _imported("parse", str(path), "--json")
    assert out.count('"title"') == 3
    assert heavy == []


def test_parse_a_file_reads_it_without_the_http_stack_or_nba_api(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(rss(realistic_items(3, "x")))
    watched = ("httpx", "httpcore", "anyio", "nba_api", "structlog")
    out, imported = _imported("parse", str(path), "--json", watched=watched)
    assert out.count('"title"') == 3
    assert imported == []


def test_a_lazy_group_still_runs_when_invoked() -> None:
    out, heavy = _imported("ops", "--help")
    assert "operations guide" in out
    assert "nba_tracker.ops" in heavy
