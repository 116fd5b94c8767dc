"""Run driver scripts with an Airflow virtualenv's python and read their JSON reports."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DAGS = ROOT / "airflow" / "dags"
DRIVERS = Path(__file__).resolve().parent / "drivers"
VERSIONS = ("2", "3")

# Nothing of the caller's Airflow or tracker configuration may leak into a run.
_DROP_PREFIXES = ("AIRFLOW", "NBA_TRACKER_")


@dataclass
class DriverRun:
    report: dict[str, Any]
    output: str


@dataclass
class AirflowRuntime:
    major: str
    python: Path
    home: Path

    @property
    def bin(self) -> Path:
        return self.python.parent

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_DROP_PREFIXES)}
        env.update(
            AIRFLOW_HOME=str(self.home),
            AIRFLOW__CORE__DAGS_FOLDER=str(DAGS),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT="60",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra or {})
        return env

    def run(
        self,
        driver: str,
        *args: str,
        out: Path,
        env: dict[str, str] | None = None,
        timeout: float = 240,
    ) -> DriverRun:
        """Run ``drivers/<driver>.py`` with the version's python; its report and output."""
        proc = subprocess.run(
            [str(self.python), str(DRIVERS / f"{driver}.py"), *args],
            env=self.env(env),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output = proc.stdout + proc.stderr
        if proc.returncode != 0 or not out.exists():
            raise AssertionError(
                f"driver {driver} on Airflow {self.major} exited {proc.returncode}:\n{output[-6000:]}"
            )
        return DriverRun(json.loads(out.read_text()), output)
