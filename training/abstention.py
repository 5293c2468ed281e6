"""Fit the answerability model on xquad-derived answerable and unanswerable questions.

    PYTHONPATH=. python training/abstention.py [--rows /tmp/rows.pkl] [--write]

Rows come from ``training/unanswerable.py``. Models are fitted on the even-numbered articles;
the abstention threshold is chosen on out-of-fold predictions of those same even articles
(two folds by article, so no prediction comes from a model that saw its article), as the
lowest-false-abstention point that declines most on-topic unanswerables with at most
``MAX_FALSE_ABSTENTION`` false abstentions; everything is reported on the odd-numbered
articles (held out from both). Compares the shipped logistic model's features, a logistic
model over all ``answerability.EVIDENCE`` and scikit-learn's HistGradientBoostingClassifier
(scikit-learn here only). ``--write`` stores the chosen model, its threshold and held-out
metrics with provenance in ``assistant/extractive/weights.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.extractive.answerability import EVIDENCE
from training.unanswerable import ANSWERABLE_KINDS, build

MAX_FALSE_ABSTENTION = 0.04  # on the answerable rows; the reader's gates add a little more
# Negatives' weights: "paragraph" rows are noisy (another paragraph sometimes answers).
KIND_WEIGHT = {"corpus": 1.0, "single": 1.0, "sentence": 1.0, "paragraph": 0.5, "oos": 1.0}
SHIPPED = (
    "best",
    "best_cos",
    "best_share",
    "best_share_paragraph",
    "dense_paragraph",
    "best_value_type",
    "best_name_type",
    "best_idf_share",
)


# Evidence that does not count shared words (beyond what the sentence probability holds): xquad
# questions share far more words with their answer than readers' questions do (0.66 vs 0.36
# content-word overlap), so word-count evidence learnt on xquad reads paraphrases as unanswerable.
SEMANTIC = (
    "best",
    "best_cos",
    "best_cos_context",
    "best_value_type",
    "best_name_type",
    "best_focus",
    "second",
    "other_paragraph",
    "max_cos",
    "dense_paragraph",
    "dense_top2",
)


def logistic():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))


def boosted(max_iter: int = 150, max_leaf_nodes: int = 8):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=max_iter,
        max_leaf_nodes=max_leaf_nodes,
        learning_rate=0.1,
        l2_regularization=1.0,
        random_state=0,
    )


def arrays(rows: list[dict], cols: list[int]):
    x = np.array([[r["x"][c] for c in cols] for r in rows], dtype=float)
    y = np.array([r["label"] for r in rows])
    w = np.array([KIND_WEIGHT[r["kind"]] for r in rows])
    return x, y, w


def out_of_fold(make, rows: list[dict], cols: list[int]) -> np.ndarray:
    """Predictions for ``rows`` from models fitted on the other fold (folds: article // 2 parity)."""
    fold = np.array([(r["article"] // 2) % 2 for r in rows])
    x, y, w = arrays(rows, cols)
    p = np.zeros(len(rows))
    for f in (0, 1):
        model = make().fit(x[fold != f], y[fold != f], **_weights(make, w[fold != f]))
        p[fold == f] = model.predict_proba(x[fold == f])[:, 1]
    return p


def _weights(make, w):
    return {"logisticregression__sample_weight": w} if make is logistic else {"sample_weight": w}


def choose_threshold(p: np.ndarray, rows: list[dict]) -> float:
    answerable = np.array([r["kind"] in ANSWERABLE_KINDS for r in rows])
    best = 0.0
    for t in np.arange(0.02, 0.9, 0.01):
        if np.mean(p[answerable] < t) <= MAX_FALSE_ABSTENTION:
            best = float(t)
    return round(best, 2)


def rates(p: np.ndarray, rows: list[dict], t: float) -> dict[str, float]:
    kinds = np.array([r["kind"] for r in rows])
    return {
        k: round(float(np.mean(p[kinds == k] < t)), 3)
        for k in ("corpus", "single", "sentence", "paragraph", "oos")
    }


def export_trees(model) -> dict:
    """A fitted HistGradientBoostingClassifier as JSON node arrays (binary: one tree per iteration)."""
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        trees.append(
            {
                "feature": [int(v) for v in nodes["feature_idx"]],
                "threshold": [float(v) for v in nodes["num_threshold"]],
                "left": [
                    int(v) if not leaf else -1
                    for v, leaf in zip(nodes["left"], nodes["is_leaf"], strict=True)
                ],
                "right": [
                    int(v) if not leaf else -1
                    for v, leaf in zip(nodes["right"], nodes["is_leaf"], strict=True)
                ],
                "value": [float(v) for v in nodes["value"]],
                "missing_left": [bool(v) for v in nodes["missing_go_to_left"]],
            }
        )
    return {"kind": "trees", "bias": float(np.ravel(model._baseline_prediction)[0]), "trees": trees}


def export_logistic(model) -> dict:
    """A scaler + logistic pipeline folded into raw-feature weights."""
    scaler, lr = model[0], model[-1]
    w = lr.coef_[0] / scaler.scale_
    b = lr.intercept_[0] - float(np.sum(lr.coef_[0] * scaler.mean_ / scaler.scale_))
    return {"kind": "logistic", "weights": [float(v) for v in w], "bias": float(b)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=Path, default=Path("/tmp/footnote-answerability-rows.pkl"))
    ap.add_argument("--model", default="trees", choices=["trees", "logistic", "semantic", "shipped"])
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    rows = build(args.rows)
    even = [r for r in rows if r["article"] % 2 == 0]
    odd = [r for r in rows if r["article"] % 2 == 1]
    every = list(range(len(EVIDENCE)))
    shipped = [EVIDENCE.index(f) for f in SHIPPED]
    candidates = {
        "shipped": (logistic, shipped),
        "logistic": (logistic, every),
        "semantic": (logistic, [EVIDENCE.index(f) for f in SEMANTIC]),
        "trees": (boosted, every),
    }
    print(
        "model      thr   oof-sentence | held-out declined: corpus single (= false abstentions) | sentence ..."
    )
    chosen = {}
    for name, (make, cols) in candidates.items():
        oof = out_of_fold(make, even, cols)
        t = choose_threshold(oof, even)
        on_topic = rates(oof, even, t)["sentence"]  # what model selection may look at (even articles)
        x, y, w = arrays(even, cols)
        model = make().fit(x, y, **_weights(make, w))
        p = model.predict_proba(arrays(odd, cols)[0])[:, 1]
        r = rates(p, odd, t)
        print(f"{name:10s} {t:.2f}  {on_topic:.3f}        | {r}")
        chosen[name] = (model, cols, t, r)
    if args.write:
        write(args.model, *chosen[args.model])
    return 0


def write(name: str, model, cols: list[int], threshold: float, held_out: dict[str, float]) -> None:
    from assistant.extractive.reader import WEIGHTS_FILE
    from training.fit import provenance

    section = (
        export_trees(model) if name == "trees" else export_logistic(model)
    )  # "shipped"/"semantic": logistic
    section = {"features": [EVIDENCE[c] for c in cols], "threshold": threshold, **section}
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    data["answerable"] = section
    meta = provenance()
    data["answerable_provenance"] = {
        **meta,
        "trained_by": "training/abstention.py (rows: training/unanswerable.py)",
        "data": "xquad-en-dev: each question asked of the corpus and of its article (answerable), of its "
        "article with the answering sentences removed / without the gold paragraph (on-topic unanswerable), "
        "of another article (out of scope)",
        "split": "fit on even-numbered articles; threshold chosen on their out-of-fold predictions "
        f"(false abstention <= {MAX_FALSE_ABSTENTION}); reported on the odd-numbered articles",
        "model": "HistGradientBoostingClassifier" if name == "trees" else "logistic regression",
    }
    data.setdefault("metrics", {})["answerable"] = {
        f"held-out declined at {threshold}: {k}": v for k, v in held_out.items()
    }
    WEIGHTS_FILE.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS_FILE}")


if __name__ == "__main__":
    raise SystemExit(main())
