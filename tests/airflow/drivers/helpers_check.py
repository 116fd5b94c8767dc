"""Run the scraper DAG's helpers the way its tasks do, on cases the test gives:
``helpers_check.py DAGS OUT CASES_JSON`` with ``{"connections": [...], "scrape_results": [...]}``.

Each connection value is set as AIRFLOW_CONN_NBA_TRACKER_API in turn; each scrape
result is judged: ``ok``, ``in_progress`` or the failure message.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

from _common import on_import_path


def main(dags_folder: str, out: str, cases: str) -> None:
    on_import_path(dags_folder)
    path = Path(dags_folder) / "nba_rss_scraper.py"
    spec = importlib.util.spec_from_file_location("nba_rss_scraper_under_test", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    given = json.loads(cases)
    import nba_tracker_api  # the helper module beside the DAG files

    connections = []
    for value in given.get("connections", []):
        os.environ["AIRFLOW_CONN_NBA_TRACKER_API"] = value
        base, token = nba_tracker_api.api_endpoint()
        connections.append({"base": base, "token": token})

    verdicts = []
    for result in given.get("scrape_results", []):
        if module.collection_in_progress(result):
            verdicts.append("in_progress")
            continue
        try:
            module.check_scrape(result)
            verdicts.append("ok")
        except Exception as exc:
            verdicts.append(f"{type(exc).__name__}: {exc}")
    Path(out).write_text(json.dumps({"connections": connections, "scrape_results": verdicts}))


if __name__ == "__main__":
    main(*sys.argv[1:])
