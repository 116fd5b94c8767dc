"""`make eval`: how well the tracker understands real outlet text.

On the labelled corpus (real feed items from ../shared/corpus, our labels in
tests/data/labels): the frozen test quarter scored with the shipped model (the
headline figures), 5-fold cross-validation over the development rows, and the rules
alone as the baseline — per source and overall: category accuracy, confusion matrix,
per-class precision/recall, status accuracy on transactions, precision of "official",
"Other" recall, team and player precision/recall/F1. Also the labellers' agreement on
doubly labelled items, and the hand-written regression set in tests/data. ``--misses``
lists wrong development rows (never frozen ones: reading those would unfreeze them).
The last line is every figure as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from nba_tracker.domain._fold import fold_key  # noqa: E402
from nba_tracker.domain.analysis import analyze  # noqa: E402
from training.evaluate import PRF  # noqa: E402

DATA = ROOT / "tests" / "data" / "understanding_eval.jsonl"
CATEGORIES = ["Trade", "Signing", "Extension", "Waiver", "Draft", "Other"]
STATUSES = ["rumor", "reported", "official", "-"]


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


def _corpus_table(name: str, figures: dict[str, Any]) -> None:
    print(f"\n== {name} ==")
    head = f"{'source':<20}{'items':>6}{'categ':>8}{'status':>8}{'st|tx':>8}{'tx':>5}{'offic.P':>9}{'Other R':>9}{'team F1':>9}{'plyr F1':>9}"
    print(head)
    rows = [*figures["sources"].items(), ("OVERALL", figures["overall"])]
    for source, f in rows:

        def pct(v: float | None) -> str:
            return "   -" if v is None else f"{v:.1%}"

        print(
            f"{source:<20}{f['articles']:>6}{pct(f['category_accuracy']):>8}{pct(f['status_accuracy']):>8}"
            f"{pct(f['status_accuracy_read_as_transaction']):>8}"
            f"{f['transactions']:>5}{pct(f['official_precision']):>9}{pct(f['other_recall']):>9}"
            f"{pct(f['teams']['f1']):>9}{pct(f['players']['f1']):>9}"
        )
    overall = figures["overall"]
    print("per class (precision / recall / support):")
    for c, v in overall["per_class"].items():
        p = "-" if v["precision"] is None else f"{v['precision']:.1%}"
        r = "-" if v["recall"] is None else f"{v['recall']:.1%}"
        print(f"  {c:<10} {p:>7} {r:>7} {v['support']:>5}")
    cm = Counter(
        {(g, p): n for g, row in overall["category_confusion"].items() for p, n in row.items()}
    )
    _matrix("category", CATEGORIES, cm)
    scm = Counter(
        {(g, p): n for g, row in overall["status_confusion"].items() for p, n in row.items()}
    )
    _matrix("status of transactions", ["rumor", "reported", "official", "-"], scm)


def _targets_met(figures: dict[str, Any]) -> dict[str, bool]:
    from training.evaluate import TARGETS

    met = {}
    for scope, f in [*figures["sources"].items(), ("overall", figures["overall"])]:
        values = {
            "category_accuracy": f["category_accuracy"],
            "status_accuracy": f["status_accuracy"],
            "official_precision": f["official_precision"],
            "other_recall": f["other_recall"],
            "team_f1": f["teams"]["f1"],
            "player_f1": f["players"]["f1"],
        }
        met[scope] = all(v is None or v >= TARGETS[k] for k, v in values.items())
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="print wrong development rows")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    args = parser.parse_args()
    from training import corpus
    from training.evaluate import agreement, cross_validation, frozen_test, rules_only

    summary: dict[str, Any] = {}
    if corpus.available():
        rows = corpus.load_rows()
        dev = sum(not r.frozen_test for r in rows)
        print(
            f"labelled corpus: {len(rows)} items ({dev} development, {len(rows) - dev} frozen test)"
        )
        rosters = corpus.league_rosters()
        if rosters is None:
            print(f"no league log at {corpus.LEAGUE_LOG}: teams as the items name them")
        else:
            print(
                f"league log: {len(rosters)} players' teams by day, linked where an item "
                "names players but no team (as a collection with the log stored does)"
            )
        test = frozen_test(rows, rosters=rosters)
        _corpus_table("frozen test, shipped model + rules", test)
        if rosters is not None:
            unlinked = frozen_test(rows)["overall"]
            summary["frozen_test_without_league_log"] = {
                "teams": unlinked["teams"],
                "players": unlinked["players"],
            }
            print(
                f"frozen test without the league log: team F1 {unlinked['teams']['f1']:.1%}, "
                f"player F1 {unlinked['players']['f1']:.1%}"
            )
        baseline = rules_only(rows, rosters)
        _corpus_table("frozen test, rules alone (baseline)", baseline)
        summary["frozen_test"] = test
        summary["rules_only"] = baseline
        summary["targets_met"] = _targets_met(test)
        if not args.no_cv:
            cv, misses = cross_validation(rows, rosters=rosters)
            _corpus_table("5-fold cross-validation over development rows", cv)
            summary["cross_validation"] = cv
            if args.misses:
                print("\nwrong development rows (cross-validated):")
                for row, got in misses:
                    print(f"- [{row.source}] {row.title[:140]}")
                    print(
                        f"    gold: {row.category}/{row.status} {sorted(row.teams)} {sorted(row.players)}"
                    )
                    print(
                        f"    got:  {got.category}/{got.status} {sorted(got.teams)} "
                        f"{sorted(p.name for p in got.players)}  [{got.category_evidence} | {got.status_evidence}]"
                    )
        by_file = {
            p.name: {
                json.loads(line)["guid"]: json.loads(line) for line in p.open() if line.strip()
            }
            for p in corpus.label_files()
        }
        summary["labeller_agreement"] = agreement(by_file)
        print(f"\nlabellers' agreement: {summary['labeller_agreement']}")
    else:
        print(f"no corpus at {corpus.CORPUS}: only the hand-written regression set is scored")
    result = evaluate(load())
    print(
        f"\nhand-written regression set ({result['articles']} rows): category "
        f"{result['category_accuracy']:.1%}, status {result['status_accuracy']:.1%}, "
        f"team F1 {result['teams']['f1']:.1%}, player F1 {result['players']['f1']:.1%}"
    )
    summary["regression_set"] = {k: v for k, v in result.items() if not k.startswith("_")}
    print(json.dumps(summary, separators=(",", ":")))


if __name__ == "__main__":
    main()
