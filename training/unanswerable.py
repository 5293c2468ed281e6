"""Answerability training data from xquad-dev: every question asked where it has an answer and where not.

For each xquad question, the reader's evidence (``answerability.evidence``) in five settings:

- ``corpus``: asked of the whole corpus (answerable);
- ``single``: asked of its own article alone (answerable);
- ``sentence``: its own article with every retrieved sentence that holds a gold answer removed
  (on-topic unanswerable: the topic, the names and the neighbouring facts are all there);
- ``paragraph``: its own article without the gold paragraph (on-topic unanswerable, noisier:
  another paragraph sometimes answers too);
- ``oos``: asked of another article alone (out of scope).

Removing a sentence is done on the retrieved passages, not by re-indexing: the paragraph keeps
its number and its other sentences, and its paragraph-level similarities (dense cosine, best
and top-two sentence cosine) are recomputed with the encoder; its BM25 features are not, so
those negatives look a little more answerable than a real re-indexed article would. Rows
carry their article index so callers split by article (even = fit, odd = held out). This
module builds rows; ``training/fit.py`` fits and reports.
"""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import numpy as np

from assistant.schema import Passage
from training.data import Question, single_article_bot

KINDS = ("corpus", "single", "sentence", "paragraph", "oos")
ANSWERABLE_KINDS = ("corpus", "single")
TOP_TEXTS = 5  # the reader's best sentences kept as text, for evidence computed from the text


def norm(t: str) -> str:
    return " ".join(t.lower().split())


def holds_answer(text: str, answers: tuple[str, ...]) -> bool:
    return any(norm(a) in norm(text) for a in answers)


def without_answer(passages: list[Passage], q: Question, qvec: np.ndarray, encoder, weights) -> list[Passage]:
    """The passages with every sentence holding a gold answer removed, re-ranked by their
    recomputed fused score; a paragraph left empty is dropped."""
    out = []
    for p in passages:
        keep = [i for i, s in enumerate(p.paragraph.sentences) if not holds_answer(s.text, q.answers)]
        if len(keep) == len(p.paragraph.sentences):
            out.append(p)
            continue
        if not keep:
            continue
        sentences = tuple(p.paragraph.sentences[i] for i in keep)
        text = " ".join(s.text for s in sentences)
        paragraph = dataclasses.replace(p.paragraph, text=text, sentences=sentences)
        cos = [p.sentence_scores[i] for i in keep if i < len(p.sentence_scores)]
        focus = (
            tuple(p.focus_scores[i] for i in keep)
            if len(p.focus_scores) == len(p.paragraph.sentences)
            else ()
        )
        features = dict(p.features)
        features["dense_paragraph"] = float(encoder.encode([text])[0] @ qvec)
        top = sorted(cos, reverse=True) or [0.0]
        features["dense_sentence"] = float(top[0])
        features["dense_top2"] = float(np.mean(top[:2]))
        score = float(sum(w * features[f] for f, w in weights.items()))
        out.append(
            dataclasses.replace(
                p,
                paragraph=paragraph,
                sentence_scores=tuple(cos),
                focus_scores=focus,
                features=features,
                score=score,
            )
        )
    return sorted(out, key=lambda p: -p.score)


def rows(bot, questions: list[Question], paths: list[Path], encoder) -> list[dict]:
    """One row per (question, setting): article, kind, question id, evidence vector, the question,
    the texts of the reader's ``TOP_TEXTS`` best sentences (most likely first) and of the
    sentences its answer quotes."""
    from assistant.extractive.reader import Reader
    from assistant.retriever import PARAGRAPH_FEATURES

    k = bot.backend.settings.passages_used
    reader: Reader = bot.backend.reader if hasattr(bot.backend, "reader") else bot.backend
    out: list[dict] = []

    def add(q: Question, passages: list[Passage], kind: str, article: int) -> None:
        scored = reader.score_sentences(q.text, passages)
        answer = reader.answer(q.text, passages)
        out.append(
            {
                "article": article,
                "kind": kind,
                "id": q.id,
                "x": reader.answerable_features(q.text, scored),
                "label": int(kind in ANSWERABLE_KINDS),
                "question": q.text,
                "top": [c.passage.paragraph.sentences[c.index].text for c in scored[:TOP_TEXTS]],
                # The sentences the reader quotes ([] when its other rules decline).
                "chosen": [] if answer.abstained else [c.quote for c in answer.citations],
            }
        )

    for q in questions:
        add(q, bot.retrieve(q.text, top_k=k), "corpus", q.article)
    by_article: dict[int, list[Question]] = {}
    for q in questions:
        by_article.setdefault(q.article, []).append(q)
    n = len(paths)
    for a in range(n):
        own = single_article_bot(paths, a, encoder)
        weights = dict(zip(PARAGRAPH_FEATURES, own.retriever.settings.weights, strict=True))
        for q in by_article.get(a, []):
            passages = own.retrieve(q.text, top_k=k + 3)
            add(q, passages[:k], "single", a)
            qvec = own.retriever.embed(q.text)
            if any(holds_answer(s.text, q.answers) for p in passages for s in p.paragraph.sentences):
                add(q, without_answer(passages, q, qvec, encoder, weights)[:k], "sentence", a)
            others = [p for p in passages if p.number != q.paragraph]
            if others:
                add(q, others[:k], "paragraph", a)
        for q in by_article.get((a + n - 1) % n, []):
            add(q, own.retrieve(q.text, top_k=k), "oos", a)
    return out


def build(cache: Path | None = None) -> list[dict]:
    """The rows for xquad-dev (cached in ``cache`` when given)."""
    if cache is not None and cache.exists():
        return pickle.loads(cache.read_bytes())
    from index.embedding import MiniLMEncoder
    from training.data import corpus

    encoder = MiniLMEncoder()
    _, questions, bot, paths = corpus(encoder)
    data = rows(bot, questions, paths, encoder)
    if cache is not None:
        cache.write_bytes(pickle.dumps(data))
    return data


if __name__ == "__main__":
    import sys
    from collections import Counter

    built = build(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(Counter(r["kind"] for r in built))
