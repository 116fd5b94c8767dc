"""The Japanese edition in Chromium: chosen by Accept-Language on a first visit, by the
toggle or ?lang=ja, remembered; and no English left on it at desktop or phone width
(article text that has no translation yet is the outlet's own, marked lang="en")."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_page_browser import scrape
from tests.reliability.serve_process import Served, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS = Path(__file__).resolve().parents[2] / "docs"
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# Names that are written in Latin letters in Japanese too.
LATIN_NAMES = ["NBA", "GraphQL", "API", "Atom", "JSON"]

# Every piece of text a reader can see (and the placeholder, tooltips and the title),
# except what is marked as another language or as not to be translated.
VISIBLE_LATIN = """allowed => {
  const ok = new Set(allowed);
  const found = [];
  const foreign = el => el.closest('[lang]:not([lang="ja"])') || el.closest('[translate="no"]');
  const shown = el => {
    if (el.closest('select')) return true;  // every option of a control is one a reader sees
    if (!el.getClientRects().length) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none';
  };
  const check = (text, where) => {
    const words = (text.match(/[A-Za-z][A-Za-z0-9'’.-]*/g) || []).filter(w => !ok.has(w));
    if (words.length) found.push(where + ': ' + text.trim().slice(0, 120));
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || !/[A-Za-z]/.test(node.textContent) || el.closest('script, style')) continue;
    if (foreign(el) || !shown(el)) continue;
    check(node.textContent, el.tagName.toLowerCase() + '.' + el.className);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
    if (foreign(el)) continue;
    for (const name of ['placeholder', 'title', 'aria-label']) {
      // An attribute cannot mark a part as English: a quotation 「…」 of the outlet's
      // own words (a badge's evidence) is theirs, the rest must be Japanese.
      const value = (el.getAttribute(name) || '').replace(/「[^」]*」/g, '');
      if (value) check(value, name);
    }
  }
  check(document.title, 'title');
  return found;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("japanese")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    folder = resources.files("nba_tracker.data.demo_feeds")
    scrape(url, *sorted(str(e) for e in folder.iterdir() if e.name.endswith(".xml")))
    with serve(url, tmp, "--no-collect") as served:
        yield served


def japanese_pages(page: Any, base: str) -> list[str]:
    page.goto(base + "/?lang=ja")
    story = page.locator(".story-line").first.get_attribute("href")
    return ["/", "/team/CHI", "/team/PHI", story, "/?q=zzzqqq", "/?category=Signing&status=official",
            "/no-such-page", "/story/999999"]  # fmt: skip


def settle(page: Any) -> None:
    """The script has replaced every date with its relative form."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('time[datetime]')]
             .every(t => /前$|たった今/.test(t.textContent))"""
    )


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_no_english_remains_on_the_japanese_pages(
    browser: Any, site: Served, width: str, tmp_path: Path
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[width], device_scale_factor=1)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        for path in japanese_pages(page, site.url):
            page.goto(site.url + path)
            settle(page)
            assert page.locator("html").get_attribute("lang") == "ja", path
            assert page.evaluate(VISIBLE_LATIN, LATIN_NAMES) == [], path
            width_px = page.evaluate("document.documentElement.scrollWidth")
            assert width_px <= VIEWPORTS[width]["width"], (path, width_px)
        page.goto(site.url + "/")
        settle(page)
        # Controls, badges and dates as the original Japanese page had them.
        assert page.locator("select[name=category] option").all_inner_texts()[:4] == [
            "すべて", "トレード", "契約・サイン", "契約延長"
        ]  # fmt: skip
        title = page.locator(".card time").first.get_attribute("title") or ""
        assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2} \d{2}:\d{2} 日本時間", title), title
        shot = tmp_path / f"ja-{width}.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 40_000
        if os.environ.get("NBA_TRACKER_UPDATE_SCREENSHOT"):
            shutil.copyfile(shot, DOCS / f"screenshot-ja-{width}.png")
    finally:
        context.close()
    assert errors == []


def test_the_edition_is_chosen_and_remembered(browser: Any, site: Served) -> None:
    context = browser.new_context(locale="ja-JP")  # Accept-Language: ja-JP
    page = context.new_page()
    try:
        page.goto(site.url + "/")  # first visit: the browser's language
        assert page.locator("html").get_attribute("lang") == "ja"
        assert page.locator("[data-lang-toggle]").inner_text() == "英語版"

        page.click("[data-lang-toggle]")
        page.wait_for_url(re.compile(r"lang=en"))
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator(".brand").inner_text() == "NBA Trade Tracker"
        page.goto(site.url + "/team/LAL")  # remembered over Accept-Language
        assert page.locator("h1").inner_text() == "Los Angeles Lakers"

        page.goto(site.url + "/?lang=ja&category=Trade")
        assert page.locator(".chip").first.inner_text() == "トレード"
        page.goto(site.url + "/team/LAL")
        assert page.locator("h1").inner_text() == "ロサンゼルス・レイカーズ"
    finally:
        context.close()
    english = browser.new_context(locale="en-US")
    page = english.new_page()
    try:
        page.goto(site.url + "/")
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        english.close()
