"""Fit the short-answer span scorer (``assistant/extractive/span.py``) on xquad-dev.

Each question's gold sentence (the sentence of its gold paragraph holding a gold answer) is
split into candidate spans; each span's target is 1 when its SQuAD token F1 with a gold
answer reaches a label threshold, or (label "graded") that F1 squared. A softmax over each
sentence's candidates is fitted to put its mass on the targets. Three splits, by article:
the model is fitted on articles numbered 0 mod 4, its label is chosen on those 2 mod 4 (by
the F1 of the best span) and so is its confidence threshold (the lowest at which the short
answers given keep ``MIN_F1_GIVEN``); the chosen settings are then refitted on all
even-numbered articles and reported on the odd-numbered ones (held out): F1 of the best
span, share given and F1 where given, and F1 falling back to the whole sentence when the
scorer is not confident (what ``footnote eval`` scores). ``--write`` stores the ``span``
section (weights, threshold, provenance) in ``assistant/extractive/weights.json``. scipy at
training time only; this module is not imported by the assistant.

    PYTHONPATH=. python -m training.span_fit [--write]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from datetime import date

import numpy as np

from assistant.extractive import span as sp
from assistant.weights import Linear
from evals.metrics import best_f1, squad_normalize
from evals.squad import question_type
from index.loader import parse_text

from .data import load


def gold_sentences():
    """(article, question, answers, gold sentence) for every question whose answer lies in one sentence."""
    articles, raw = load()
    docs = []
    for a, art in enumerate(articles):
        doc = parse_text(art.title + "\n\n" + "\n\n".join(art.contexts) + "\n", f"a{a}")
        docs.append(doc)
    out = []
    for a, c, _qid, question, answers in raw:
        context = squad_normalize(articles[a].contexts[c])
        paras = [p for p in docs[a].paragraphs if squad_normalize(p.text) == context]
        if not paras:
            continue
        golds = [squad_normalize(g) for g in answers]
        sent = next(
            (s.text for s in paras[0].sentences if any(g and g in squad_normalize(s.text) for g in golds)),
            None,
        )
        if sent is not None:
            out.append((a, question, answers, sent))
    return out


def rows(items, label: float | str):
    """Per question: (feature matrix, target weights, span texts, sentence, span F1s). The
    target is 1 for spans whose token F1 with a gold answer reaches ``label`` or, for
    ``label == "graded"``, the span's F1 squared (a near miss counts, less than a hit)."""
    out = []
    for _a, question, answers, sentence in items:
        toks = sp.tokens(sentence)
        q = sp.Question.of(question)
        xs, texts = [], []
        for i, j in sp.candidates(toks):
            if all(t.stem in q.stems for t in toks[i:j] if t.word and not t.stop):
                continue
            xs.append(sp.span_features(toks, i, j, q))
            texts.append(sentence[toks[i].start : toks[j - 1].end])
        if not xs:
            continue
        f1s = np.array([best_f1(t, answers) for t in texts])
        y = f1s**2 if label == "graded" else (f1s >= label).astype(float)
        out.append((question, answers, sentence, np.array(xs), y, texts, f1s))
    return out


def softmax_fit(groups, l2: float = 0.001) -> np.ndarray:
    """Weights maximising each question's expected target under a softmax over its candidate
    spans (cross-entropy against the target normalised to a distribution), on standardised
    features; returned for raw features (a constant shift cancels in the softmax)."""
    from scipy.optimize import minimize

    data = [(g[3], g[4] / g[4].sum()) for g in groups if g[4].sum() > 0]
    stacked = np.vstack([x for x, _ in data])
    mu, sd = stacked.mean(axis=0), stacked.std(axis=0) + 1e-9
    data = [((x - mu) / sd, y) for x, y in data]

    def loss(w):
        total, grad = 0.0, np.zeros(len(w))
        for x, y in data:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            total -= y @ np.log(p + 1e-12)
            grad -= (y - p) @ x
        return total / len(data) + l2 * w @ w, grad / len(data) + 2 * l2 * w

    return minimize(loss, np.zeros(stacked.shape[1]), jac=True, method="L-BFGS-B").x / sd


def fit(groups) -> Linear:
    return Linear(sp.SPAN_FEATURES, tuple(float(v) for v in softmax_fit(groups)), 0.0)


def evaluate(model: Linear, groups, threshold: float) -> dict:
    """SQuAD F1 of the best span: always ("span always"), where the scorer is confident
    ("F1 where given", on a "share given" of questions) and falling back to the sentence
    otherwise ("all", what ``footnote eval`` scores), and by question type."""
    w = np.array(model.weights)
    by_type: dict[str, list[float]] = defaultdict(list)
    span_only, given = [], []
    for question, answers, sentence, x, _y, _texts, f1s in groups:
        z = x @ w
        k = int(np.argmax(z))
        p = 1 / np.exp(z - z[k]).sum()  # the best candidate's share of the softmax
        span_only.append(f1s[k])
        if p >= threshold:
            given.append(f1s[k])
        f1 = f1s[k] if p >= threshold else best_f1(sentence, answers)
        by_type[question_type(question)].append(f1)
        by_type["all"].append(f1)
    out = {t: round(float(np.mean(v)), 3) for t, v in sorted(by_type.items())}
    out["span always"] = round(float(np.mean(span_only)), 3)
    out["share given"] = round(len(given) / max(1, len(groups)), 3)
    out["F1 where given"] = round(float(np.mean(given)), 3) if given else 0.0
    return out


MIN_F1_GIVEN = 0.5  # a short answer is shown only where, on average, it is more right than wrong
THRESHOLDS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="store the fitted span section in weights.json")
    args = ap.parse_args()
    items = gold_sentences()
    print(f"{len(items)} questions with a gold sentence", file=sys.stderr)
    fit_part = [it for it in items if it[0] % 4 == 0]
    chooser = rows([it for it in items if it[0] % 4 == 2], 1.0)
    best = None
    for label in (0.5, 0.75, 1.0, "graded"):
        model = fit(rows(fit_part, label))
        score = evaluate(model, chooser, 0.0)["span always"]
        print(f"label {label}: choose-split F1 of the best span {score}", file=sys.stderr)
        if best is None or score > best[0]:
            best = (score, label, model)
    _, label, model = best
    # The lowest threshold at which the short answers given keep MIN_F1_GIVEN on the choose split.
    threshold = next(
        (t for t in THRESHOLDS if evaluate(model, chooser, t)["F1 where given"] >= MIN_F1_GIVEN),
        THRESHOLDS[-1],
    )
    for t in THRESHOLDS:
        print(f"threshold {t}: choose split {evaluate(model, chooser, t)}", file=sys.stderr)
    label_f1 = label
    even = [it for it in items if it[0] % 2 == 0]
    odd = [it for it in items if it[0] % 2 == 1]
    model = fit(rows(even, label))
    held_out = evaluate(model, rows(odd, 1.0), threshold)
    report = {
        "model": "softmax",
        "label_f1": label_f1,
        "threshold": threshold,
        "held_out (odd articles, gold sentence)": held_out,
    }
    print(json.dumps(report, indent=1))
    print("weights:", dict(zip(sp.SPAN_FEATURES, (round(w, 3) for w in model.weights), strict=True)))
    if args.write:
        path = sp.WEIGHTS_FILE
        data = json.loads(path.read_text(encoding="utf-8"))
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout
        data["span"] = {
            "about": "short-answer span scorer (assistant/extractive/span.py), written by training/span_fit.py",
            "data": "xquad-en-dev gold sentences (the sentence of the gold paragraph holding a gold answer)",
            "split": "fitted on articles 0 mod 4, label and confidence thresholds chosen on 2 mod 4, "
            "refitted on all even-numbered articles, reported on the odd-numbered ones",
            "fitted": date.today().isoformat(),
            "commit": commit.strip(),
            "model": "softmax over each sentence's candidate spans (cross-entropy to the target "
            "distribution, standardised features, L2 0.001)",
            "label": "span token F1 with a gold answer, squared (graded)"
            if label_f1 == "graded"
            else f"span token F1 with a gold answer >= {label_f1}",
            "features": list(sp.SPAN_FEATURES),
            "weights": [round(w, 4) for w in model.weights],
            "bias": round(model.bias, 4),
            "threshold": threshold,
            "threshold_rule": f"lowest whose short answers keep F1 >= {MIN_F1_GIVEN} on the 2 mod 4 articles",
            "metrics": {"held-out short-answer F1 on gold sentences, by question type": held_out},
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
