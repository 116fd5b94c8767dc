"""Run the league-log DAG's helpers the way its tasks do, on cases the test gives:
``league_log_check.py DAGS OUT CASES_JSON`` with ``{"due": [[moment, window], ...],
"windows": [text, ...], "results": [result, ...]}``; each answer is a value or the
failure's ``Class: message``."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import datetime
from pathlib import Path

from _common import on_import_path


def main(dags_folder: str, out: str, cases: str) -> None:
    on_import_path(dags_folder)
    path = Path(dags_folder) / "nba_league_log.py"
    spec = importlib.util.spec_from_file_location("nba_league_log_under_test", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    given = json.loads(cases)

    def judged(call):  # noqa: ANN001, ANN202 - a driver, not the product
        try:
            return call()
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"

    due = [
        judged(
            lambda m=moment, w=window: module.is_due(
                datetime.fromisoformat(m), module.parse_window(w)
            )
        )
        for moment, window in given["due"]
    ]
    windows = [judged(lambda w=w: str(module.parse_window(w))) for w in given["windows"]]
    results = [
        judged(lambda r=r: "in_progress" if module.check_result(r).get("inProgress") else "ok")
        for r in given["results"]
    ]
    Path(out).write_text(json.dumps({"due": due, "windows": windows, "results": results}))


if __name__ == "__main__":
    main(*sys.argv[1:])
