"""``ops doctor all --json`` when one AWS API answers an error (MWAA unavailable): that
check reports it as a finding and the other checks still run.

ECS and RDS are the moto server; MWAA's endpoint is a real HTTP server on loopback
answering every call ``503 ServiceUnavailableException``, as AWS does when a service is
down or not offered in the region."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

UNAVAILABLE = json.dumps(
    {"__type": "ServiceUnavailableException", "message": "MWAA is unavailable in this region"}
).encode()


@pytest.fixture
def broken_mwaa() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def _answer(self) -> None:
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("x-amzn-ErrorType", "ServiceUnavailableException")
            self.send_header("Content-Length", str(len(UNAVAILABLE)))
            self.end_headers()
            self.wfile.write(UNAVAILABLE)

        do_GET = do_POST = do_PUT = _answer  # noqa: N815 - http.server's names

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_one_failing_aws_api_is_a_finding_and_the_rest_run(aws: str, broken_mwaa: str) -> None:
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_MWAA": broken_mwaa,
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
    }
    result = subprocess.run(
        [sys.executable, "-m", "nba_tracker.cli", "ops", "doctor", "all", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    findings = json.loads(result.stdout)["items"]
    areas = {f["area"] for f in findings}
    assert {"ecs", "db", "mwaa"} <= areas, findings
    [mwaa] = [f for f in findings if f["area"] == "mwaa"]
    assert mwaa["severity"] == "high", mwaa
    assert mwaa["seen"].startswith("could not check: "), mwaa
    assert "ServiceUnavailable" in mwaa["seen"], mwaa
    assert result.returncode == 2, result
