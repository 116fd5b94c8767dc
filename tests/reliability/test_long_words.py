"""One 4,000-character word in a title and a summary must not stretch any card past a
phone's width (it did, to 38,000 px): real Chromium at 390 px, on both databases."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import unavailable
from tests.reliability.probe import scrape, tracker
from tests.support.feed_server import FeedServer
from tests.support.feeds import Item, realistic_items, rss

WORD = "Celtics" + "x" * 4000


def test_a_long_word_never_stretches_a_card(
    database_url: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    executable = shutil.which("chromium")
    if executable is None:
        unavailable("chromium is not installed")
    from playwright.sync_api import sync_playwright

    items = [Item(f"Lakers sign {WORD}", "https://w.example/1", f"Summary {WORD} ends")]
    feed = feed_server.add("/w.xml", rss(items + realistic_items(3, "wide")))
    with tracker(database_url, tmp_path, [("Wide", feed, True)]) as (served, client):
        assert scrape(client)["savedCount"] == 4
        story = client.post("/graphql", json={"query": "{ stories(first: 5) { id } }"}).json()[
            "data"
        ]["stories"]
        paths = ["/", "/team/LAL", *(f"/story/{s['id']}" for s in story[:1])]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
            try:
                context = browser.new_context(
                    viewport={"width": 390, "height": 844}, is_mobile=True
                )
                page = context.new_page()
                for path in paths:
                    page.goto(served.url + path)
                    width = page.evaluate("document.documentElement.scrollWidth")
                    widest = page.evaluate(
                        "Math.max(...[...document.querySelectorAll('.card, .entry, main')]"
                        ".map(e => e.getBoundingClientRect().width))"
                    )
                    assert width <= 390 and widest <= 390, (path, width, widest)
            finally:
                browser.close()
