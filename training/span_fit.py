"""Fit the short-answer span scorer (``assistant/extractive/span.py``) on xquad-dev.

Each question's gold sentence (the sentence of its gold paragraph holding a gold answer) is
split into candidate spans; a span is a positive when its SQuAD token F1 with a gold answer
reaches the label threshold. Three splits, by article: the model is fitted on articles
numbered 0 mod 4 and its label threshold and confidence threshold are chosen on those 2 mod
4 (both even); the chosen settings are then refitted on all even-numbered articles and
reported on the odd-numbered ones (held out). The reported figures are SQuAD token F1 of
the short answer, falling back to the whole sentence when the scorer is not confident.
``--write`` stores the ``span`` section (weights, threshold, provenance) in
``assistant/extractive/weights.json``. scikit-learn at training time only; this module is
not imported by the assistant.

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

from assistant.asking import answer_type
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


def rows(items, label_f1: float):
    """Per question: (feature matrix, labels, span texts, sentence)."""
    from assistant.extractive.features import analyse

    out = []
    for _a, question, answers, sentence in items:
        toks = sp.tokens(sentence)
        q_stems = analyse(question).terms
        kind = answer_type(question)
        xs, texts = [], []
        for i, j in sp.candidates(toks):
            if all(t.stem in q_stems for t in toks[i:j] if t.word and not t.stop):
                continue
            xs.append(sp.span_features(toks, i, j, q_stems, kind))
            texts.append(sentence[toks[i].start : toks[j - 1].end])
        if not xs:
            continue
        f1s = [best_f1(t, answers) for t in texts]
        out.append((question, answers, sentence, np.array(xs), np.array([f >= label_f1 for f in f1s]), texts))
    return out


def fit(groups, how: str = "softmax") -> Linear:
    """Pointwise logistic regression ("logistic") or a softmax over each question's candidates
    ("softmax", the conditional logit of ``training.fit``: the gold span should win its sentence)."""
    if how == "softmax":
        from .fit import conditional_logit

        w = conditional_logit([(g[3], g[4]) for g in groups if g[4].any()])
        return Linear(sp.SPAN_FEATURES, tuple(float(v) for v in w), 0.0)
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([g[3] for g in groups])
    y = np.concatenate([g[4] for g in groups])
    model = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    return Linear(sp.SPAN_FEATURES, tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]))


def evaluate(model: Linear, groups, threshold: float) -> dict:
    """Mean SQuAD F1 of the short answer (falling back to the sentence), overall and by type."""
    w = np.array(model.weights)
    by_type: dict[str, list[float]] = defaultdict(list)
    span_only, given = [], 0
    for question, answers, sentence, x, _y, texts in groups:
        z = x @ w + model.bias
        k = int(np.argmax(z))
        p = 1 / np.exp(z - z[k]).sum()  # the best candidate's share of the softmax
        confident = p >= threshold
        given += confident
        f1 = best_f1(texts[k] if confident else sentence, answers)
        span_only.append(best_f1(texts[k], answers))
        by_type[question_type(question)].append(f1)
        by_type["all"].append(f1)
    out = {t: round(float(np.mean(v)), 3) for t, v in sorted(by_type.items())}
    out["span always"] = round(float(np.mean(span_only)), 3)
    out["share given"] = round(given / max(1, len(groups)), 3)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="store the fitted span section in weights.json")
    args = ap.parse_args()
    items = gold_sentences()
    print(f"{len(items)} questions with a gold sentence", file=sys.stderr)
    fit_part = [it for it in items if it[0] % 4 == 0]
    choose_part = [it for it in items if it[0] % 4 == 2]
    best = None
    chooser = rows(choose_part, 1.0)
    for how in ("softmax", "logistic"):
        for label_f1 in (0.5, 0.75, 1.0):
            model = fit(rows(fit_part, label_f1), how)
            for threshold in (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
                score = evaluate(model, chooser, threshold)["all"]
                print(
                    f"{how}, label F1 >= {label_f1}, threshold {threshold}: choose-split F1 {score}",
                    file=sys.stderr,
                )
                if best is None or score > best[0]:
                    best = (score, how, label_f1, threshold)
    _, how, label_f1, threshold = best
    even = [it for it in items if it[0] % 2 == 0]
    odd = [it for it in items if it[0] % 2 == 1]
    model = fit(rows(even, label_f1), how)
    held_out = evaluate(model, rows(odd, 1.0), threshold)
    report = {
        "model": how,
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
            "model": "softmax over each sentence's candidate spans (conditional logit, L2 0.001)"
            if how == "softmax"
            else "logistic regression (scikit-learn LogisticRegression, C=1)",
            "label": f"span token F1 with a gold answer >= {label_f1}",
            "features": list(sp.SPAN_FEATURES),
            "weights": [round(w, 4) for w in model.weights],
            "bias": round(model.bias, 4),
            "threshold": threshold,
            "metrics": {"held-out short-answer F1 on gold sentences, by question type": held_out},
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
