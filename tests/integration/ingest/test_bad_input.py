"""Each kind of broken feed, served over real HTTP beside a good one: the broken one gets a
clear per-feed error, the good one still lands, and nothing named by an external entity
is ever fetched."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import pytest

from nba_tracker.ingest.pipeline import Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.lock import LockMode
from tests.support.feed_server import FeedServer, Route
from tests.support.feeds import realistic_items, rss

CAP = 100_000


def _bomb() -> bytes:
    ents = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE r [{ents}]><rss version="2.0"><channel>'
        "<title>&a9;</title></channel></rss>"
    ).encode()


CASES: dict[str, tuple[Route, str]] = {
    "malformed-xml": (
        Route(body=b'<?xml version="1.0"?><rss><channel><title>Broken</ti'),
        "not a readable feed",
    ),
    "empty": (Route(body=b""), "empty response body"),
    "too-large": (Route(body=b"<rss>" + b"x" * (CAP + 10) + b"</rss>"), "cap"),
    "gzip-bomb": (
        Route(
            body=gzip.compress(b"<rss>" + b" " * (CAP * 50)),
            headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
        ),
        "cap",
    ),
    "stall": (Route(body=rss(realistic_items(2, "s")), stall=4.0), "timed out"),
    "404": (Route(body=b"gone", status=404), "HTTP 404"),
    "500": (Route(body=b"oops", status=500), "HTTP 500"),
    "html": (
        Route(
            body=b"<!DOCTYPE html><html><head><title>Home</title></head><body>hi</body></html>",
            headers={"Content-Type": "text/html"},
        ),
        "HTML page",
    ),
    "entity-bomb": (Route(body=_bomb()), "entities"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_feed_is_reported_and_the_good_feed_lands(
    case: str, database_url: str, feed_server: FeedServer
) -> None:
    route, message = CASES[case]
    bad = feed_server.add(f"/{case}", route)
    good = feed_server.add("/good.xml", rss(realistic_items(5, f"good-{case}")))
    settings = Settings(fetch_timeout=1.5, fetch_retries=1, fetch_max_bytes=CAP)
    engine = make_engine(settings, database_url)
    try:
        report = asyncio.run(
            Collector(settings, make_sessionmaker(engine)).run(
                [FeedSpec("Bad", bad), FeedSpec("Good", good)], lock=LockMode.NONE
            )
        )
    finally:
        engine.dispose()
    outcomes = {f.name: f for f in report.feeds}
    assert outcomes["Bad"].status == "failed"
    assert message in (outcomes["Bad"].error or ""), outcomes["Bad"].error
    assert outcomes["Good"].status == "ok" and outcomes["Good"].new == 5


def test_retries_5xx_then_succeeds(database_url: str, feed_server: FeedServer) -> None:
    calls = {"n": 0}
    body = rss(realistic_items(3, "flaky"))

    def flaky(handler: object) -> None:
        calls["n"] += 1
        status = 503 if calls["n"] == 1 else 200
        h = handler  # BaseHTTPRequestHandler
        payload = b"busy" if status == 503 else body
        h.send_response(status)  # type: ignore[attr-defined]
        h.send_header("Content-Length", str(len(payload)))  # type: ignore[attr-defined]
        h.end_headers()  # type: ignore[attr-defined]
        h.wfile.write(payload)  # type: ignore[attr-defined]

    url = feed_server.add("/flaky.xml", Route(handler=flaky))
    settings = Settings(fetch_timeout=2, fetch_retries=2)
    engine = make_engine(settings, database_url)
    try:
        report = asyncio.run(
            Collector(settings, make_sessionmaker(engine)).run([FeedSpec("F", url)])
        )
    finally:
        engine.dispose()
    assert calls["n"] == 2
    assert report.totals["new"] == 3


def test_external_entity_url_is_never_fetched(tmp_path: Path, feed_server: FeedServer) -> None:
    secret = feed_server.add("/secret", b"SECRET")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{secret}">]>'
        '<rss version="2.0"><channel><title>t</title><item><title>&x;</title>'
        "<link>https://x.example/1</link></item></channel></rss>"
    ).encode()
    url = feed_server.add("/xxe.xml", xxe)
    settings = Settings(fetch_timeout=2)
    engine = make_engine(settings, f"sqlite:///{tmp_path / 'x.db'}")
    from nba_tracker.store.migrate import prepare_database

    prepare_database(engine)
    try:
        report = asyncio.run(
            Collector(settings, make_sessionmaker(engine)).run([FeedSpec("XXE", url)])
        )
    finally:
        engine.dispose()
    assert report.feeds[0].status == "failed"
    assert feed_server.hits("/secret") == 0
