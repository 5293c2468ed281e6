"""Answerability: the evidence that retrieved passages answer a question, and its fitted model.

``evidence(scored)`` describes the reader's ranked sentences with absolute numbers (the best
sentence's probability and features, how far it stands above the best sentence of another
paragraph, the best paragraph's retrieval features, how much of the question any candidate
paragraph covers), so one threshold holds for one short article and for hundreds.
``Model`` turns that evidence into a probability: a logistic regression or a small ensemble
of gradient-boosted trees, whichever ``training/fit.py`` wrote to ``weights.json``. The trees
are evaluated here in plain Python because scikit-learn is a training extra, not a run-time
dependency; ``tests/test_extractive_answerability.py`` checks they equal scikit-learn's predict_proba.
This module does not retrieve, score sentences, or decide the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..weights import sigmoid
from .features import FEATURES

EVIDENCE = (
    "best",  # the best sentence's probability of holding the answer
    *(f"best_{f}" for f in FEATURES),  # that sentence's features
    "second",  # the runner-up sentence's probability
    "other_paragraph",  # the best probability among sentences of another paragraph
    "paragraph_cover",  # the largest share of the question's words any candidate paragraph holds
    "max_cos",  # the largest sentence cosine among the candidates
    "dense_paragraph",  # the best sentence's paragraph: cosine to the question
    "dense_top2",  # ... mean cosine of its two best sentences
    "bm25_ideal",  # ... BM25 over the question's ideal BM25 (corpus-wide rarity)
    "title_share",  # ... share of the question's words in the article title
)


class _Candidate(Protocol):
    score: float
    features: tuple[float, ...]

    @property
    def passage(self) -> Any: ...


def evidence(scored: Sequence[_Candidate]) -> tuple[float, ...]:
    """The EVIDENCE vector of the reader's sentences, most likely first (zeros when none)."""
    if not scored:
        return (0.0,) * len(EVIDENCE)
    best = scored[0]
    f = dict(zip(FEATURES, best.features, strict=True))
    other = next((c.score for c in scored if c.passage is not best.passage), 0.0)
    share = FEATURES.index("share_paragraph")
    cos = FEATURES.index("cos")
    pf = best.passage.features
    return (
        best.score,
        *best.features,
        scored[1].score if len(scored) > 1 else 0.0,
        other,
        max(c.features[share] for c in scored),
        max(c.features[cos] for c in scored),
        float(pf.get("dense_paragraph", f["cos"])),
        float(pf.get("dense_top2", f["cos"])),
        float(pf.get("bm25_ideal", 0.0)),
        float(pf.get("title_share", 0.0)),
    )


@dataclass(frozen=True)
class Tree:
    """One regression tree as parallel node arrays (leaves have ``left == -1``)."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]
    missing_left: tuple[bool, ...]

    def predict(self, x: Sequence[float]) -> float:
        node = 0
        while self.left[node] >= 0:
            v = x[self.feature[node]]
            go_left = self.missing_left[node] if v != v else v <= self.threshold[node]  # v != v: NaN
            node = self.left[node] if go_left else self.right[node]
        return self.value[node]


@dataclass(frozen=True)
class Model:
    """P(answerable | evidence): logistic (``weights``, ``bias``) or boosted trees (``trees``, ``bias``)."""

    features: tuple[str, ...]
    columns: tuple[int, ...]  # positions of ``features`` in EVIDENCE
    bias: float
    weights: tuple[float, ...] = ()
    trees: tuple[Tree, ...] = ()

    def probability(self, x: Sequence[float]) -> float:
        v = [x[c] for c in self.columns]
        if self.trees:
            return sigmoid(self.bias + sum(t.predict(v) for t in self.trees))
        return sigmoid(self.bias + sum(w * a for w, a in zip(self.weights, v, strict=True)))


def load(section: dict[str, Any], where: object) -> Model:
    """The model in a ``weights.json`` section; its feature names must be ones EVIDENCE has."""
    names = tuple(section["features"])
    unknown = [n for n in names if n not in EVIDENCE]
    if unknown:
        raise RuntimeError(
            f"{where}: answerability features {unknown} are not computed; refit with training/fit.py"
        )
    columns = tuple(EVIDENCE.index(n) for n in names)
    bias = float(section.get("bias", 0.0))
    if section.get("kind", "logistic") == "trees":
        trees = tuple(
            Tree(
                tuple(t["feature"]),
                tuple(float(v) for v in t["threshold"]),
                tuple(t["left"]),
                tuple(t["right"]),
                tuple(float(v) for v in t["value"]),
                tuple(bool(v) for v in t["missing_left"]),
            )
            for t in section["trees"]
        )
        return Model(names, columns, bias, trees=trees)
    weights = tuple(float(w) for w in section["weights"])
    if len(weights) != len(names):
        raise RuntimeError(f"{where}: {len(weights)} answerability weights for {len(names)} features")
    return Model(names, columns, bias, weights=weights)
