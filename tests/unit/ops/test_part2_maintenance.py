"""Maintenance checklist items that the repository itself answers."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from nba_tracker.ops.maintenance import aws as maintenance


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(maintenance, "_repo_root", lambda: tmp_path)
    return tmp_path


def test_a_lock_file_untouched_for_90_days_is_a_warning(checkout: Path) -> None:
    lock = checkout / "uv.lock"
    lock.write_text("version = 1\n")
    old = time.time() - 120 * 86400
    os.utime(lock, (old, old))
    name, state, detail = maintenance.lock_file_item(
        "Python dependencies", ("uv.lock",), "uv lock --upgrade"
    )
    assert (name, state) == ("Python dependencies", "warn")
    assert detail == "uv.lock last updated 120 days ago; uv lock --upgrade"


def test_a_fresh_lock_file_is_ok(checkout: Path) -> None:
    (checkout / "uv.lock").write_text("version = 1\n")
    assert maintenance.lock_file_item("deps", ("uv.lock",), "x")[1] == "ok"


def test_no_lock_file_is_said_not_guessed(checkout: Path) -> None:
    state, detail = maintenance.lock_file_item(
        "Terraform providers", ("infra/*/.terraform.lock.hcl",), "terraform init -upgrade"
    )[1:]
    assert state == "not checked"
    assert "terraform init -upgrade and commit it" in detail
