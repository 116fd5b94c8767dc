"""Real Airflow, each major version in its own virtualenv, driven from the project's pytest.

Airflow 2.10 needs SQLAlchemy < 2 and cannot share the project's environment, so the
tests run small driver scripts (``drivers/``) with the Airflow venv's python and read
the JSON each one writes. A venv and its migrated metadata database are made once per
session per version.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.airflow.runtime import DAGS, ROOT, VERSIONS, AirflowRuntime
from tests.conftest import unavailable


def _make_runtime(major: str, home: Path) -> AirflowRuntime:
    script = ROOT / "scripts" / "airflow-venv.sh"
    try:
        proc = subprocess.run(
            ["bash", str(script), major], cwd=ROOT, capture_output=True, text=True, timeout=600
        )
    except subprocess.TimeoutExpired:
        unavailable(f"creating the Airflow {major} virtualenv took over 10 minutes")
    if proc.returncode != 0:
        unavailable(f"cannot create the Airflow {major} virtualenv:\n{proc.stderr[-3000:]}")
    runtime = AirflowRuntime(major, Path(proc.stdout.strip().splitlines()[-1]), home)
    migrate = subprocess.run(
        [str(runtime.bin / "airflow"), "db", "migrate"],
        env=runtime.env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if migrate.returncode != 0:
        raise AssertionError(f"airflow db migrate failed on {major}:\n{migrate.stderr[-3000:]}")
    return runtime


@pytest.fixture(scope="session", params=VERSIONS, ids=lambda v: f"airflow{v}")
def airflow_runtime(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AirflowRuntime:
    major: str = request.param
    return _make_runtime(major, tmp_path_factory.mktemp(f"airflow{major}-home"))


@pytest.fixture(scope="session")
def dagbag_report(
    airflow_runtime: AirflowRuntime, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """What the DagBag of ``airflow/dags`` holds on this version (loaded once)."""
    out = tmp_path_factory.mktemp(f"dagbag{airflow_runtime.major}") / "dagbag.json"
    return airflow_runtime.run("dagbag_check", str(DAGS), str(out), out=out).report
