"""How well the tracker understands real outlet text, measured honestly.

Three measurements, each per source and overall:

- ``frozen_test``: the shipped model and rules on the frozen quarter of the labelled
  corpus (chosen by guid, ``corpus.is_frozen_test``). No rule was written and no weight
  fitted while looking at those rows: this is the headline figure.
- ``cross_validation``: k-fold cross-validation over the development rows, the model
  re-fitted on k-1 folds each time with the shipped settings: a second, larger sample.
- ``rules_only``: the hand-written rules alone on the frozen rows, the baseline the
  model has to beat to be kept.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nba_tracker.domain._fold import fold_key
from nba_tracker.domain.analysis import Analysis, TeamOf, analyze_with
from nba_tracker.domain.league_log import Rosters
from nba_tracker.domain.model import Model, load_model
from training.corpus import CATEGORIES, STATUSES, Row, handwritten_rows
from training.learn import featurize, held_out_models

TARGETS = {
    "category_accuracy": 0.95,
    "status_accuracy": 0.90,
    "official_precision": 0.98,
    "other_recall": 0.95,
    "team_f1": 0.97,
    "player_f1": 0.95,
}


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[str], got: set[str]) -> None:
        self.tp += len(gold & got)
        self.fp += len(got - gold)
        self.fn += len(gold - got)

    def figures(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


@dataclass
class Tally:
    n: int = 0
    category_ok: int = 0
    status_n: int = 0
    status_ok: int = 0
    # Status where the item is a transaction and was read as one: how well the tracker
    # tells rumor from report from announcement, apart from category errors.
    agreed_n: int = 0
    agreed_ok: int = 0
    official_badges: int = 0
    official_right: int = 0
    category_cm: Counter[tuple[str, str]] = field(default_factory=Counter)
    status_cm: Counter[tuple[str, str]] = field(default_factory=Counter)
    teams: PRF = field(default_factory=PRF)
    players: PRF = field(default_factory=PRF)

    def add(self, row: Row, got: Analysis) -> None:
        category = str(got.category)
        status = str(got.status) if got.status else "-"
        self.n += 1
        self.category_ok += category == row.category
        self.category_cm[(row.category, category)] += 1
        if row.status:
            self.status_n += 1
            self.status_ok += status == row.status
            self.status_cm[(row.status, status)] += 1
            if status != "-":
                self.agreed_n += 1
                self.agreed_ok += status == row.status
        if status == "official":
            self.official_badges += 1
            self.official_right += row.status == "official"
        self.teams.add(set(row.teams), set(got.teams))
        self.players.add(
            {fold_key(p) for p in row.players}, {fold_key(p.name) for p in got.players}
        )

    def figures(self) -> dict[str, Any]:
        per_class = {}
        for c in CATEGORIES:
            tp = self.category_cm[(c, c)]
            gold = sum(v for (g, _), v in self.category_cm.items() if g == c)
            pred = sum(v for (_, p), v in self.category_cm.items() if p == c)
            per_class[c] = {
                "precision": round(tp / pred, 4) if pred else None,
                "recall": round(tp / gold, 4) if gold else None,
                "support": gold,
            }
        return {
            "articles": self.n,
            "category_accuracy": round(self.category_ok / self.n, 4) if self.n else None,
            "status_accuracy": round(self.status_ok / self.status_n, 4) if self.status_n else None,
            "transactions": self.status_n,
            "status_accuracy_read_as_transaction": (
                round(self.agreed_ok / self.agreed_n, 4) if self.agreed_n else None
            ),
            "official_precision": (
                round(self.official_right / self.official_badges, 4)
                if self.official_badges
                else None
            ),
            "official_badges": self.official_badges,
            "other_recall": per_class["Other"]["recall"],
            "per_class": per_class,
            "teams": self.teams.figures(),
            "players": self.players.figures(),
            "category_confusion": {
                g: {p: self.category_cm[(g, p)] for p in CATEGORIES} for g in CATEGORIES
            },
            "status_confusion": {
                g: {p: self.status_cm[(g, p)] for p in (*STATUSES, "-")} for g in STATUSES
            },
        }


def score(
    rows: Sequence[Row], judge: Callable[[Row], Analysis]
) -> tuple[dict[str, Any], list[tuple[Row, Analysis]]]:
    """Figures overall and per source, and the rows judged wrongly."""
    overall, by_source = Tally(), defaultdict(Tally)
    misses = []
    for row in rows:
        got = judge(row)
        overall.add(row, got)
        by_source[row.source].add(row, got)
        wrong = (
            str(got.category) != row.category
            or (str(got.status) if got.status else None) != row.status
            or set(got.teams) != set(row.teams)
            or {fold_key(p.name) for p in got.players} != {fold_key(p) for p in row.players}
        )
        if wrong:
            misses.append((row, got))
    return {
        "overall": overall.figures(),
        "sources": {s: t.figures() for s, t in sorted(by_source.items())},
    }, misses


def _team_of(rosters: Rosters | None, row: Row) -> TeamOf | None:
    """The players' teams on the item's day, as a collection that has stored the league
    log links by (None: figures without the log)."""
    return rosters.on(row.published) if rosters is not None else None


def frozen_test(
    rows: Sequence[Row], model: Model | None = None, rosters: Rosters | None = None
) -> dict[str, Any]:
    shipped = model if model is not None else load_model()
    test = [r for r in rows if r.frozen_test]
    return score(test, lambda r: analyze_with(shipped, r.title, r.summary, _team_of(rosters, r)))[0]


def rules_only(rows: Sequence[Row], rosters: Rosters | None = None) -> dict[str, Any]:
    test = [r for r in rows if r.frozen_test]
    return score(test, lambda r: analyze_with(None, r.title, r.summary, _team_of(rosters, r)))[0]


def cross_validation(
    rows: Sequence[Row],
    k: int = 5,
    settings: Model | None = None,
    rosters: Rosters | None = None,
) -> tuple[dict[str, Any], list[tuple[Row, Analysis]]]:
    """k-fold over the development rows with the shipped model's settings."""
    dev = [r for r in rows if not r.frozen_test]
    shipped = settings if settings is not None else load_model()
    meta = shipped.meta if shipped else {}
    thresholds = shipped.official_thresholds if shipped else None
    extra = handwritten_rows()
    models = held_out_models(
        dev,
        featurize(dev),
        k,
        meta.get("c_category", 1.0),
        meta.get("c_status", 1.0),
        thresholds,
        always=extra,
        always_feats=featurize(extra),
    )
    model_of = {r.guid: m for r, m in zip(dev, models, strict=True)}
    return score(
        dev, lambda r: analyze_with(model_of[r.guid], r.title, r.summary, _team_of(rosters, r))
    )


def agreement(labels_by_file: dict[str, dict[str, dict]]) -> dict[str, Any]:
    """How often two labellers agree on the items both labelled."""
    pairs = []
    files = sorted(labels_by_file)
    for i, a in enumerate(files):
        for b in files[i + 1 :]:
            for guid in labels_by_file[a].keys() & labels_by_file[b].keys():
                pairs.append((labels_by_file[a][guid], labels_by_file[b][guid]))
    n = len(pairs)
    if not n:
        return {"items": 0}

    def rate(same: Callable[[dict, dict], bool]) -> float:
        return round(sum(same(x, y) for x, y in pairs) / n, 4)

    return {
        "items": n,
        "category": rate(lambda x, y: x["category"] == y["category"]),
        "status": rate(lambda x, y: x["status"] == y["status"]),
        "teams_exact": rate(lambda x, y: set(x["teams"]) == set(y["teams"])),
        "players_exact": rate(lambda x, y: set(x["players"]) == set(y["players"])),
    }
