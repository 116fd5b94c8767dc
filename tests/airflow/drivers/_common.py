"""What the drivers share; imported from the Airflow virtualenv, never from the project's."""

from __future__ import annotations

import inspect
import sys
from typing import Any


def on_import_path(dags_folder: str) -> None:
    """Put the DAG folder on ``sys.path`` as the scheduler does: Airflow 2 at start-up,
    Airflow 3's DAG processor and task runner per bundle (``BundleDagBag``); a plain
    DagBag on Airflow 3 does not, and the DAG files import the helper module beside them."""
    if dags_folder not in sys.path:
        sys.path.append(dags_folder)


def load_dagbag(dags_folder: str) -> Any:
    """A DagBag of the folder only; Airflow 3.3 dropped ``include_examples``."""
    from airflow.models import DagBag

    on_import_path(dags_folder)

    kwargs: dict[str, Any] = {"dag_folder": dags_folder}
    if "include_examples" in inspect.signature(DagBag.__init__).parameters:
        kwargs["include_examples"] = False
    return DagBag(**kwargs)


def warm_up() -> None:
    """Pay Airflow's one-time lazy imports (TaskFlow decorators, providers discovery) up
    front, as a long-running DAG processor has, so a file's parse time is its own."""
    try:
        from airflow.sdk import dag, task
    except ImportError:
        from airflow.decorators import dag, task
    assert dag and task.sensor and task.python
