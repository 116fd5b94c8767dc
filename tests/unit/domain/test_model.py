"""The learned classifier: plain-Python scoring, its evidence, and the badge rules
around it (an "official" badge needs the model's confidence and an announcement)."""

from __future__ import annotations

import json
import math

from nba_tracker.domain.analysis import analyze, analyze_with
from nba_tracker.domain.classify import rule_signals
from nba_tracker.domain.labels import Category, Status
from nba_tracker.domain.model import LinearModel, Model, load_model

CATEGORIES = ("Trade", "Signing", "Extension", "Waiver", "Draft", "Other")
STATUSES = ("rumor", "reported", "official")


def _model(category: dict[str, list[float]], status: dict[str, list[float]]) -> Model:
    return Model(
        category=LinearModel(
            CATEGORIES, (0.0, 0.0, 0.0, 0.0, 0.0, 1.0), {k: tuple(v) for k, v in category.items()}
        ),
        status=LinearModel(STATUSES, (0.0, 0.5, 0.0), {k: tuple(v) for k, v in status.items()}),
        official_thresholds={"announced": 0.8, "stated_act": 0.8, "unsourced_act": 0.8},
        meta={},
    )


def test_probabilities_are_a_softmax_of_summed_weights() -> None:
    m = LinearModel(("a", "b"), (0.0, 1.0), {"x": (2.0, 0.0), "y": (0.5, 0.5)})
    p = m.probabilities({"x", "y", "unknown"})
    # a: 0 + 2 + 0.5 = 2.5, b: 1 + 0 + 0.5 = 1.5
    assert math.isclose(p["a"], math.exp(2.5) / (math.exp(2.5) + math.exp(1.5)))
    assert math.isclose(sum(p.values()), 1.0)
    assert m.probabilities(set()) == {"a": 1 / (1 + math.e), "b": math.e / (1 + math.e)}


def test_strongest_feature_is_the_widest_margin_over_the_other_classes() -> None:
    m = Model(
        category=LinearModel(
            ("a", "b"), (0.0, 0.0), {"t:w1": (1.0, 0.9), "t:w2": (0.6, -1.0), "r:x": (9.0, 0.0)}
        ),
        status=LinearModel(("s", "u"), (0.0, 0.0), {"t:w1": (0.0, 2.0), "t:~w": (5.0, 0.0)}),
        official_thresholds={},
        meta={},
    )
    # Rule signals and stems are never shown as evidence: a reader needs words from the text.
    reading = m.read({"t:w1", "t:w2", "r:x", "t:~w"})
    assert m.strongest(reading, "category", "a") == "t:w2"
    assert m.strongest(m.read({"t:w1"}), "category", "b") is None
    assert m.strongest(reading, "status", "u") == "t:w1"
    assert m.strongest(reading, "status", "s") is None
    # One look-up per feature gives each model's own probabilities.
    assert reading.category == m.category.probabilities({"t:w1", "t:w2", "r:x", "t:~w"})
    assert reading.status == m.status.probabilities({"t:w1", "t:w2", "r:x", "t:~w"})


def test_model_json_round_trip() -> None:
    m = _model({"t:trade": [3, 0, 0, 0, 0, 0]}, {"t:officially": [0, 0, 4]})
    again = Model.from_json(json.loads(json.dumps(m.to_json())))
    assert again.category.weights == m.category.weights
    assert again.official_thresholds == m.official_thresholds


def test_the_model_decides_the_category_and_words_become_evidence() -> None:
    m = _model({"t:~trad": [5, 0, 0, 0, 0, 0]}, {"t:agreed": [0, 3, 0]})
    got = analyze_with(m, "Knicks have traded for a guard", "")
    assert got.category is Category.TRADE
    rules = analyze_with(None, "Knicks have traded for a guard", "")
    assert rules.category is Category.TRADE and rules.status is Status.OFFICIAL


def test_official_needs_an_announcement_the_rules_can_point_at() -> None:
    sure = {"t:~sign": [0, 6, 0, 0, 0, 0]}
    m = _model(sure, {"t:~sign": [0, 0, 9]})
    announced = analyze_with(m, "The Hawks have officially signed Jalen Johnson", "")
    assert announced.status is Status.OFFICIAL
    assert announced.status_evidence == "have officially signed"
    # Same confidence, but the item cites sources: never official.
    sourced = analyze_with(m, "Hawks signing Jalen Johnson, sources say", "")
    assert rule_signals("Hawks signing Jalen Johnson, sources say", "").status_reason != "announced"
    assert sourced.status is not Status.OFFICIAL


def test_without_a_model_the_rules_decide_alone() -> None:
    got = analyze_with(None, "Pelicans waive Jordan Hawkins", "")
    assert (got.category, got.status) == (Category.WAIVER, Status.OFFICIAL)
    assert got.category_evidence == "waive"


def test_shipped_model_is_packaged_and_small() -> None:
    model = load_model()
    assert model is not None, "src/nba_tracker/domain/data/model.json is missing: run make train"
    assert model.category.classes == CATEGORIES
    assert model.status.classes == STATUSES
    assert set(model.official_thresholds) == {"announced", "stated_act", "unsourced_act"}
    assert all(0.5 <= t <= 0.99 for t in model.official_thresholds.values())
    assert len(model.category.weights) < 60_000


def test_shipped_model_reads_plain_announcements() -> None:
    got = analyze("The Magic have officially acquired Desmond Bane from the Grizzlies", "")
    assert got.category is Category.TRADE and got.status is Status.OFFICIAL
    assert got.status_evidence == "have officially acquired"
    rumor = analyze("Suns could explore trading Devin Booker this summer", "")
    assert rumor.category is Category.TRADE and rumor.status is Status.RUMOR
    other = analyze("James Harden released from jail after arrest", "")
    assert other.category is Category.OTHER and other.status is None
