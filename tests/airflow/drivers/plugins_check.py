"""Load MWAA's plugins folder (plugins.zip unpacked) the way Airflow does, then import
the maintenance code from it: ``plugins_check.py PLUGINS_FOLDER OUT``.

AIRFLOW__CORE__PLUGINS_FOLDER must point at the same folder.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path


def main(folder: str, out: str) -> None:
    import airflow
    from airflow import plugins_manager

    plugins_manager.ensure_plugins_loaded()
    if hasattr(plugins_manager, "get_import_errors"):  # Airflow 3
        errors = plugins_manager.get_import_errors()
    else:
        errors = plugins_manager.import_errors

    # The folder first, so the package comes from it and not from the venv's install.
    sys.path.insert(0, folder)
    modules = {}
    for name in ("nba_tracker.ops.core", "nba_tracker.ops.naming"):
        modules[name] = str(Path(importlib.import_module(name).__file__ or "").resolve())
    report = {
        "airflow_version": airflow.__version__,
        "import_errors": {str(k): str(v) for k, v in (errors or {}).items()},
        "modules": modules,
    }
    Path(out).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
