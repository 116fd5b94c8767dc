"""What the drivers share; imported from the Airflow virtualenv, never from the project's."""

from __future__ import annotations

import inspect
from typing import Any


def load_dagbag(dags_folder: str) -> Any:
    """A DagBag of the folder only; Airflow 3.3 dropped ``include_examples``."""
    from airflow.models import DagBag

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
