"""Hybrid retrieval: ``retrieve(question) -> list[Passage]``, dense and BM25 scores fused.

Three signals per paragraph: the cosine similarity of the question to the paragraph's
embedding, the best cosine similarity to any one of its sentences (both from Chroma), and
BM25 over stemmed paragraph text (``bm25s``, built in memory from the paragraphs stored in
the index, so it can never diverge from the data). They are fused by a weighted sum after
normalising BM25 by the query's best score. Each returned passage also carries the cosine
similarity of every one of its sentences to the question, for the answer backends.

This module does not decide whether the passages answer the question (see ``extractive``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.embedding import MiniLMEncoder
from index.store import IndexStore

from .lexicon import terms
from .schema import Passage


@dataclass(frozen=True)
class RetrievalSettings:
    """Knobs of the fusion; defaults were chosen on a split of the xquad-dev data."""

    top_k: int = 5
    candidates: int = 30  # dense nodes fetched per signal before fusion
    w_paragraph: float = 0.35
    w_sentence: float = 0.35
    w_bm25: float = 0.30


class Retriever:
    """Ranks the paragraphs of an ``IndexStore`` for a question."""

    def __init__(
        self, store: IndexStore, encoder: MiniLMEncoder, settings: RetrievalSettings | None = None
    ) -> None:
        import bm25s

        self.store = store
        self.encoder = encoder
        self.settings = settings or RetrievalSettings()
        corpus = [terms(f"{p.section or ''} {p.text}") or ["_"] for p in store.paragraphs]
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)

    def embed(self, question: str) -> np.ndarray:
        return self.encoder.encode([question])[0]

    def bm25_scores(self, question: str) -> np.ndarray:
        q = [t for t in terms(question) if t in self._bm25.vocab_dict]
        if not q:
            return np.zeros(len(self.store.paragraphs), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(q), dtype=np.float32)

    def retrieve(self, question: str, top_k: int | None = None) -> list[Passage]:
        """The ``top_k`` best paragraphs for ``question``, best first."""
        s = self.settings
        top_k = top_k or s.top_k
        n = len(self.store.paragraphs)
        if n == 0:
            return []
        qvec = self.embed(question)
        k = min(n, max(s.candidates, top_k))
        dense_p = np.zeros(n, dtype=np.float32)
        dense_s = np.zeros(n, dtype=np.float32)
        seen = np.zeros(n, dtype=bool)
        for node_id, cos in self.store.dense(qvec, "paragraph", k):
            i = self.store.position(node_id)
            if i is not None:
                dense_p[i], seen[i] = cos, True
        for node_id, cos in self.store.dense(qvec, "sentence", 2 * k):
            i = self.store.position(node_id.rsplit("#s", 1)[0])
            if i is not None and cos > dense_s[i]:
                dense_s[i], seen[i] = cos, True
        bm25 = self.bm25_scores(question)
        top_bm25 = float(bm25.max()) if len(bm25) else 0.0
        bm25_norm = bm25 / top_bm25 if top_bm25 > 0 else bm25
        seen |= bm25_norm > 0
        fused = s.w_paragraph * dense_p + s.w_sentence * dense_s + s.w_bm25 * bm25_norm
        fused[~seen] = -1.0
        order = [int(i) for i in np.argsort(-fused, kind="stable")[:top_k] if seen[i]]
        paragraphs = [self.store.paragraphs[i] for i in order]
        vectors = self.store.sentence_vectors(paragraphs)
        passages = []
        for i, p in zip(order, paragraphs, strict=True):
            sims = vectors[p.id] @ qvec if len(p.sentences) else np.zeros(0)
            info = self.store.documents.get(p.document)
            passages.append(
                Passage(
                    paragraph=p,
                    score=float(fused[i]),
                    title=info.title if info else None,
                    path=info.path if info else None,
                    sentence_scores=tuple(float(x) for x in sims),
                    features={
                        "dense_paragraph": float(dense_p[i]),
                        "dense_sentence": float(dense_s[i]),
                        "bm25": float(bm25[i]),
                        "bm25_norm": float(bm25_norm[i]),
                    },
                )
            )
        return passages
