"""Run one DAG with ``dag.test()`` and report each task's state and XCom.

Run by the Airflow virtualenv's python: ``run_dag.py DAGS DAG_ID OUT [OVERRIDES_JSON]``.
OVERRIDES_JSON maps task ids to attributes to set before the run, e.g. a short sensor
timeout: ``{"wait_for_api": {"timeout": 5, "poke_interval": 1}}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from _common import load_dagbag


def _state(state: Any) -> str | None:
    return None if state is None else str(getattr(state, "value", state))


def xcom_value(dag_run: Any, task_id: str) -> Any:
    try:  # Airflow 3
        from airflow.models.xcom import XComModel
    except ImportError:  # Airflow 2.10
        from airflow.models.xcom import XCom

        return XCom.get_one(run_id=dag_run.run_id, dag_id=dag_run.dag_id, task_id=task_id)
    from airflow.utils.session import create_session

    with create_session() as session:
        query = XComModel.get_many(
            run_id=dag_run.run_id, dag_ids=dag_run.dag_id, task_ids=task_id, key="return_value"
        )
        row = session.scalars(query).first()
        return XComModel.deserialize_value(row) if row is not None else None


def main(dags_folder: str, dag_id: str, out: str, overrides: str = "{}") -> None:
    import airflow

    bag = load_dagbag(dags_folder)
    if bag.import_errors:
        raise SystemExit(f"import errors: {bag.import_errors}")
    dag = bag.get_dag(dag_id)
    for task_id, attrs in json.loads(overrides).items():
        for name, value in attrs.items():
            setattr(dag.get_task(task_id), name, value)

    dag_run = dag.test()

    from airflow.utils.session import create_session

    with create_session() as session:
        tis = dag_run.get_task_instances(session=session)
        states = {ti.task_id: _state(ti.state) for ti in tis}
        run_state = _state(dag_run.get_state())
    report = {
        "airflow_version": airflow.__version__,
        "run_id": dag_run.run_id,
        "state": run_state,
        "tasks": states,
        "xcom": {task_id: xcom_value(dag_run, task_id) for task_id in states},
    }
    Path(out).write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:])
