"""Player journeys and team ledgers in real headless Chromium against a real
``nba-tracker serve`` process, from the real league-log capture in ../shared/league-log.
With NBA_TRACKER_UPDATE_SCREENSHOT=1 the screenshots replace those in docs/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.serve_process import Served, serve
from tests.support.feeds import Item, rss

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LATER = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "league-log"
    / "wmentrekin_mem-subset_2025-26_nba_player_movement_mem_2025_26.json"
)
DOCS = Path(__file__).resolve().parents[2] / "docs"
JA_MORANT = 1629630
TRADE_TITLE = "Grizzlies agree to trade Ja Morant to Trail Blazers for Jerami Grant, sources say"


def cli(database_url: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "nba_tracker.cli", *args],
        env={**os.environ, "NBA_TRACKER_DATABASE_URL": database_url},
        check=True,
        capture_output=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    if not LATER.exists():
        pytest.skip("league-log snapshot absent (../shared/league-log)")
    tmp = tmp_path_factory.mktemp("league-browser")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    news = tmp / "news.xml"
    item = Item(
        TRADE_TITLE,
        "https://news.example.com/morant",
        "Memphis sends its franchise guard to Portland.",
        published=datetime(2026, 6, 27, 18, tzinfo=UTC),
    )
    news.write_bytes(rss([item]))
    cli(url, "scrape", "--json", "--source", str(news))
    cli(url, "league-log", "--json", "--source", str(LATER))
    with serve(url, tmp, "--no-collect") as served:
        yield served


def shoot(page: Any, name: str, tmp: Path) -> None:
    path = tmp / name
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 20_000
    if os.environ.get("NBA_TRACKER_UPDATE_SCREENSHOT"):
        shutil.copyfile(path, DOCS / name)


def test_a_players_journey_reads_team_to_team(browser: Any, site: Served, tmp_path: Path) -> None:
    for name, viewport in (
        ("screenshot-player.png", {"width": 1366, "height": 900}),
        ("screenshot-player-phone.png", {"width": 390, "height": 844}),
    ):
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        page = context.new_page()
        try:
            page.goto(f"{site.url}/player/{JA_MORANT}")
            assert page.locator("h1").inner_text() == "Ja Morant"
            trade = page.locator('.move[data-transaction="Trade 2025063"]')
            assert trade.locator(".move-route").inner_text().split() == ["MEM", "→", "POR"]
            # The outlet's report is confirmed by the log, with the status its text gave.
            story = trade.locator('.log-story[data-outcome="confirmed"]')
            assert story.locator(".story-line").inner_text() == TRADE_TITLE
            assert "confirmed by the league log" in story.inner_text()
            assert story.locator(".status-history li").count() == 1
            shoot(page, name, tmp_path)
        finally:
            context.close()


def test_the_team_page_shows_what_each_trade_gave_and_got(
    browser: Any, site: Served, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    try:
        page.goto(f"{site.url}/team/MEM")
        ledger = page.locator("section.ledger")
        assert ledger.is_visible()
        morant = ledger.locator('.trade[data-transaction="Trade 2025063"]')
        assert morant.locator(".got .asset").all_inner_texts() == [
            "Jerami Grant POR",
            "Kris Murray POR",
        ]
        assert morant.locator(".gave .asset").all_inner_texts() == ["Ja Morant POR"]
        six = ledger.locator('.trade[data-transaction="Trade 2026006"]')
        assert six.locator('.got .asset[data-kind="pick"]').count() >= 1
        ledger.scroll_into_view_if_needed()
        shoot(page, "screenshot-ledger.png", tmp_path)
        # A player in the ledger links to his journey.
        morant.locator('.gave a[href^="/player/"]').click()
        page.wait_for_url(f"**/player/{JA_MORANT}")
        assert page.locator("h1").inner_text() == "Ja Morant"
    finally:
        context.close()
