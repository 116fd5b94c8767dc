"""Load the DAG folder the way the scheduler does and report what a test needs to know.

Run by the Airflow virtualenv's python (not the project's): ``dagbag_check.py DAGS OUT``.
While the files are parsed, ``Variable.get`` and socket connections are intercepted:
a DAG file must parse offline and without reading Variables.
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from unittest import mock

from _common import load_dagbag, warm_up


def main(dags_folder: str, out: str) -> None:
    from airflow.models import Variable

    import airflow

    warm_up()

    variable_calls: list[str] = []
    connects: list[str] = []

    def fake_variable_get(*args: object, **kwargs: object) -> object:
        variable_calls.append(repr(args[-1] if args else kwargs))
        raise RuntimeError("Variable.get() while parsing a DAG file")

    real_connect = socket.socket.connect

    def fake_connect(self: socket.socket, address: object) -> None:
        if self.family != socket.AF_UNIX:
            connects.append(repr(address))
            raise OSError("network access while parsing a DAG file")
        real_connect(self, address)

    patches = [
        mock.patch.object(Variable, "get", side_effect=fake_variable_get),
        mock.patch.object(socket.socket, "connect", fake_connect),
        mock.patch.object(socket.socket, "connect_ex", fake_connect),
    ]
    try:  # Airflow 3: DAG files use the Task SDK's Variable
        from airflow.sdk import Variable as SdkVariable

        patches.append(mock.patch.object(SdkVariable, "get", side_effect=fake_variable_get))
    except ImportError:
        pass

    already = set(sys.modules)
    for p in patches:
        p.start()
    try:
        bag = load_dagbag(dags_folder)
    finally:
        for p in patches:
            p.stop()
    # Heavy or deployment-specific packages belong inside tasks, not at parse time.
    imported = sorted(
        name
        for name in set(sys.modules) - already
        if name.split(".")[0] in {"nba_tracker", "boto3", "botocore", "requests"}
    )

    dags = {}
    for dag_id, dag in bag.dags.items():
        dags[dag_id] = {
            "fileloc": str(Path(dag.fileloc).name),
            "tags": sorted(dag.tags or []),
            "catchup": dag.catchup,
            "max_active_runs": dag.max_active_runs,
            "has_doc_md": bool(dag.doc_md),
            "schedule": str(getattr(dag, "schedule", None) or dag.timetable.summary),
            "tasks": {
                t.task_id: {
                    "retries": t.retries,
                    "retry_exponential_backoff": bool(t.retry_exponential_backoff),
                    "operator": type(t).__name__,
                    "mode": getattr(t, "mode", None),
                    "timeout": getattr(t, "timeout", None),
                    "downstream": sorted(t.downstream_task_ids),
                }
                for t in dag.tasks
            },
        }
    report = {
        "airflow_version": airflow.__version__,
        "import_errors": {str(k): str(v) for k, v in bag.import_errors.items()},
        "dags": dags,
        "parse_seconds": {
            Path(stat.file).name: stat.duration.total_seconds() for stat in bag.dagbag_stats
        },
        "variable_calls": variable_calls,
        "connects": connects,
        "imported_at_parse": imported,
    }
    Path(out).write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
