"""Fit the shipped coefficients of the retriever and the extractive backend on xquad-dev.

    .venv/bin/python training/fit.py [--part retrieval|sentences|all] [--write]

(The answerability model is fitted by ``training/abstention.py`` on answerable and
unanswerable questions built by ``training/unanswerable.py``.)

Fits on the even-numbered articles and reports the odd-numbered (held-out) ones, so no
article is in both halves. Prints ablations (what each feature group is worth) and the
coefficients; ``--write`` stores them, with the data, split, date, commit and held-out
metrics, in ``assistant/retrieval_weights.json`` and ``assistant/extractive/weights.json``.
scikit-learn is used here only (a test extra), never at run time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.extractive.features import FEATURES
from assistant.retriever import FUSION_WEIGHTS, PARAGRAPH_FEATURES
from training.data import ROOT, corpus, single_article_bot


def norm(t: str) -> str:
    return " ".join(t.lower().split())


def fit(x, y, c: float = 1.0):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=2000).fit(x, y)


def linear_section(model, features) -> dict:
    return {
        "features": list(features),
        "weights": [round(float(v), 3) for v in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 3),
    }


def coefs(model) -> str:
    w = ", ".join(f"{v:.3f}" for v in model.coef_[0])
    return f"weights=({w}), bias={model.intercept_[0]:.3f}"


def conditional_logit(groups, l2: float = 0.001) -> np.ndarray:
    """Weights maximising the softmax probability of the gold candidate of each question."""
    from scipy.optimize import minimize

    def loss(w):
        total, grad = 0.0, np.zeros(len(w))
        for x, y in groups:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            total -= np.log(p[y == 1].sum() + 1e-12)
            grad -= x[y == 1].mean(axis=0) - p @ x
        return total / len(groups) + l2 * w @ w, grad / len(groups) + 2 * l2 * w

    return minimize(loss, np.zeros(groups[0][0].shape[1]), jac=True, method="L-BFGS-B").x


class _Linear:
    def __init__(self, w):
        self.w = w

    def decision_function(self, x):
        return x @ self.w


def retrieval(bot, questions, paths=None, encoder=None) -> dict:
    """Fusion weights: ranked within the whole corpus and within each article alone."""
    data = []  # (question, level, features, labels)

    def add(r, q, level):
        _, cands, _, x = r.features(q.text)
        gold = r.store.position(f"{q.doc_id}#p{q.paragraph}")
        data.append((q, level, x, np.array([c == gold for c in cands], dtype=int)))

    for q in questions:
        add(bot.retriever, q, "corpus")
    if paths is not None:
        singles = {}
        for q in questions:
            if q.article not in singles:
                singles[q.article] = single_article_bot(paths, q.article, encoder).retriever
            add(singles[q.article], q, "article")

    def evaluate(cols, model, subset):
        h1 = rr = 0.0
        for _, _, x, y in subset:
            s = model.decision_function(x[:, cols])
            order = np.argsort(-s, kind="stable")
            ranked = y[order]
            if ranked[0]:
                h1 += 1
            hit = np.flatnonzero(ranked[:10])
            if len(hit):
                rr += 1 / (hit[0] + 1)
        return h1 / len(subset), rr / len(subset)

    def cells(cols, model):
        out = []
        for level in ("corpus", "article"):
            for half in (0, 1):
                sub = [d for d in data if d[1] == level and d[0].article % 2 == half]
                if sub:
                    h, m = evaluate(cols, model, sub)
                    out.append(f"{level} {'held-out' if half else 'train'} {h:.3f}/{m:.3f}")
        return " | ".join(out)

    train = [d for d in data if d[0].article % 2 == 0 and d[3].any()]
    print(f"candidate recall: {np.mean([d[3].any() for d in data]):.3f}   (hit@1/MRR@10 below)")
    base = ["dense_paragraph", "dense_sentence", "dense_top2"]
    groups = {
        "dense paragraph": ["dense_paragraph"],
        "bm25 relative": ["bm25_norm"],
        "bm25 / ideal": ["bm25_ideal"],
        "dense ¶ + bm25 rel": ["dense_paragraph", "bm25_norm"],
        "dense (3) + bm25 rel": [*base, "bm25_norm"],
        "dense (3) + bm25 / ideal": [*base, "bm25_ideal"],
        "dense (3) + both bm25": [*base, "bm25_norm", "bm25_ideal"],
        "+ word share": [*base, "bm25_ideal", "share"],
        "+ title share": [*base, "bm25_ideal", "share", "title_share"],
        "fitted": ["dense_paragraph", "dense_sentence", "bm25_ideal"],
    }
    for name, feats in groups.items():
        cols = [PARAGRAPH_FEATURES.index(f) for f in feats]
        model = _Linear(conditional_logit([(d[2][:, cols], d[3]) for d in train]))
        print(f"{name:26s} {cells(cols, model)}")
    print("retrieval weights", ", ".join(f"{v:.2f}" for v in model.w), "over", groups[name])
    full = [0.0] * len(PARAGRAPH_FEATURES)
    for f, w in zip(groups[name], model.w, strict=True):
        full[PARAGRAPH_FEATURES.index(f)] = round(float(w), 3)
    every = list(range(len(PARAGRAPH_FEATURES)))
    print(f"{'as shipped':26s} {cells(every, _Linear(np.asarray(FUSION_WEIGHTS)))}")
    return {"features": list(PARAGRAPH_FEATURES), "weights": full, "metrics": {"hit@1/MRR@10": cells(cols, model)}}


def sentence_rows(bot, q, passages):
    """(features, label) per candidate sentence, via the backend's own scorer."""
    scored = bot.backend.score_sentences(q.text, passages)
    rows = []
    for s in scored:
        text = s.passage.paragraph.sentences[s.index].text
        label = any(norm(a) in norm(text) for a in q.answers)
        rows.append((s, label))
    return rows


def sentences(bot, questions, paths=None, encoder=None) -> dict:
    """Sentence scorer: every question asked of the whole corpus and of its article alone.

    The article-alone rows matter: there every paragraph shares the topic, the top-ranked
    paragraph is less often the answer's, and a user's one-article index looks like that.
    """
    backend = bot.backend
    k = backend.settings.passages_used
    data = []
    singles = {}
    for q in questions:
        data.append((q, sentence_rows(bot, q, bot.retrieve(q.text, top_k=k))))
        if paths is not None:
            if q.article not in singles:
                singles[q.article] = single_article_bot(paths, q.article, encoder)
            own = singles[q.article]
            data.append((q, sentence_rows(own, q, own.retrieve(q.text, top_k=k))))
    train = [d for d in data if d[0].article % 2 == 0]
    test = [d for d in data if d[0].article % 2 == 1]

    def xy(subset, cols):
        x = np.array([[s.features[c] for c in cols] for _, rows in subset for s, _ in rows])
        y = np.array([lab for _, rows in subset for _, lab in rows], dtype=int)
        return x, y

    def evaluate(model, cols, subset, ratio=None):
        hit = hit2 = 0
        words = []
        for q, rows in subset:
            if not rows:
                continue
            x = np.array([[s.features[c] for c in cols] for s, _ in rows])
            p = model.predict_proba(x)[:, 1]
            order = np.argsort(-p, kind="stable")
            chosen = [order[0]]
            if ratio is not None and len(order) > 1 and p[order[1]] >= ratio * p[order[0]]:
                chosen.append(order[1])
            text = " ".join(rows[i][0].passage.paragraph.sentences[rows[i][0].index].text for i in chosen)
            hit += any(norm(a) in norm(text) for a in q.answers)
            hit2 += rows[order[0]][1]
            words.append(len(text.split()))
        return hit / len(subset), float(np.mean(words))

    groups = {
        "cos": ["cos"],
        "cos + share": ["cos", "share"],
        "+ paragraph share, bigram": ["cos", "share", "share_paragraph", "bigram"],
        "+ answer type": ["cos", "share", "share_paragraph", "bigram", "value_type", "name_type"],
        "+ rarity-weighted share": [
            "cos",
            "share",
            "share_paragraph",
            "bigram",
            "idf_share",
            "value_type",
            "name_type",
        ],
        "+ neighbours": [
            "cos",
            "cos_context",
            "share",
            "share_context",
            "share_paragraph",
            "bigram",
            "value_type",
            "name_type",
        ],
        "all but focus": [f for f in FEATURES if f != "focus"],
        "all (+ focus)": list(FEATURES),
    }
    for name, feats in groups.items():
        cols = [FEATURES.index(f) for f in feats]
        model = fit(*xy(train, cols))
        tr = evaluate(model, cols, train)
        te = evaluate(model, cols, test)
        print(f"{name:28s} 1 sentence: train {tr[0]:.3f} held-out {te[0]:.3f} ({te[1]:.1f} words)")
    for ratio in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        tr = evaluate(model, cols, train, ratio)
        te = evaluate(model, cols, test, ratio)
        print(
            f"  second sentence at ratio {ratio}: train {tr[0]:.3f} ({tr[1]:.1f} w) "
            f"held-out {te[0]:.3f} ({te[1]:.1f} w)"
        )
    print("sentences", coefs(model))
    te = evaluate(model, cols, test)
    return {
        **linear_section(model, FEATURES),
        "metrics": {"held-out answer contained (1 sentence)": round(te[0], 3)},
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", default="all", choices=["retrieval", "sentences", "all"])
    ap.add_argument("--write", action="store_true", help="write the fitted weights and their provenance")
    args = ap.parse_args()
    from index.embedding import MiniLMEncoder

    encoder = MiniLMEncoder()
    _, questions, bot, paths = corpus(encoder)
    fitted = {}
    if args.part in ("retrieval", "all"):
        fitted["retrieval"] = retrieval(bot, questions, paths, encoder)
    if args.part in ("sentences", "all"):
        fitted["sentence"] = sentences(bot, questions, paths, encoder)
    if args.write:
        write(fitted)
    return 0


def provenance() -> dict:
    """Where the weights come from: the data, the split, the date and the code's commit."""
    import datetime
    import subprocess

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    return {
        "trained_by": "training/fit.py",
        "data": "xquad-en-dev (evals/data/xquad-en-dev.json, 32 articles, 838 questions; CC BY-SA 4.0)",
        "split": "fit on the even-numbered articles, reported on the odd-numbered (held-out) ones",
        "fitted": datetime.date.today().isoformat(),
        "commit": commit or "unknown",
    }


def write(fitted: dict) -> None:
    """Update the weights files with what was fitted (other sections are kept)."""
    import json

    from assistant.extractive.reader import WEIGHTS_FILE
    from assistant.retriever import WEIGHTS_FILE as RETRIEVAL_FILE

    for path, sections in ((WEIGHTS_FILE, ("sentence",)), (RETRIEVAL_FILE, ("retrieval",))):
        if not any(k in fitted for k in sections):
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        data.update(provenance())
        for k in sections:
            if k == "retrieval" and k in fitted:
                data.update({key: fitted[k][key] for key in ("features", "weights")})
                data["metrics"] = fitted[k]["metrics"]
            elif k in fitted:
                data[k] = {key: v for key, v in fitted[k].items() if key != "metrics"}
                data.setdefault("metrics", {})[k] = fitted[k]["metrics"]
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    raise SystemExit(main())
