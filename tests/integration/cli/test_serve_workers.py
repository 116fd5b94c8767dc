"""``nba-tracker serve --workers N``: N processes answer on one port, one of them alone
collects and sends alerts, and the parent stops them all."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import free_port
from tests.reliability.serve_process import Served, serve
from tests.support.feed_server import FeedServer, Route
from tests.support.feeds import realistic_items, rss


def _children(parent: int) -> set[int]:
    """Processes whose parent is ``parent``, read from /proc/*/stat."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (field 2) may hold spaces or parentheses: count after its ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _server_socket_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the server's end of the loopback connection from ``client_port``."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1], fields[2]
            if (
                int(local.rsplit(":", 1)[1], 16) == server_port
                and int(remote.rsplit(":", 1)[1], 16) == client_port
            ):
                return fields[9]
    return None


def _holder(inode: str, pids: set[int]) -> int | None:
    target = f"socket:[{inode}]"
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == target:
                    return pid
            except OSError:
                continue
    return None


def _answering_pid(port: int, workers: set[int]) -> int | None:
    """Which worker answered a request: the one holding the server's end of its
    connection, looked up while the connection is kept alive."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/api/ping")
        response = connection.getresponse()
        assert response.status == 200
        response.read()
        assert connection.sock is not None
        inode = _server_socket_inode(port, connection.sock.getsockname()[1])
        return _holder(inode, workers) if inode else None
    finally:
        connection.close()


def _port(served: Served) -> int:
    return int(served.url.rsplit(":", 1)[1])


def _wait_for_workers(served: Served, count: int) -> set[int]:
    deadline = time.monotonic() + 30
    while len(workers := _children(served.process.pid)) < count:
        assert time.monotonic() < deadline, workers
        time.sleep(0.1)
    assert len(workers) == count, workers
    return workers


def _log_lines(log: Path) -> list[dict[str, object]]:
    lines = []
    for line in log.read_text().splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue
    return lines


def _workers_saying(log: Path, message: str) -> list[Any]:
    """The ``worker`` field of every log line whose message is ``message``."""
    return [line.get("worker") for line in _log_lines(log) if line.get("message") == message]


def _copy(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "tracker.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.mark.slow
def test_two_workers_answer_on_one_port_and_sigterm_stops_them_all(tmp_path: Path) -> None:
    # A new SQLite file: the parent migrates it once, so the two start-ups do not race.
    url = f"sqlite:///{tmp_path / 'new.db'}"
    with serve(url, tmp_path, "--workers", "2", "--no-collect") as served:
        workers = _wait_for_workers(served, 2)
        port = _port(served)
        answered = set()
        for _ in range(200):
            answered.add(_answering_pid(port, workers))
            if answered == workers:
                break
        assert answered == workers
        log = _log_lines(served.log)
        assert not [line for line in log if line.get("level") in {"ERROR", "CRITICAL"}], log
        # Each worker listens with SO_REUSEPORT, which would let a second server join the
        # port unnoticed: it is refused, as a second single process is.
        second = subprocess.run(
            [sys.executable, "-m", "nba_tracker.cli", "serve", "--workers", "2", "--no-collect"]
            + ["--host", "127.0.0.1", "--port", str(port)],
            env={**os.environ, "NBA_TRACKER_DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 3
        assert "Address already in use" in second.stdout

        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(timeout=40) == 0
        assert not [pid for pid in workers if _alive(pid)]
        with pytest.raises(ConnectionRefusedError):
            http.client.HTTPConnection("127.0.0.1", port, timeout=5).connect()
        assert sorted(_workers_saying(served.log, "Application shutdown complete.")) == [0, 1]


@pytest.mark.slow
def test_one_worker_alone_collects_and_dispatches_alerts(
    prepared_sqlite: Path, feed_server: FeedServer, tmp_path: Path
) -> None:
    # Slow enough that a second collector, starting beside the first, would find the lock
    # taken and say so; starting after it, would fetch the feed again.
    feed_server.add("/slow.xml", Route(body=rss(realistic_items(5, "workers")), delay=1.5))
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        f'replace_defaults = true\n[[feeds]]\nname = "Slow"\nurl = "{feed_server.url("/slow.xml")}"\n'
    )
    env = {"NBA_TRACKER_FEEDS_FILE": str(feeds), "NBA_TRACKER_DISPATCH_IN_SERVE": "true"}
    with serve(_copy(prepared_sqlite, tmp_path), tmp_path, "--workers", "3", env=env) as served:
        _wait_for_workers(served, 3)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
            len(_workers_saying(served.log, "Application startup complete.")) == 3
            and _workers_saying(served.log, "Collection finished")
        ):
            time.sleep(0.2)
        time.sleep(2)  # room for a second collection to show itself
        assert feed_server.hits("/slow.xml") == 1
        assert _workers_saying(served.log, "Collection finished") == [0]
        assert (
            _workers_saying(served.log, "Collection skipped: another process is collecting") == []
        )
        assert _workers_saying(served.log, "Alert dispatcher running") == [0]


@pytest.mark.slow
def test_a_worker_that_dies_stops_the_server(prepared_sqlite: Path, tmp_path: Path) -> None:
    with serve(_copy(prepared_sqlite, tmp_path), tmp_path, "--workers", "2", "--no-collect") as s:
        workers = _wait_for_workers(s, 2)
        victim, other = sorted(workers)
        os.kill(victim, signal.SIGKILL)
        # Not a server on fewer workers than it was given: the service manager restarts it.
        assert s.process.wait(timeout=40) == 1
        assert not _alive(other)
        assert any(
            str(line.get("message", "")).startswith("Worker ") and line.get("level") == "ERROR"
            for line in _log_lines(s.log)
        )


@pytest.mark.slow
def test_workers_stop_when_the_parent_is_killed(prepared_sqlite: Path, tmp_path: Path) -> None:
    with serve(_copy(prepared_sqlite, tmp_path), tmp_path, "--workers", "2", "--no-collect") as s:
        workers = _wait_for_workers(s, 2)
        s.process.kill()
        s.process.wait(timeout=10)
        deadline = time.monotonic() + 30
        while (alive := [pid for pid in workers if _alive(pid)]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive


@pytest.mark.parametrize("count", ["0", "-1"])
def test_a_worker_count_below_one_is_refused_before_anything_starts(
    count: str, tmp_path: Path
) -> None:
    database = tmp_path / "never.db"
    done = subprocess.run(
        [sys.executable, "-m", "nba_tracker.cli", "serve", "--workers", count]
        + ["--port", str(free_port()), "--no-collect"],
        env={**os.environ, "NBA_TRACKER_DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--workers" in done.stderr
    assert not database.exists()
