"""Slow and idle clients cannot hold the server: the probe of docs/reliability.md.

The served tracker runs under a 1,024-descriptor limit. 1,100 sockets connect and send
nothing (or half a request line); two more send a body one byte at a time. While they
hang on, ``/health`` must keep answering; the server must close them by itself once
their deadlines pass; and the log must not fill with one error repeated thousands of
times. The figures are written to ``tests/reliability/last-limits-figures.json``.
"""

from __future__ import annotations

import json
import resource
import socket
import statistics
import threading
import time
from pathlib import Path

import httpx

from tests.reliability.probe import tracker

FD_LIMIT = 1024
IDLE_SOCKETS = 1100
HEADER_TIMEOUT = 3.0
BODY_TIMEOUT = 5.0
FIGURES = Path(__file__).with_name("last-limits-figures.json")


def _open_idle(port: int, count: int) -> list[socket.socket]:
    sockets = []
    for i in range(count):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            continue  # the kernel's backlog is full: the server is shedding, as it should
        if i % 2:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # headers never finished
        sockets.append(sock)
    return sockets


def _closed_by_server(sock: socket.socket) -> bool:
    sock.settimeout(0.05)
    try:
        data = sock.recv(4096)
    except TimeoutError:
        return False
    except OSError:
        return True
    return data == b"" or data.startswith((b"HTTP/1.1 408", b"HTTP/1.1 503"))


def _health_latencies(client: httpx.Client, n: int) -> tuple[list[float], list[int]]:
    latencies, statuses = [], []
    for _ in range(n):
        started = time.perf_counter()
        try:
            statuses.append(client.get("/health").status_code)
        except httpx.HTTPError:
            statuses.append(0)
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(0.05)
    return latencies, statuses


def _trickle(port: int, stop: threading.Event, closed: list[float], started: float) -> None:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000\r\n\r\n"
    )
    try:
        while not stop.is_set():
            sock.sendall(b" ")
            time.sleep(0.001)
    except OSError:
        closed.append(time.monotonic() - started)
    finally:
        sock.close()


def test_idle_and_trickling_clients_cannot_hold_the_server(
    database_url: str, tmp_path: Path
) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4096)), hard))
    env = {
        "NBA_TRACKER_SERVER_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "NBA_TRACKER_SERVER_BODY_TIMEOUT": str(BODY_TIMEOUT),
    }
    with tracker(database_url, tmp_path, env=env, fd_limit=FD_LIMIT) as (served, client):
        port = int(served.url.rsplit(":", 1)[1])
        baseline, _ = _health_latencies(client, 10)

        idle_started = time.monotonic()
        idle = _open_idle(port, IDLE_SOCKETS)
        under_idle, idle_statuses = _health_latencies(
            fresh := httpx.Client(base_url=served.url), 20
        )
        fresh.close()
        time.sleep(max(0.0, HEADER_TIMEOUT + 2 - (time.monotonic() - idle_started)))
        closed_idle = sum(_closed_by_server(s) for s in idle)
        for s in idle:
            s.close()

        stop = threading.Event()
        trickle_closed: list[float] = []
        trickle_started = time.monotonic()
        trickles = [
            threading.Thread(target=_trickle, args=(port, stop, trickle_closed, trickle_started))
            for _ in range(2)
        ]
        for t in trickles:
            t.start()
        time.sleep(0.5)
        under_trickle, trickle_statuses = _health_latencies(client, 20)
        for t in trickles:
            t.join(BODY_TIMEOUT + 5)
        stop.set()
        after, after_statuses = _health_latencies(client, 10)
        log_lines = served.log.read_text().splitlines()

    errors = [line for line in log_lines if '"level": "ERROR"' in line]
    figures = {
        "fd_limit": FD_LIMIT,
        "idle_sockets_opened": len(idle),
        "idle_sockets_closed_by_server": closed_idle,
        "health_ms_baseline_p50": round(statistics.median(baseline), 1),
        "health_ms_under_idle_p50": round(statistics.median(under_idle), 1),
        "health_ms_under_idle_max": round(max(under_idle), 1),
        "health_statuses_under_idle": sorted(set(idle_statuses)),
        "health_ms_under_trickle_p50": round(statistics.median(under_trickle), 1),
        "health_ms_under_trickle_max": round(max(under_trickle), 1),
        "trickling_bodies_cut_after_s": [round(s, 1) for s in trickle_closed],
        "error_lines": len(errors),
        "log_lines": len(log_lines),
    }
    FIGURES.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures))

    assert set(idle_statuses) == {200}, figures
    assert closed_idle == len(idle), figures
    assert set(trickle_statuses) == {200} and set(after_statuses) == {200}, figures
    assert len(trickle_closed) == 2 and max(trickle_closed) < BODY_TIMEOUT + 3, figures
    assert statistics.median(under_trickle) < 100, figures
    assert len(errors) < 20, errors[:5]
