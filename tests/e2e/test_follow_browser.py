"""Follow from the page, in real Chromium against a real ``nba-tracker serve``: the form
on a team page subscribes a loopback webhook (a wrong token is refused and nothing is
made); the next collection's story about the team reaches the receiver, signed, from
the server's own dispatcher."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.test_page_browser import scrape
from tests.reliability.serve_process import Served, serve
from tests.support.feeds import Item, rss
from tests.support.receivers import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TOKEN = "test-token-1234567890"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str, Path]]:
    tmp = tmp_path_factory.mktemp("follow")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    first = tmp / "first.xml"
    first.write_bytes(
        rss([Item("Grizzlies waive Jay Huff", "https://w.example/1", "Memphis waived Huff.")])
    )
    scrape(url, str(first))
    env = {"NBA_TRACKER_ALERTS_ALLOW_LOOPBACK": "true"}
    with serve(url, tmp, "--no-collect", env=env) as served:
        yield served, url, tmp


def test_follow_a_team_from_its_page_then_hear_about_its_next_story(
    site: Any, browser: Any
) -> None:
    served, url, tmp = site
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    with Receiver() as receiver:
        page.goto(served.url + "/team/MEM")
        page.locator(".follow summary").click()
        form = page.locator("form[data-follow]")
        form.locator("[name=target]").fill(receiver.url("/mem"))
        form.locator("[name=least_status]").select_option("official")
        form.locator("[name=token]").fill("wrong-token")
        form.locator("button[type=submit]").click()
        result = form.locator("[data-follow-result]")
        result.filter(has_text="Authentication required").wait_for(timeout=10_000)
        engine = create_engine(url)
        with engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM alert_subscriptions")).scalar() == 0

        form.locator("[name=token]").fill(TOKEN)
        form.locator("button[type=submit]").click()
        result.filter(has_text="Following").wait_for(timeout=10_000)
        assert form.locator("[name=token]").input_value() == ""
        with engine.connect() as c:
            row = c.execute(
                text("SELECT teams, least_status, secret FROM alert_subscriptions")
            ).one()
        assert json.loads(row.teams) == ["MEM"] and row.least_status == "official"

        news = tmp / "news.xml"
        news.write_bytes(
            rss(
                [
                    Item(
                        "Grizzlies officially sign Cam Spencer to a two-year contract",
                        "https://w.example/2",
                        "The Memphis Grizzlies have officially signed Cam Spencer.",
                        datetime.now(UTC),
                    )
                ]
            )
        )
        scrape(url, str(news))
        deadline = time.monotonic() + 20
        while not receiver.accepted:
            assert time.monotonic() < deadline, "no alert reached the receiver"
            time.sleep(0.1)
        [got] = receiver.accepted
        assert got.path == "/mem"
        expected = "sha256=" + hmac.new(row.secret.encode(), got.body, hashlib.sha256).hexdigest()
        assert got.headers["x-signature"] == expected
        assert json.loads(got.body)["text"].startswith("Official: Grizzlies officially sign")
        engine.dispose()
    assert errors == []
