"""The tracker cannot be made to fetch from its own machine or network: not by a feed's
redirect, not by a feed URL in any spelling of a loopback address, not by a name that
resolves to one; and the public ``sources`` query gives away no credentials, no local
paths, no per-target connection detail."""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.reliability.probe import gql, scrape, sources, tracker
from tests.support.feed_server import FeedServer, Route
from tests.support.feeds import Item, rss

SECRET_TITLE = "Internal admin: Lakers trade secret payroll sheet"
REFUSED = "refused: not a public address"


def redirect(location: str, status: int = 302) -> Route:
    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return Route(handler=handler)


def test_redirects_and_urls_to_private_addresses_are_refused(
    database_url: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    with FeedServer() as internal:
        internal.add("/secret.xml", rss([Item(SECRET_TITLE, "https://internal.example/1")]))
        port = internal.port
        targets = {
            "loopback": f"http://127.0.0.1:{port}/secret.xml",
            "localhost": f"http://localhost:{port}/secret.xml",
            "unspecified": f"http://0.0.0.0:{port}/secret.xml",
            "decimal": f"http://2130706433:{port}/secret.xml",
            "short": f"http://127.1:{port}/secret.xml",
            "mapped-v6": f"http://[::ffff:127.0.0.1]:{port}/secret.xml",
            "v6-loopback": f"http://[::1]:{port}/secret.xml",
            "metadata": "http://169.254.169.254/latest/meta-data/",
            "private": f"http://10.0.0.1:{port}/secret.xml",
            # Not a loopback spelling at all: only the check after DNS resolution sees it.
            "resolves-local": f"http://{socket.gethostname()}:{port}/secret.xml",
        }
        feeds: list[tuple[str, str] | tuple[str, str, bool]] = []
        for name, target in targets.items():
            # The outlet's own host is marked private (it is a loopback test server);
            # where it redirects to is checked like any other address.
            feeds.append((f"302-{name}", feed_server.add(f"/r302-{name}", redirect(target)), True))
            feeds.append(
                (f"307-{name}", feed_server.add(f"/r307-{name}", redirect(target, 307)), True)
            )
            feeds.append((f"direct-{name}", target))
        with_secret = f"http://reader:hunter2@127.0.0.1:{port}/secret.xml?api_key=SEKRET123&q=nba"
        feeds.append(("credentials", with_secret))
        feeds.append(("local-file", str(tmp_path / "private" / "feed.xml")))
        good = feed_server.add(
            "/good.xml", rss([Item("Celtics sign guard", "https://g.example/1")])
        )
        feeds.append(("good", good, True))

        with tracker(database_url, tmp_path, feeds) as (served, client):
            scrape(client)
            state = sources(client)
            titles = [
                e["node"]["title"]
                for e in gql(client, "{ news(first: 50) { edges { node { title } } } }")["news"][
                    "edges"
                ]
            ]
            page = client.get("/").text
            log = served.log.read_text()

        assert internal.hits("/secret.xml") == 0, internal.requests
        assert SECRET_TITLE not in titles and "secret payroll" not in page
        assert titles == ["Celtics sign guard"]
        for name in targets:
            for kind in ("302", "307", "direct"):
                assert state[f"{kind}-{name}"]["lastError"] == REFUSED, state[f"{kind}-{name}"]
        assert state["credentials"]["lastError"] == REFUSED
        # After resolution: the log says what the name resolved to; the public error does not.
        assert "resolves to 127.0.0.1" in log
        # No credentials, no secret query values, no local paths in the public query.
        public = str(state)
        for secret in ("hunter2", "reader:", "SEKRET123", str(tmp_path)):
            assert secret not in public, secret
        assert state["credentials"]["url"].endswith("/secret.xml?api_key=REDACTED&q=nba")
        assert state["local-file"]["url"] == "file:feed.xml"
        # One short class per failure: nothing a prober could read a port's state from.
        assert state["local-file"]["lastError"] == "cannot read file: No such file or directory"
