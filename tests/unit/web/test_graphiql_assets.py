"""GraphiQL's vendored files are the ones scripts/vendor-graphiql.sh pinned, with their
licences, and the page loads nothing but them."""

from __future__ import annotations

import hashlib
import re

from nba_tracker.api.graphql.ide import CSP, PAGE
from nba_tracker.web import STATIC

ASSETS = STATIC / "graphiql"


def test_files_match_their_recorded_sums_and_carry_licences() -> None:
    sums = dict(
        reversed(line.split("  ", 1))  # type: ignore[arg-type]
        for line in (ASSETS / "SHA256SUMS").read_text().splitlines()
    )
    assert set(sums) == {
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
    }
    for name, digest in sums.items():
        assert hashlib.sha256((ASSETS / name).read_bytes()).hexdigest() == digest, name
    for package in ("graphiql", "react", "react-dom"):
        assert "MIT License" in (ASSETS / f"LICENSE.{package}").read_text()
    assert "graphiql@3.8.3" in (ASSETS / "VERSIONS").read_text()


def test_the_page_names_only_its_own_files() -> None:
    sources = re.findall(r'(?:src|href)="([^"]+)"', PAGE)
    assert sources and all(s.startswith("/static/graphiql/") or s == "data:," for s in sources)
    for path in sources:
        if path.startswith("/static/"):
            assert (STATIC / path.removeprefix("/static/")).is_file(), path
    assert "<script>" not in PAGE  # no inline script: CSP script-src 'self' holds
    assert "http" not in CSP and "default-src 'none'" in CSP
