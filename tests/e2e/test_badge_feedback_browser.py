"""A reader in real Chromium sees why a badge says what it says and flags it as wrong,
against a real ``nba-tracker serve`` process on the demo news."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.test_page_browser import scrape
from tests.reliability.serve_process import Served, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str]]:
    tmp = tmp_path_factory.mktemp("flags")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    folder = resources.files("nba_tracker.data.demo_feeds")
    scrape(url, *sorted(str(e) for e in folder.iterdir() if e.name.endswith(".xml")))
    with serve(url, Path(tmp), "--no-collect") as served:
        yield served, url


def test_a_badge_tells_why_and_one_click_flags_it(site: Any, browser: Any) -> None:
    served, url = site
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(served.url + "/")

    card = page.locator(".card:has(.status[title])").first
    article_id = int(card.get_attribute("data-article-id"))
    engine = create_engine(url)
    with engine.connect() as conn:
        evidence, status = conn.execute(
            text("SELECT status_evidence, status FROM articles WHERE id = :i"), {"i": article_id}
        ).one()
    badge = card.locator(".status")
    badge.hover()
    tooltip = badge.get_attribute("title")
    assert tooltip == f"Decided by “{evidence}”" and evidence
    # The same words for assistive technology, read with the focused badge.
    described = page.locator(f"#{badge.get_attribute('aria-describedby')}")
    assert described.inner_text() == tooltip
    badge.focus()
    assert page.evaluate("document.activeElement.classList.contains('status')")

    wrong = card.locator("[data-flag=status]")
    assert wrong.inner_text() == "wrong?"
    wrong.click()
    page.wait_for_function(
        "el => el.textContent === 'thanks — noted'", arg=wrong.element_handle(), timeout=10_000
    )
    assert wrong.is_disabled()
    with engine.connect() as conn:
        flags = conn.execute(
            text("SELECT article_id, badge, label, client_key FROM feedback")
        ).all()
    engine.dispose()
    assert [(f.article_id, f.badge, f.label) for f in flags] == [(article_id, "status", status)]
    assert "127.0.0.1" not in flags[0].client_key

    # The Japanese edition says the same in its own words.
    page.goto(served.url + "/?lang=ja")
    first = page.locator(".card .chip[title]").first
    assert (first.get_attribute("title") or "").startswith("判定の根拠")
    assert page.locator(".card [data-flag]").first.inner_text() == "誤り?"
    context.close()
    assert not errors, errors
