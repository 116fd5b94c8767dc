"""The labelled corpus and the shipped model's honest figures on it.

The corpus text is third-party and lives in ../shared/corpus (never in the repo); these
tests skip with one line when it is absent. CI has it, so there they run.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from nba_tracker.domain.model import load_model  # noqa: E402
from nba_tracker.domain.teams import ALL_TEAMS  # noqa: E402
from training import corpus  # noqa: E402
from training.evaluate import frozen_test, rules_only  # noqa: E402

pytestmark = pytest.mark.skipif(
    not corpus.available(), reason=f"no labelled-corpus text at {corpus.CORPUS}"
)


@pytest.fixture(scope="module")
def rows() -> list[corpus.Row]:
    return corpus.load_rows()


def test_labels_are_well_formed() -> None:
    abbreviations = {t.abbreviation for t in ALL_TEAMS}
    for path in corpus.label_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            label = json.loads(line)
            assert set(label) == {"guid", "category", "status", "teams", "players", "confidence"}
            assert label["category"] in corpus.CATEGORIES
            assert (label["status"] is None) == (label["category"] == "Other"), label
            assert label["status"] is None or label["status"] in corpus.STATUSES
            assert set(label["teams"]) <= abbreviations, label
            assert label["confidence"] in ("high", "low")


def test_labels_cover_thousands_of_items_from_every_source(rows: list[corpus.Row]) -> None:
    assert len(rows) >= 3000
    assert {r.source for r in rows} == set(corpus.SOURCES)
    other = sum(r.category == "Other" for r in rows) / len(rows)
    assert other >= 0.40, f"only {other:.0%} non-transactions; a live feed has far more"
    by_category = Counter(r.category for r in rows)
    assert all(by_category[c] >= 40 for c in corpus.CATEGORIES), by_category
    # Every label names an item that is really in the corpus.
    labelled = corpus.read_labels(corpus.label_files())
    assert len(rows) == len(labelled)


def test_shipped_model_never_saw_a_frozen_row(rows: list[corpus.Row]) -> None:
    model = load_model()
    assert model is not None
    trained_on = [r for r in rows if not r.frozen_test] + corpus.handwritten_rows()
    digest = hashlib.sha256("\n".join(sorted(r.guid for r in trained_on)).encode()).hexdigest()
    assert model.meta["rows_digest"] == digest[:16], "model.json is stale: run make train"
    assert not set(model.meta) - {
        "rows",
        "rows_digest",
        "c_category",
        "c_status",
        "min_count",
        "prune",
    }


def test_frozen_test_figures_hold_and_beat_the_rules(rows: list[corpus.Row]) -> None:
    shipped = frozen_test(rows)["overall"]
    rules = rules_only(rows)["overall"]
    # Floors a little under today's measurement: a change that loses more is a regression.
    assert shipped["category_accuracy"] >= 0.85, shipped["category_accuracy"]
    # Measured 0.976 (one wrong badge in ~40), under the 0.98 goal: see docs/understanding.md.
    assert shipped["official_precision"] >= 0.97, shipped["official_precision"]
    assert shipped["other_recall"] >= 0.95, shipped["other_recall"]
    assert shipped["status_accuracy_read_as_transaction"] >= 0.82
    assert shipped["category_accuracy"] > rules["category_accuracy"] + 0.05
    assert shipped["official_precision"] > rules["official_precision"]
