"""`make train`: fit the shipped model on the development rows (never the frozen test
rows) and write ``src/nba_tracker/domain/data/model.json``.

Regularisation strengths and the "official" threshold are chosen by k-fold
cross-validation inside the development rows. Deterministic: the same labels give the
same file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from training import corpus  # noqa: E402
from training.learn import OFFICIAL_REASONS, featurize, fit, held_out_models  # noqa: E402

OUT = ROOT / "src" / "nba_tracker" / "domain" / "data" / "model.json"
K = 5
# Regularisation strengths tried: C in {0.3, 0.5, 1, 2, 3, 8} moved 5-fold category accuracy
# by under 0.3 points and status by under 1.5; one value each keeps `make train` to a minute.
GRID = (2.0,)
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99)
# The precision "official" badges must keep, all kinds together, on the held-out folds.
OFFICIAL_PRECISION = 0.98


def cross_validate(rows, feats, c_cat, c_status, k=K):
    """Out-of-fold (category, status probabilities, rules' reason) per row."""
    out = []
    for model, (fs, reason) in zip(
        held_out_models(rows, feats, k, c_cat, c_status), feats, strict=True
    ):
        probs = model.category.probabilities(fs)
        out.append((max(probs, key=probs.get), model.status.probabilities(fs), reason))
    return out


def choose(rows, feats):
    best = None
    for c_cat in GRID:
        for c_status in GRID:
            oof = cross_validate(rows, feats, c_cat, c_status)
            cat_acc = sum(o[0] == r.category for o, r in zip(oof, rows, strict=True)) / len(rows)
            tx = [(o, r) for o, r in zip(oof, rows, strict=True) if r.status]
            st_acc = sum(
                max(("rumor", "reported"), key=lambda s: o[1][s]) == r.status
                or (r.status == "official" and o[1]["official"] > 0.5)
                for o, r in tx
            ) / max(1, len(tx))
            score = cat_acc + st_acc
            print(
                f"C_category={c_cat} C_status={c_status}: category {cat_acc:.4f} status {st_acc:.4f}"
            )
            if best is None or score > best[0]:
                best = (score, c_cat, c_status, oof)
    _, c_cat, c_status, oof = best
    return c_cat, c_status, official_thresholds(oof, rows)


def _badges(oof, rows, reason, t):
    return [
        r
        for o, r in zip(oof, rows, strict=True)
        if o[0] != "Other" and o[1]["official"] >= t and o[2] == reason
    ]


def official_thresholds(oof, rows):
    """Per kind of announcement, the least threshold such that the "official" badges of
    all kinds together keep OFFICIAL_PRECISION on the held-out folds. Each kind starts at
    its most precise threshold; then, greedily, the kind whose next lower threshold
    keeps the overall precision and adds most badges is lowered, until none can be."""
    table = {
        reason: {t: _badges(oof, rows, reason, t) for t in THRESHOLDS}
        for reason in OFFICIAL_REASONS
    }
    for reason, by_t in table.items():
        for t, chosen in by_t.items():
            right = sum(r.status == "official" for r in chosen)
            print(f"official ({reason}) threshold {t}: {len(chosen)} badges, {right} right")

    def precision(choice):
        chosen = [r for reason, t in choice.items() for r in table[reason][t]]
        return (sum(r.status == "official" for r in chosen) / len(chosen) if chosen else 1.0), len(
            chosen
        )

    def most_precise(reason):
        return max(
            THRESHOLDS,
            key=lambda t: (precision({reason: t})[0], -t),
        )

    choice = {reason: most_precise(reason) for reason in OFFICIAL_REASONS}
    while True:
        options = []
        for reason, t in choice.items():
            lower = [x for x in THRESHOLDS if x < t]
            if not lower:
                continue
            trial = {**choice, reason: lower[-1]}
            p, n = precision(trial)
            if p >= OFFICIAL_PRECISION:
                options.append((n, reason, lower[-1]))
        if not options:
            break
        _, reason, t = max(options)
        choice[reason] = t
    p, n = precision(choice)
    print(f"chosen {choice}: {n} badges, precision {p:.4f} on held-out folds")
    return choice


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if not corpus.available():
        print(f"no corpus at {corpus.CORPUS}: training needs ../shared/corpus", file=sys.stderr)
        return 2
    rows = [r for r in corpus.load_rows() if not r.frozen_test]
    print(f"{len(rows)} development rows (frozen test rows excluded)")
    rows += corpus.handwritten_rows()
    feats = featurize(rows)
    c_cat, c_status, thresholds = choose(rows, feats)
    model = fit(rows, feats, c_cat, c_status, thresholds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model.to_json(), sort_keys=True, separators=(",", ":")) + "\n")
    print(
        f"wrote {args.out.relative_to(ROOT)}: {len(model.category.weights)} category and "
        f"{len(model.status.weights)} status features, official thresholds {thresholds}, "
        f"{args.out.stat().st_size // 1024} KB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
