"""Dense-only retrieval and answerability separation of a sentence embedder, side by side.

    PYTHONPATH=. python bench/embedder_quality.py [--encoders minilm ...]

For each encoder in ``ENCODERS`` (anything with ``encode(texts) -> L2-normalised float32
array``), on the raw xquad-dev paragraphs and their Punkt sentences:

* retrieval: gold-paragraph hit@1 and MRR@10 of the questions by cosine alone, with one vector
  per paragraph and with sentence vectors (a paragraph scores its best sentence), over the
  whole corpus and within the question's own article; for xquad (838 questions) and for
  reader-questions (paraphrase, typo and two-paragraph kinds; gold = its ``evidence``);
* separation: AUC of the best sentence cosine in the question's own article, answerable
  against unanswerable: xquad questions against the same questions with every sentence that
  holds a gold answer removed (also on the odd-numbered articles alone), and reader-questions'
  answerable against its on-topic unanswerable questions.

reader-questions is a development set: read these numbers, fit nothing on them. No timing
here (dimension and model size only); this module does not touch an index or the assistant.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

READER_DATA = Path(__file__).resolve().parent.parent / "evals" / "data" / "reader-questions" / "reader-questions.jsonl"
READER_ANSWERABLE = ("paraphrase", "typo", "two-paragraph")


def _minilm():
    from index.embedding import MiniLMEncoder

    return MiniLMEncoder()


ENCODERS: dict[str, Callable[[], object]] = {"minilm": _minilm}


def _norm(t: str) -> str:
    return " ".join(t.lower().split())


def _ranks(scores: np.ndarray, gold: list[set[int]], k: int = 10) -> tuple[float, float]:
    """hit@1 and MRR@k of rows of ``scores`` (questions x paragraphs) against gold column sets."""
    hit, rr = 0.0, 0.0
    for row, want in zip(scores, gold, strict=True):
        order = np.argsort(-row)[:k]
        hit += order[0] in want
        rr += next((1.0 / (i + 1) for i, j in enumerate(order) if j in want), 0.0)
    return hit / len(gold), rr / len(gold)


def _auc(pos: list[float], neg: list[float]) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score([1] * len(pos) + [0] * len(neg), pos + neg))


def measure(encoder) -> dict[str, float]:
    from index.sentences import sentence_spans
    from training.data import load

    articles, raw = load()
    paragraphs = [(a, c, ctx) for a, art in enumerate(articles) for c, ctx in enumerate(art.contexts)]
    where = {(a, c): i for i, (a, c, _) in enumerate(paragraphs)}
    sentences = [(i, ctx[s:e]) for i, (_, _, ctx) in enumerate(paragraphs) for s, e in sentence_spans(ctx)]
    owner = np.array([i for i, _ in sentences])
    article_of = np.array([a for a, _, _ in paragraphs])
    pvec = encoder.encode([ctx for _, _, ctx in paragraphs])
    svec = encoder.encode([t for _, t in sentences])

    def sentence_scores(qvec: np.ndarray) -> np.ndarray:
        cos = qvec @ svec.T
        out = np.full((len(qvec), len(paragraphs)), -1.0, dtype=np.float32)
        for j in range(len(paragraphs)):
            out[:, j] = cos[:, owner == j].max(axis=1)
        return out

    def retrieval(prefix: str, qvec: np.ndarray, arts: list[int], gold: list[set[int]]) -> dict[str, float]:
        res: dict[str, float] = {}
        for kind, scores in (("para", qvec @ pvec.T), ("sent", sentence_scores(qvec))):
            res[f"{prefix} {kind} corpus hit@1"], res[f"{prefix} {kind} corpus mrr"] = _ranks(scores, gold)
            own = np.where(article_of[None, :] == np.array(arts)[:, None], scores, -2.0)
            res[f"{prefix} {kind} article hit@1"], res[f"{prefix} {kind} article mrr"] = _ranks(own, gold)
        return res

    out: dict[str, float] = {"dimension": float(pvec.shape[1])}
    qvec = encoder.encode([q for _, _, _, q, _ in raw])
    out |= retrieval("xquad", qvec, [a for a, *_ in raw], [{where[(a, c)]} for a, c, *_ in raw])
    # Separation: best sentence of the own article, with and without the answering sentences.
    cos = qvec @ svec.T
    pos, neg, pos_odd, neg_odd = [], [], [], []
    for qi, (a, _, _, _, answers) in enumerate(raw):
        mine = article_of[owner] == a
        holds = np.array([any(_norm(x) in _norm(t) for x in answers) for _, t in sentences])
        if not (mine & holds).any() or not (mine & ~holds).any():
            continue
        p, n = float(cos[qi, mine].max()), float(cos[qi, mine & ~holds].max())
        pos.append(p)
        neg.append(n)
        if a % 2:
            pos_odd.append(p)
            neg_odd.append(n)
    out["xquad sentence-removed AUC"] = _auc(pos, neg)
    out["xquad sentence-removed AUC (odd)"] = _auc(pos_odd, neg_odd)

    titles = {a.title.replace(" ", "_"): i for i, a in enumerate(articles)}
    records = [json.loads(line) for line in READER_DATA.read_text(encoding="utf-8").splitlines() if line]
    answerable = [r for r in records if r["kind"] in READER_ANSWERABLE]
    unanswerable = [r for r in records if r["kind"] == "unanswerable"]
    rvec = encoder.encode([r["q"] for r in answerable])
    arts = [titles[r["article"]] for r in answerable]
    gold = [{where[(a, e)] for e in r["evidence"]} for a, r in zip(arts, answerable, strict=True)]
    out |= retrieval("reader", rvec, arts, gold)
    uvec = encoder.encode([r["q"] for r in unanswerable])

    def best(vec: np.ndarray, recs: list[dict]) -> list[float]:
        c = vec @ svec.T
        return [float(c[i, article_of[owner] == titles[r["article"]]].max()) for i, r in enumerate(recs)]

    out["reader answerable vs unanswerable AUC"] = _auc(best(rvec, answerable), best(uvec, unanswerable))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--encoders", nargs="+", default=list(ENCODERS), choices=list(ENCODERS))
    args = ap.parse_args()
    results = {name: measure(ENCODERS[name]()) for name in args.encoders}
    keys = list(next(iter(results.values())))
    print("| metric | " + " | ".join(results) + " |")
    print("|---|" + "---|" * len(results))
    for k in keys:
        print(f"| {k} | " + " | ".join(f"{r[k]:.3f}" for r in results.values()) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
