"""The learned half of the classifier: two linear models (category; status of a
transaction) over the features of ``domain.features``, trained offline by ``make train``
and shipped as ``data/model.json``.

Scoring is a sum of weights per class and a softmax, in plain Python: a few hundred
dictionary look-ups per article, no numerical library at run time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["LinearModel", "Model", "Reading", "load_model"]

MODEL_FILE = "model.json"


def _evidence(feature: str, row: tuple[float, ...]) -> tuple[int, float]:
    """The class (index) a feature is evidence for and its margin there over the
    runner-up, or (-1, 0.0): only the class a feature favours most can have a positive
    margin. Rule signals and stems ("t:~trad") are not words a reader can find in the
    text; only the text's own words are evidence."""
    if feature.startswith("r:") or feature[2:3] == "~":
        return -1, 0.0
    first, second = sorted(row, reverse=True)[:2]
    return (row.index(first), first - second) if first > second else (-1, 0.0)


@dataclass(frozen=True, slots=True)
class LinearModel:
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        return cls(
            classes=tuple(data["classes"]),
            bias=tuple(map(float, data["bias"])),
            weights={k: tuple(map(float, v)) for k, v in data["weights"].items()},
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "classes": list(self.classes),
            "bias": [round(b, 4) for b in self.bias],
            # Three decimals: a change of 0.0005 in one weight moves no probability visibly.
            "weights": {k: [round(w, 3) for w in v] for k, v in sorted(self.weights.items())},
        }

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        # A look-up per feature: ``weights.keys() & features`` reads like less work but
        # copies every key of the model into a set first.
        rows = [row for row in map(self.weights.get, features) if row is not None]
        # Column sums in C (zip/sum) rather than a Python loop per class.
        return self.softmax(
            [sum(col) for col in zip(*rows, strict=True)] if rows else [0.0] * len(self.bias)
        )

    def softmax(self, sums: list[float]) -> dict[str, float]:
        """Class probabilities given the sums of an article's weights per class."""
        totals = [b + s for b, s in zip(self.bias, sums, strict=True)]
        top = max(totals)
        exps = [math.exp(t - top) for t in totals]
        norm = sum(exps)
        return {c: e / norm for c, e in zip(self.classes, exps, strict=True)}


@dataclass(frozen=True, slots=True)
class Reading:
    """What ``Model.read`` makes of one article."""

    category: dict[str, float]
    status: dict[str, float]
    # The article's features the model knows, with their rows: the evidence is chosen
    # among these.
    hits: list[tuple[str, tuple[float, ...]]]


@dataclass(frozen=True, slots=True)
class Model:
    category: LinearModel
    status: LinearModel
    # The least probability of "official" that earns the badge, per kind of
    # announcement the rules found (``RuleSignals.status_reason``: "announced" for
    # explicit words, "stated_act" for "has signed", "completed", "unsourced_act" for a
    # move stated with no source at all); with no announcement, no badge. Chosen in
    # training for precision, the costliest error.
    official_thresholds: dict[str, float]
    meta: dict[str, Any]
    # Everything the model knows of a feature in one row, under one key: the category
    # weights, the status weights (zeros where a model lacks the feature), then for each
    # model the class the feature is evidence for (-1: none) and its margin there. An
    # article's features are looked up once, not once per model and again for the
    # evidence: the look-ups are most of the scoring time, as they miss the CPU caches
    # (tens of thousands of keys).
    _rows: dict[str, tuple[float, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        category, status = self.category, self.status
        no_category, no_status = (0.0,) * len(category.classes), (0.0,) * len(status.classes)
        rows = {}
        for f in dict.fromkeys([*category.weights, *status.weights]):
            by_category = category.weights.get(f, no_category)
            by_status = status.weights.get(f, no_status)
            rows[f] = by_category + by_status + _evidence(f, by_category) + _evidence(f, by_status)
        object.__setattr__(self, "_rows", rows)

    def read(self, features: Iterable[str]) -> Reading:
        """Category and status probabilities of one article (the same figures as each
        model's ``probabilities``: adding a zero changes no sum) and the known features
        behind them, from one look-up per feature."""
        known = self._rows.get
        hits = [(f, row) for f in features if (row := known(f)) is not None]
        n, m = len(self.category.classes), len(self.status.classes)
        totals = (
            [sum(col) for col in zip(*(row for _, row in hits), strict=True)]
            if hits
            else [0.0] * (n + m)
        )
        return Reading(
            self.category.softmax(totals[:n]),
            self.status.softmax(totals[n : n + m]),
            hits,
        )

    def strongest(self, reading: Reading, part: str, cls: str) -> str | None:
        """The word feature of a ``reading`` that pushes the ``part`` model ("category"
        or "status") hardest towards ``cls`` against its runner-up class: the model's
        own evidence. Ties go to the alphabetically first feature: a set's order changes
        from process to process, the evidence must not."""
        model = self.category if part == "category" else self.status
        wanted = model.classes.index(cls)
        # The evidence columns follow both models' weights (see ``_rows``).
        col = len(self.category.classes) + len(self.status.classes)
        col += 0 if part == "category" else 2
        present = [(-row[col + 1], f) for f, row in reading.hits if row[col] == wanted]
        return min(present)[1] if present else None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        return cls(
            category=LinearModel.from_json(data["category"]),
            status=LinearModel.from_json(data["status"]),
            official_thresholds={k: float(v) for k, v in data["official_thresholds"].items()},
            meta=dict(data.get("meta", {})),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "official_thresholds": {k: round(v, 4) for k, v in self.official_thresholds.items()},
            "category": self.category.to_json(),
            "status": self.status.to_json(),
        }


@cache
def load_model() -> Model | None:
    """The shipped model, or None when the package carries none (the rules then decide
    alone)."""
    try:
        text = resources.files("nba_tracker.domain").joinpath("data", MODEL_FILE).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    return Model.from_json(json.loads(text))
