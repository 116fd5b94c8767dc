"""The API as browsers use it: a page on another origin reading it through fetch(), and
GraphiQL with no internet at all."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import free_port
from tests.e2e.test_page_browser import scrape
from tests.reliability.serve_process import Served, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOKEN = "test-token-1234567890"  # what serve() configures
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
CLIENT_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Old client</title></head>
<body><p id="state">loading</p></body></html>"""
# The original Kotlin page's call, as its Ktor client makes it: JSON POST to the root.
READ = """async ([url, token]) => {
  const headers = {"Content-Type": "application/json"};
  if (token) headers["Authorization"] = "Bearer " + token;
  try {
    const r = await fetch(url, {method: "POST", headers,
      body: JSON.stringify({query: "query GetAllTradeNews { tradeNews { id title source category translationStatus } }"})});
    return {status: r.status, body: await r.json()};
  } catch (e) {
    return {blocked: String(e)};
  }
}"""
MUTATE = """async ([url, token]) => {
  const headers = {"Content-Type": "application/json"};
  if (token) headers["Authorization"] = "Bearer " + token;
  const r = await fetch(url, {method: "POST", headers,
    body: JSON.stringify({query: "mutation { translatePendingNews { translatedCount errorCount errors } }"})});
  return await r.json();
}"""


@pytest.fixture(scope="module")
def news_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    tmp = tmp_path_factory.mktemp("api-browser")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    folder = resources.files("nba_tracker.data.demo_feeds")
    scrape(url, *sorted(str(e) for e in folder.iterdir() if e.name.endswith(".xml")))
    return url, tmp


@pytest.fixture(scope="module")
def static_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """Another origin: a plain static host on its own loopback port."""
    root = tmp_path_factory.mktemp("static-host")
    (root / "index.html").write_text(CLIENT_PAGE)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def tracker_for(news_db: tuple[str, Path], static_site: int) -> Iterator[Served]:
    """The tracker allowing exactly the static host's localhost origin."""
    url, tmp = news_db
    allowed = f"http://localhost:{static_site}"
    with serve(url, tmp, "--no-collect", env={"NBA_TRACKER_CORS_ORIGINS": allowed}) as served:
        yield served


def test_a_page_on_another_origin_reads_the_news(
    browser: Any, tracker_for: Served, static_site: int
) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"http://localhost:{static_site}/")
        for path in ("/", "/graphql"):
            answer = page.evaluate(READ, [tracker_for.url + path, None])
            assert answer.get("status") == 200, answer
            news = answer["body"]["data"]["tradeNews"]
            assert len(news) >= 30
            assert {n["category"] for n in news} <= {"Trade", "Signing", "Other"}
            assert {n["translationStatus"] for n in news} == {"pending"}

        # The browser allows the call; the tracker still wants the token.
        refused = page.evaluate(MUTATE, [tracker_for.url + "/", None])
        assert refused["data"] is None
        assert "Authentication required" in refused["errors"][0]["message"]
        done = page.evaluate(MUTATE, [tracker_for.url + "/", TOKEN])
        assert done["data"]["translatePendingNews"] == {
            "translatedCount": 0,
            "errorCount": 0,
            "errors": [],
        }

        # The same static page on an origin the tracker does not list is blocked.
        page.goto(f"http://127.0.0.1:{static_site}/")
        blocked = page.evaluate(READ, [tracker_for.url + "/", None])
        assert "blocked" in blocked, blocked
    finally:
        context.close()


def test_graphiql_runs_a_query_with_no_internet(browser: Any, tracker_for: Served) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    outside: list[str] = []
    served_locally: list[str] = []

    def only_loopback(route: Any) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOOPBACK:
            served_locally.append(route.request.url)
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_loopback)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" or "Security" in m.text else None,
    )
    try:
        response = page.goto(tracker_for.url + "/graphql")
        assert response is not None
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "http" not in csp  # no host is allowed, every source is 'self'
        editor = page.locator(".graphiql-query-editor .CodeMirror")
        editor.wait_for(timeout=20_000)
        page.evaluate(
            """q => document.querySelector('.graphiql-query-editor .CodeMirror')
                 .CodeMirror.setValue(q)""",
            '{ tradeNewsByCategory(category: "Trade", limit: 3) { title category } }',
        )
        page.locator(".graphiql-execute-button").click()
        result = page.locator(".graphiql-response .CodeMirror")
        result.get_by_text('"tradeNewsByCategory"').wait_for(timeout=20_000)
        text = result.inner_text()
        assert text.count('"category": "Trade"') == 3, text
        shot = Path(tracker_for.log).with_name("graphiql.png")
        page.screenshot(path=str(shot))
        if os.environ.get("NBA_TRACKER_UPDATE_SCREENSHOT"):
            shutil.copyfile(
                shot, Path(__file__).resolve().parents[2] / "docs" / "screenshot-graphiql.png"
            )
    finally:
        context.close()
    assert outside == [], outside
    assert any(u.endswith("/static/graphiql/graphiql.min.js") for u in served_locally)
    assert problems == [], problems
