"""Resolve the API base URL and token the way the scraper's tasks do, for each given
value of the connection: ``connection_check.py DAGS OUT VALUES_JSON``."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path


def main(dags_folder: str, out: str, values: str) -> None:
    path = Path(dags_folder) / "nba_rss_scraper.py"
    spec = importlib.util.spec_from_file_location("nba_rss_scraper_under_test", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    results = []
    for value in json.loads(values):
        os.environ["AIRFLOW_CONN_NBA_TRACKER_API"] = value
        base, token = module.api_endpoint()
        results.append({"base": base, "token": token})
    Path(out).write_text(json.dumps(results))


if __name__ == "__main__":
    main(*sys.argv[1:])
