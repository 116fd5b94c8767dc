"""What MWAA is given besides the DAG files: plugins.zip and requirements.txt."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.airflow.runtime import ROOT, AirflowRuntime

pytestmark = [pytest.mark.airflow, pytest.mark.slow]


@pytest.fixture(scope="module")
def plugins_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mwaa") / "plugins.zip"
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "build-mwaa-plugins.sh"), str(out)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return out


def test_plugins_zip_holds_the_package_and_nothing_else(plugins_zip: Path, tmp_path: Path) -> None:
    names = zipfile.ZipFile(plugins_zip).namelist()
    assert ".airflowignore" in names
    assert "nba_tracker/ops/core.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert {n.split("/")[0] for n in names} == {".airflowignore", "nba_tracker"}
    # Reproducible: an unchanged package uploads as an unchanged object.
    again = tmp_path / "again.zip"
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "build-mwaa-plugins.sh"), str(again)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert again.read_bytes() == plugins_zip.read_bytes()


def test_airflow_loads_the_plugins_folder_cleanly(
    airflow_runtime: AirflowRuntime, plugins_zip: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "plugins"
    zipfile.ZipFile(plugins_zip).extractall(folder)
    out = tmp_path / "plugins.json"
    report = airflow_runtime.run(
        "plugins_check",
        str(folder),
        str(out),
        out=out,
        env={"AIRFLOW__CORE__PLUGINS_FOLDER": str(folder)},
    ).report
    assert report["import_errors"] == {}
    for path in report["modules"].values():
        assert path.startswith(str(folder.resolve())), path


def test_requirements_bound_rather_than_pin_constrained_packages() -> None:
    """MWAA applies its own constraints file; an exact pin that differs would fail."""
    lines = [
        line.split("#")[0].strip()
        for line in (ROOT / "airflow" / "requirements.txt").read_text().splitlines()
    ]
    reqs = [line for line in lines if line]
    assert not [r for r in reqs if r.startswith(("--constraint", "-c "))]
    names = {r.split(">")[0].split("<")[0].split("=")[0].strip().lower() for r in reqs}
    assert {"typer", "rich"} <= names
    assert "apache-airflow" not in names, "never reinstall Airflow on MWAA"
