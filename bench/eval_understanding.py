"""Accuracy of the understanding layer on the labelled set in tests/data.

Prints accuracy per field, team and player precision/recall/F1, confusion matrices
for category and status, and (with --misses) every article it got wrong. The last
line is the figures as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nba_tracker.domain._fold import fold_key  # noqa: E402
from nba_tracker.domain.analysis import analyze  # noqa: E402

DATA = ROOT / "tests" / "data" / "understanding_eval.jsonl"
CATEGORIES = ["Trade", "Signing", "Extension", "Waiver", "Draft", "Other"]
STATUSES = ["rumor", "reported", "official", "-"]


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


def load(path: Path = DATA) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    cat_ok = status_ok = status_tx_ok = status_tx_n = 0
    cat_cm: Counter[tuple[str, str]] = Counter()
    status_cm: Counter[tuple[str, str]] = Counter()
    teams, players = PRF(), PRF()
    misses = []
    for row in rows:
        got = analyze(row["title"], row["summary"]).to_json_dict()
        gold_status = row["status"] or "-"
        got_status = got["status"] or "-"
        cat_cm[(row["category"], got["category"])] += 1
        status_cm[(gold_status, got_status)] += 1
        cat_ok += row["category"] == got["category"]
        status_ok += gold_status == got_status
        if row["category"] != "Other":
            status_tx_n += 1
            status_tx_ok += gold_status == got_status
        gold_teams, got_teams = set(row["teams"]), set(got["teams"])
        gold_players = {fold_key(p) for p in row["players"]}
        got_players = {fold_key(p) for p in got["players"]}
        teams.add(gold_teams, got_teams)
        players.add(gold_players, got_players)
        if (
            row["category"] != got["category"]
            or gold_status != got_status
            or gold_teams != got_teams
            or gold_players != got_players
        ):
            misses.append((row, got))
    n = len(rows)
    return {
        "articles": n,
        "category_accuracy": round(cat_ok / n, 4),
        "status_accuracy": round(status_ok / n, 4),
        "status_accuracy_transactions": round(status_tx_ok / max(status_tx_n, 1), 4),
        "teams": teams.figures(),
        "players": players.figures(),
        "_category_cm": cat_cm,
        "_status_cm": status_cm,
        "_misses": misses,
    }


def _matrix(title: str, labels: list[str], cm: Counter[tuple[str, str]]) -> None:
    width = max(len(x) for x in labels) + 2
    print(f"\n{title} (rows: labelled, columns: predicted)")
    print(" " * width + "".join(f"{x[:9]:>10}" for x in labels))
    for gold in labels:
        print(f"{gold:<{width}}" + "".join(f"{cm[(gold, got)]:>10}" for got in labels))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="print every wrong article")
    args = parser.parse_args()
    result = evaluate(load())
    if args.misses:
        for row, got in result["_misses"]:
            print(
                f"- {row['title']}\n    gold: {row['category']}/{row['status']} {sorted(row['teams'])} {row['players']}"
            )
            print(
                f"    got:  {got['category']}/{got['status']} {sorted(got['teams'])} {got['players']}"
            )
    print(f"articles: {result['articles']}")
    print(f"category accuracy: {result['category_accuracy']:.1%}  (goal 95%)")
    print(
        f"status accuracy:   {result['status_accuracy']:.1%}  (goal 90%; transactions only: {result['status_accuracy_transactions']:.1%})"
    )
    for field in ("teams", "players"):
        f = result[field]
        print(
            f"{field:<8} precision {f['precision']:.1%}  recall {f['recall']:.1%}  F1 {f['f1']:.1%}  (goal F1 95%)"
        )
    _matrix("category", CATEGORIES, result["_category_cm"])
    _matrix("status", STATUSES, result["_status_cm"])
    print(json.dumps({k: v for k, v in result.items() if not k.startswith("_")}))


if __name__ == "__main__":
    main()
