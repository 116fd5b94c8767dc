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

__all__ = ["LinearModel", "Model", "load_model"]

MODEL_FILE = "model.json"


@dataclass(frozen=True, slots=True)
class LinearModel:
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    # Per class, each word feature's margin over the runner-up class, where positive:
    # computed once, so the evidence of an article is a look-up per feature, not a max
    # over the classes per feature.
    _margins: tuple[dict[str, float], ...] = field(
        init=False, repr=False, compare=False, default=()
    )

    def __post_init__(self) -> None:
        margins: list[dict[str, float]] = [{} for _ in self.classes]
        for feature, row in self.weights.items():
            # Rule signals and stems ("t:~trad") are not words a reader can find in the
            # text; only the text's own words are evidence.
            if feature.startswith("r:") or feature[2:3] == "~":
                continue
            # Only the class the feature favours most can have a positive margin.
            first, second = sorted(row, reverse=True)[:2]
            if first > second:
                margins[row.index(first)][feature] = first - second
        object.__setattr__(self, "_margins", tuple(margins))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        return cls(
            classes=tuple(data["classes"]),
            bias=tuple(float(b) for b in data["bias"]),
            weights={k: tuple(float(w) for w in v) for k, v in data["weights"].items()},
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
        totals = (
            [b + sum(col) for b, col in zip(self.bias, zip(*rows, strict=True), strict=True)]
            if rows
            else list(self.bias)
        )
        top = max(totals)
        exps = [math.exp(t - top) for t in totals]
        norm = sum(exps)
        return {c: e / norm for c, e in zip(self.classes, exps, strict=True)}

    def strongest(self, features: Iterable[str], cls: str) -> str | None:
        """The present word feature that pushes hardest towards ``cls`` against the
        runner-up classes: the model's own evidence."""
        margins = self._margins[self.classes.index(cls)]
        # A look-up per feature, as in ``probabilities``: ``margins.keys() & features``
        # would copy every key first.
        present = [f for f in features if f in margins]
        if not present:
            return None
        # Ties go to the alphabetically first feature: a set's order changes from
        # process to process, the evidence must not.
        return min(present, key=lambda f: (-margins[f], f))


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
