"""``nba-tracker alerts`` as a real subprocess on a real database file: add (bad input
refused with exit 2), list without secrets, test against a loopback receiver, remove."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.receivers import Answer, Receiver


def run(db: Path, *args: str, loopback: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "NBA_TRACKER_DATABASE_URL": f"sqlite:///{db}",
        "NBA_TRACKER_ALERTS_ALLOW_LOOPBACK": "true" if loopback else "false",
    }
    return subprocess.run(
        [sys.executable, "-m", "nba_tracker.cli", "alerts", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_add_list_test_remove(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    with Receiver() as ok, Receiver(lambda _r: Answer(410)) as gone:
        added = run(db, "add", "webhook", ok.url(), "--team", "LAL,bos", "--name", "LA", "--json")
        assert added.returncode == 0, added.stderr
        sub = json.loads(added.stdout)
        assert sub["teams"] == ["BOS", "LAL"] and len(sub["secret"]) > 20

        refused = run(db, "add", "webhook", "https://10.0.0.1/x", loopback=False)
        assert refused.returncode == 2
        assert "private" in refused.stderr and "Traceback" not in refused.stderr
        assert run(db, "add", "webhook", ok.url(), "--team", "XYZ").returncode == 2
        assert run(db, "add", "carrier-pigeon", ok.url()).returncode == 2

        listed = json.loads(run(db, "list", "--json").stdout)
        assert [s["id"] for s in listed] == [sub["id"]]
        assert "secret" not in listed[0] and listed[0]["target"].endswith("/…")

        tested = run(db, "test", str(sub["id"]))
        assert tested.returncode == 0, tested.stderr
        [request] = ok.requests
        assert json.loads(request.body)["test"] is True

        other = json.loads(run(db, "add", "slack", gone.url(), "--json").stdout)
        failed = run(db, "test", str(other["id"]))
        assert failed.returncode == 1 and "HTTP 410" in failed.stderr

    assert run(db, "remove", str(sub["id"])).returncode == 0
    assert run(db, "remove", str(sub["id"])).returncode == 2
    assert [s["id"] for s in json.loads(run(db, "list", "--json").stdout)] == [other["id"]]
    delivered = json.loads(run(db, "dispatch", "--json").stdout)
    assert delivered == {"delivered": 0, "retried": 0, "failed": 0}
