"""The labelled set in tests/data keeps the understanding layer honest."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]


def _eval_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "eval_understanding", ROOT / "bench" / "eval_understanding.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_labelled_set_is_large_and_varied() -> None:
    rows = _eval_module().load()
    assert len(rows) >= 400
    categories = {r["category"] for r in rows}
    assert categories == {"Trade", "Signing", "Extension", "Waiver", "Draft", "Other"}
    assert len({t for r in rows for t in r["teams"]}) == 30


def test_category_accuracy_at_least_90_percent() -> None:
    result = _eval_module().evaluate(_eval_module().load())
    assert result["category_accuracy"] >= 0.90, result
    assert result["status_accuracy"] >= 0.85, result
    assert result["teams"]["f1"] >= 0.90, result
    assert result["players"]["f1"] >= 0.90, result
