"""The page in real headless Chromium against a real ``nba-tracker serve`` process."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import unavailable
from tests.integration.web.conftest import HOSTILE_TITLE, hostile_feed
from tests.reliability.serve_process import Served, serve
from tests.support.feeds import Item, rss

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
JA_TITLE = "ブルズがロンゾ・ボールを解雇"


def scrape(database_url: str, *files: str) -> None:
    args = [sys.executable, "-m", "nba_tracker.cli", "scrape", "--json"]
    for f in files:
        args += ["--source", f]
    subprocess.run(
        args,
        env={**os.environ, "NBA_TRACKER_DATABASE_URL": database_url},
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    executable = shutil.which("chromium")
    if executable is None:
        unavailable("chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str, Path]]:
    """The demo news collected by the CLI into a SQLite file, one article translated."""
    tmp = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    folder = resources.files("nba_tracker.data.demo_feeds")
    files = sorted(str(e) for e in folder.iterdir() if e.name.endswith(".xml"))
    scrape(url, *files, str(hostile_feed(tmp)))
    engine = create_engine(url)
    with engine.begin() as conn:
        changed = conn.execute(
            text("UPDATE articles SET title_ja = :t WHERE title = 'Bulls Waive Lonzo Ball'"),
            {"t": JA_TITLE},
        ).rowcount
    engine.dispose()
    assert changed == 1
    with serve(url, tmp, "--no-collect") as served:
        yield served, url, tmp


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def card_titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(".card .card-title .t-en").all_inner_texts()]


def test_filter_by_team_search_and_open_a_team_page(site: Any, page: Any) -> None:
    served, _, _ = site
    page.goto(served.url + "/")
    assert page.locator(".card").count() >= 30
    assert page.locator(".card time").first.inner_text().endswith("ago")

    page.select_option("select[name=team]", "GSW")
    page.wait_for_url(re.compile(r"[?&]team=GSW"))
    assert "category=" not in page.url  # empty filters stay out of the shared URL
    cards = page.locator(".card")
    assert cards.count() >= 1
    for i in range(cards.count()):
        assert cards.nth(i).locator('.team-badge[href="/team/GSW"]').count() == 1

    page.fill("input[name=q]", "Lonzo")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q=Lonzo"))
    assert "team=GSW" in page.url
    assert page.locator(".card").count() == 0
    assert page.get_by_text("No news matches these filters.").is_visible()

    page.goto(served.url + "/?q=Lonzo")
    titles = card_titles(page)
    assert titles and all("Lonzo" in t for t in titles), titles

    page.locator('.card .team-badge[href="/team/CHI"]').first.click()
    page.wait_for_url(re.compile(r"/team/CHI$"))
    assert page.locator("h1").inner_text() == "Chicago Bulls"
    assert page.locator(".timeline .entry").count() >= 1


def test_story_page_names_every_outlet(site: Any, page: Any) -> None:
    served, _, _ = site
    page.goto(served.url + "/?team=MEM&status=official")
    page.locator(".card .story-line").first.click()
    page.wait_for_url(re.compile(r"/story/\d+$"))
    outlets = set(page.locator(".outlet").all_inner_texts())
    assert {"ESPN.xml", "HoopsHype.xml", "Hoops Rumors.xml", "RealGM Wiretap.xml"} <= outlets


def test_a_script_title_is_inert_text(site: Any, page: Any) -> None:
    served, _, _ = site
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(served.url + "/")
    visible = page.get_by_text(HOSTILE_TITLE)
    assert visible.first.is_visible()
    page.wait_for_timeout(500)
    assert dialogs == []


def test_japanese_toggle_shows_translations_where_present(site: Any, page: Any) -> None:
    served, _, _ = site
    page.goto(served.url + "/?category=Waiver")
    translated = page.locator(".card", has_text="Bulls Waive Lonzo Ball").locator(".card-title")
    original = page.locator(".card", has_text="Pelicans Waive Jordan Hawkins").locator(
        ".card-title"
    )
    assert translated.locator(".t-en").is_visible()
    assert not translated.locator(".t-ja").is_visible()

    page.click("[data-lang-toggle]")  # a link: the server renders the Japanese edition
    page.wait_for_url(re.compile(r"lang=ja"))
    assert "ja" in (page.locator("html").get_attribute("class") or "")
    assert "lang=ja" in page.url
    assert translated.locator(".t-ja").inner_text() == JA_TITLE
    assert translated.locator(".t-ja").is_visible()
    assert not translated.locator(".t-en").is_visible()
    assert original.locator(".t-en").is_visible()  # no translation: the original stays

    page.goto(served.url + "/?category=Waiver")  # the choice is remembered without the parameter
    assert page.locator(".card-title .t-ja", has_text=JA_TITLE).is_visible()
    page.click("[data-lang-toggle]")
    page.wait_for_url(re.compile(r"lang=en"))
    assert "lang=ja" not in page.url
    assert page.locator(".card-title .t-ja").first.is_hidden()


def test_phone_width_has_no_sideways_scroll(site: Any, chromium: Any) -> None:
    served, _, _ = site
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        for path in ("/", "/team/GSW", "/?team=LAL"):
            page.goto(served.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
        boxes = [page.locator(".card").nth(i).bounding_box() for i in range(2)]
        page.goto(served.url + "/")
        boxes = [page.locator(".card").nth(i).bounding_box() for i in range(2)]
        assert boxes[0] and boxes[1] and boxes[1]["y"] > boxes[0]["y"]  # one column
    finally:
        context.close()


def test_new_items_announce_themselves(site: Any, page: Any) -> None:
    served, url, tmp = site
    page.goto(served.url + "/?poll=1")
    notice = page.locator("[data-new-notice]")
    page.wait_for_timeout(1500)
    assert notice.is_hidden()

    fresh = tmp / "fresh.xml"
    now = datetime.now(UTC)
    fresh.write_bytes(
        rss(
            [
                Item(
                    "Pistons Sign Tolu Smith To Two-Way Contract",
                    "https://basketball.realgm.com/wiretap/279400/pistons-sign-tolu-smith",
                    "The Detroit Pistons have signed Tolu Smith to a two-way contract.",
                    published=now,
                ),
                Item(
                    "Hornets Waive Josh Green",
                    "https://basketball.realgm.com/wiretap/279401/hornets-waive-josh-green",
                    "The Charlotte Hornets have waived Josh Green.",
                    published=now,
                ),
            ]
        )
    )
    scrape(url, str(fresh))
    notice.wait_for(state="visible", timeout=10_000)
    assert page.locator("[data-new-count]").inner_text() == "2"
    page.click("[data-new-reload]")
    page.wait_for_load_state("load")
    page.get_by_text("Pistons Sign Tolu Smith To Two-Way Contract").wait_for(timeout=10_000)
    assert set(card_titles(page)[:2]) == {
        "Pistons Sign Tolu Smith To Two-Way Contract",
        "Hornets Waive Josh Green",
    }
    assert page.locator("[data-new-notice]").is_hidden()


def test_demo_page_screenshots(chromium: Any, tmp_path: Path) -> None:
    """What a new user sees after ``make run``, at desktop and phone width. With
    NBA_TRACKER_UPDATE_SCREENSHOT=1 the desktop one replaces the README's."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    with serve(url, tmp_path, "--demo", "--no-collect") as served:
        for name, viewport in (
            ("desktop", {"width": 1366, "height": 900}),
            ("phone", {"width": 390, "height": 844}),
        ):
            context = chromium.new_context(viewport=viewport, device_scale_factor=1)
            page = context.new_page()
            try:
                page.goto(served.url + "/")
                assert page.locator(".card").count() >= 30
                assert page.locator(".story-line").count() >= 1
                page.screenshot(path=str(tmp_path / f"{name}.png"))
            finally:
                context.close()
    assert (tmp_path / "desktop.png").stat().st_size > 50_000
    if os.environ.get("NBA_TRACKER_UPDATE_SCREENSHOT"):
        target = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"
        shutil.copyfile(tmp_path / "desktop.png", target)
