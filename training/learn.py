"""Fitting the two linear models of ``nba_tracker.domain.model`` on labelled rows.

scikit-learn's logistic regression does the fitting (a development dependency only);
the weights are then exported to the plain-Python ``LinearModel`` the product runs, so
training and production score with the very same code.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from nba_tracker.domain.analysis import prepare
from nba_tracker.domain.model import LinearModel, Model
from training.corpus import CATEGORIES, STATUSES, Row

# Features seen in fewer rows than this are noise that the model would memorise.
MIN_COUNT = 2
# Weights this small change few decisions (5-fold cross-validation on the development
# rows: category accuracy 85.6 % unpruned with 60k features, 85.4 % at 0.03 with 22k,
# 85.3 % at 0.05 with 10k, 83.2 % at 0.15).
PRUNE = 0.03
SEED = 20261201
# The rules' status reasons that can earn an "official" badge.
OFFICIAL_REASONS = ("announced", "stated_act", "unsourced_act")


def featurize(rows: Sequence[Row]) -> list[tuple[set[str], str]]:
    """(features, rules' status reason) per row, read by the product's own code."""
    out = []
    for row in rows:
        prepared = prepare(row.title, row.summary)
        out.append((prepared.features, prepared.signals.status_reason))
    return out


def _fit_linear(
    feats: Sequence[set[str]], labels: Sequence[str], classes: Sequence[str], c: float
) -> LinearModel:
    counts = Counter(f for fs in feats for f in fs)
    vocab = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    index = {f: i for i, f in enumerate(vocab)}
    indptr, indices = [0], []
    for fs in feats:
        indices.extend(sorted(index[f] for f in fs if f in index))
        indptr.append(len(indices))
    x = csr_matrix(
        (np.ones(len(indices)), np.array(indices, dtype=np.int64), np.array(indptr)),
        shape=(len(feats), len(vocab)),
    )
    present = [c for c in classes if c in set(labels)]
    y = np.array([present.index(label) for label in labels])
    # saga converges in a second or two on these sparse binary features; lbfgs takes ~10x.
    clf = LogisticRegression(C=c, solver="saga", max_iter=300, tol=1e-3, random_state=SEED)
    clf.fit(x, y)
    coef = clf.coef_
    bias = clf.intercept_
    if len(present) == 2:  # scikit-learn stores one row for two classes
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        bias = np.array([-bias[0] / 2, bias[0] / 2])
    full_coef = np.zeros((len(classes), len(vocab)))
    full_bias = np.full(len(classes), -1e3)
    for k, cls in enumerate(present):
        full_coef[classes.index(cls)] = coef[k]
        full_bias[classes.index(cls)] = bias[k]
    weights = {
        f: tuple(float(w) for w in full_coef[:, i])
        for f, i in index.items()
        if np.abs(full_coef[:, i]).max() >= PRUNE
    }
    return LinearModel(tuple(classes), tuple(float(b) for b in full_bias), weights)


def fit(
    rows: Sequence[Row],
    feats: Sequence[tuple[set[str], str]] | None = None,
    c_category: float = 1.0,
    c_status: float = 1.0,
    official_thresholds: dict[str, float] | None = None,
) -> Model:
    feats = feats if feats is not None else featurize(rows)
    category = _fit_linear(
        [f for f, _ in feats], [r.category for r in rows], CATEGORIES, c_category
    )
    tx = [(f, r.status) for (f, _), r in zip(feats, rows, strict=True) if r.status]
    status = _fit_linear([f for f, _ in tx], [s for _, s in tx], STATUSES, c_status)
    digest = hashlib.sha256("\n".join(sorted(r.guid for r in rows)).encode()).hexdigest()[:16]
    return Model(
        category=category,
        status=status,
        official_thresholds=dict(official_thresholds or dict.fromkeys(OFFICIAL_REASONS, 0.5)),
        meta={
            "rows": len(rows),
            "rows_digest": digest,
            "c_category": c_category,
            "c_status": c_status,
            "min_count": MIN_COUNT,
            "prune": PRUNE,
        },
    )


def folds(rows: Sequence[Row], k: int) -> list[int]:
    """A fold number per row, from its guid: the same split on every machine."""
    return [int(hashlib.sha256(r.guid.encode()).hexdigest()[8:16], 16) % k for r in rows]


def held_out_models(
    rows: Sequence[Row],
    feats: Sequence[tuple[set[str], str]],
    k: int,
    *settings: Any,
    always: Sequence[Row] = (),
    always_feats: Sequence[tuple[set[str], str]] = (),
) -> list[Model]:
    """For each row, the model fitted on the other k-1 folds (plus ``always``, rows that
    are in every training set), with ``fit``'s ``settings``: k-fold cross-validation."""
    fold_of = folds(rows, k)
    models = []
    for f in range(k):
        train = [i for i, n in enumerate(fold_of) if n != f]
        models.append(
            fit(
                [rows[i] for i in train] + list(always),
                [feats[i] for i in train] + list(always_feats),
                *settings,
            )
        )
    return [models[n] for n in fold_of]
