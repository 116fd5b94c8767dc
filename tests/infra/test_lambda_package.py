"""The stop/start Lambda's package (infra/scripts/build_lambda_zip.py): reproducible and
holding the handler's package."""

from __future__ import annotations

import hashlib
import importlib.util
import zipfile
from pathlib import Path

from tests.infra.conftest import INFRA, REPO

HANDLER = "nba_tracker.lambdas.scheduler.handler"


def load_builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "build_lambda_zip", INFRA / "scripts" / "build_lambda_zip.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_package_is_reproducible_and_holds_the_handler(tmp_path: Path) -> None:
    builder = load_builder()
    first = builder.build(tmp_path / "a.zip")
    second = builder.build(tmp_path / "b.zip")
    assert (
        hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    )
    names = zipfile.ZipFile(first).namelist()
    assert "nba_tracker/__init__.py" in names
    assert all(n.startswith("nba_tracker/") and n.endswith(".py") for n in names)
    module_file = "/".join(HANDLER.split(".")[:-1]) + ".py"
    if (REPO / "src" / module_file).exists():
        assert module_file in names
    scheduler_vars = (INFRA / "terraform" / "modules" / "scheduler" / "variables.tf").read_text()
    assert f'default     = "{HANDLER}"' in scheduler_vars
