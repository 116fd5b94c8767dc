"""Headers an attacker sends or a browser needs: security headers on every HTML
response, a request id logged only when it is an id, and a failed-token limiter that
rotating ``X-Forwarded-For`` entries cannot escape."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.reliability.probe import SCRAPE, tracker

FORGED_ID = '{"level":"ERROR","message":"forged"}'


def _raw_get(port: int, path: str, header: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n" + header + b"\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data


def test_security_headers_request_ids_and_the_limiter(database_url: str, tmp_path: Path) -> None:
    with tracker(database_url, tmp_path) as (served, client):
        html = {
            "/": client.get("/"),
            "/team/LAL": client.get("/team/LAL"),
            "/story/12345": client.get("/story/12345"),
            "/no-such-page": client.get("/no-such-page", headers={"Accept": "text/html"}),
            "/graphql": client.get("/graphql", headers={"Accept": "text/html"}),
        }
        for path, response in html.items():
            assert response.headers["content-type"].startswith("text/html"), path
            csp = response.headers.get("content-security-policy", "")
            assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
            assert response.headers.get("x-frame-options") == "DENY", path
            assert response.headers.get("x-content-type-options") == "nosniff", path
        assert client.get("/health").headers.get("x-content-type-options") == "nosniff"

        port = int(served.url.rsplit(":", 1)[1])
        kept = client.get("/health", headers={"X-Request-ID": "probe-42.a:b"})
        assert kept.headers["x-request-id"] == "probe-42.a:b"
        forged = client.get("/health", headers={"X-Request-ID": FORGED_ID})
        assert forged.headers["x-request-id"] != FORGED_ID
        escape = _raw_get(port, "/health", b"X-Request-ID: \x1b[31mred")
        assert b"\x1b" not in escape and b"200 OK" in escape

        # Wrong tokens from one client behind the trusted hop, each request claiming a
        # new address further left: the limiter still sees one client.
        statuses = []
        for i in range(25):
            response = client.post(
                "/graphql",
                json=SCRAPE,
                headers={
                    "Authorization": "Bearer wrong",
                    "X-Forwarded-For": f"203.0.113.{i}, 127.0.0.1",
                },
            )
            statuses.append(response.status_code)
        # Another client the proxy reports (the last hop) is not blocked with it.
        other = client.post(
            "/graphql",
            json=SCRAPE,
            headers={"Authorization": "Bearer wrong", "X-Forwarded-For": "198.51.100.9"},
        )
        log = served.log.read_text()

    assert statuses.count(429) >= 14, statuses
    assert other.status_code != 429
    assert FORGED_ID not in log and '"forged"' not in log and "\x1b" not in log
    assert '"request_id": "probe-42.a:b"' in log
