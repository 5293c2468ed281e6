"""Hybrid retrieval: ``retrieve(question) -> list[Passage]``, dense and BM25 signals fused.

Candidates are the union of the paragraphs nearest to the question in Chroma (paragraph
nodes, and the paragraphs of the nearest sentence nodes) and the best BM25 paragraphs
(``bm25s`` over stemmed title, heading and text, built in memory from the paragraphs stored
in the index, so it can never diverge from the data). A small index is scored whole.
Each candidate is then described by a few features (``PARAGRAPH_FEATURES``): cosine to the
paragraph, best and top-2 mean cosine to its sentences, BM25 relative to the query's best
and relative to the question's ideal score (every question word once), and the share of the question's content words found in the paragraph and in its
document's title. A linear score over them, fitted offline on half of the xquad-dev articles
by ``training/fit.py`` and shipped in ``retrieval_weights.json``, ranks them.
Query words that are neither in the index nor known English words are treated as typos and
mapped onto the index's vocabulary (``lexicon.Speller``).

Each passage carries the cosine of every one of its sentences to the question and its
features, for the answer backends. This module does not decide whether the passages
answer the question (see ``extractive``).
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.document import Paragraph
from index.embedding import MiniLMEncoder
from index.store import IndexStore

from .asking import focus
from .lexicon import Speller, content_words, known_words, terms
from .schema import Passage
from .weights import linear, read

PARAGRAPH_FEATURES = (
    "dense_paragraph",
    "dense_sentence",
    "dense_top2",
    "bm25_norm",
    "share",
    "title_share",
    "bm25_ideal",
)

# Fitted by training/fit.py (written with its provenance to retrieval_weights.json): a conditional logit (softmax over each question's
# candidates, the gold paragraph as the target) on the even-numbered xquad-dev articles,
# ranked both within the whole corpus and within each article alone. BM25 enters as
# "bm25_ideal", its score over the score a paragraph would get by holding every question
# word once (an absolute share of the question's rarity-weighted words, the same in a
# 9-paragraph article and a large corpus), not relative to the best candidate: relative
# BM25 hands full marks to whichever paragraph repeats the article's topic words when a
# paraphrased question shares nothing else. Relative BM25, the sentences' top-2 mean,
# word share and title share earned no weight; they stay as features for the answer backends.
WEIGHTS_FILE = Path(__file__).with_name("retrieval_weights.json")
FUSION_WEIGHTS = linear(read(WEIGHTS_FILE), PARAGRAPH_FEATURES, WEIGHTS_FILE).weights


@dataclass(frozen=True)
class RetrievalSettings:
    """Knobs of candidate generation and fusion."""

    top_k: int = 5
    candidates: int = 30  # nodes fetched per signal before fusion
    exhaustive_below: int = 60  # score every paragraph when the index has fewer
    weights: tuple[float, ...] = FUSION_WEIGHTS
    cache_paragraphs: int = 5000  # paragraphs whose vectors are kept in memory


def _code_key() -> str:
    """Changes whenever the code that derives the side index does."""
    import hashlib
    from pathlib import Path

    from . import lexicon

    here = Path(__file__).read_bytes() + Path(lexicon.__file__).read_bytes()
    return hashlib.sha256(here).hexdigest()[:12]


def _side_index(store: IndexStore):
    """Title terms, paragraph term sets, BM25, term frequencies and surface spellings."""
    import bm25s

    titles = {d.id: d.title or "" for d in store.documents.values()}
    title_terms = {doc: frozenset(terms(t)) for doc, t in titles.items()}
    para_terms = [frozenset(terms(f"{p.section or ''} {p.text}")) for p in store.paragraphs]
    spellings: dict[str, dict[str, int]] = {}
    corpus = []
    for p in store.paragraphs:
        words = content_words(f"{titles.get(p.document, '')} {p.section or ''} {p.text}")
        for word, t in words:
            seen = spellings.setdefault(t, {})
            seen[word] = seen.get(word, 0) + 1
        corpus.append([t for _, t in words] or ["_"])
    bm25 = bm25s.BM25()
    bm25.index(corpus, show_progress=False)
    frequency: dict[str, int] = {}
    for doc in corpus:
        for t in set(doc):
            frequency[t] = frequency.get(t, 0) + 1
    surface = {t: max(seen, key=seen.__getitem__) for t, seen in spellings.items()}
    return title_terms, para_terms, bm25, frequency, surface


class Retriever:
    """Ranks the paragraphs of an ``IndexStore`` for a question."""

    def __init__(
        self, store: IndexStore, encoder: MiniLMEncoder, settings: RetrievalSettings | None = None
    ) -> None:
        self.store = store
        self.encoder = encoder
        self.settings = settings or RetrievalSettings()
        # Built from the stored paragraphs; kept with a local build (keyed by this code) so
        # a large archive opens fast, rebuilt from the data on a Chroma server.
        self._title_terms, self._terms, self._bm25, frequency, surface = store.cached(
            f"retriever-{_code_key()}", lambda: _side_index(store)
        )
        self.speller = Speller(frequency, known_words(), surface)
        self._vectors: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()  # the UI serves several questions at once

    def embed(self, question: str) -> np.ndarray:
        """The question's vector, misspelt words corrected first (typos split WordPiece tokens)."""
        return self.encoder.encode([self.speller.fix(question)])[0]

    def query_terms(self, question: str) -> list[str]:
        """The question's stems, misspellings mapped onto the index's vocabulary."""
        return self.speller.terms(question)

    def idf(self, term: str) -> float:
        """BM25's (Lucene) inverse document frequency; a word the index lacks gets the most."""
        n, df = len(self.store.paragraphs), self.speller.frequency.get(term, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def bm25_scores(self, question: str) -> np.ndarray:
        q = [t for t in self.query_terms(question) if t in self._bm25.vocab_dict]
        if not q:
            return np.zeros(len(self.store.paragraphs), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(q), dtype=np.float32)

    def vectors(self, paragraphs: list[Paragraph]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(paragraph vector, sentence vectors) of each paragraph, from a bounded memory cache."""
        with self._lock:
            return self._cached_vectors(paragraphs)

    def _cached_vectors(self, paragraphs: list[Paragraph]) -> list[tuple[np.ndarray, np.ndarray]]:
        missing = [p for p in paragraphs if p.id not in self._vectors]
        if missing:
            ids = [p.id for p in missing] + [f"{p.id}#s{i}" for p in missing for i in range(len(p.sentences))]
            vecs = self.store.vectors(ids)
            dim = self.encoder.dimension
            for p in missing:
                sent = [vecs[f"{p.id}#s{i}"] for i in range(len(p.sentences))]
                self._vectors[p.id] = (
                    vecs[p.id],
                    np.stack(sent) if sent else np.zeros((0, dim), dtype=np.float32),
                )
        out = [self._vectors[p.id] for p in paragraphs]
        for p in paragraphs:
            self._vectors.move_to_end(p.id)
        while len(self._vectors) > max(self.settings.cache_paragraphs, 0):
            self._vectors.popitem(last=False)  # least recently used first
        return out

    def candidates(
        self, question: str, qvec: np.ndarray, bm25: np.ndarray, within: Collection[str] | None = None
    ) -> list[int]:
        """Positions (in ``store.paragraphs``) of the paragraphs worth scoring: every paragraph
        of the documents ``within`` names, when it names some."""
        n, s = len(self.store.paragraphs), self.settings
        if within is not None:
            return [i for i, p in enumerate(self.store.paragraphs) if p.document in within]
        if n <= s.exhaustive_below:
            return list(range(n))
        k = min(n, s.candidates)
        found: dict[int, None] = {}
        for node_id, _ in self.store.dense(qvec, "paragraph", k):
            i = self.store.position(node_id)
            if i is not None:
                found[i] = None
        for node_id, _ in self.store.dense(qvec, "sentence", 2 * k):
            i = self.store.position(node_id.rsplit("#s", 1)[0])
            if i is not None:
                found[i] = None
        for i in np.argsort(-bm25, kind="stable")[:k]:
            if bm25[i] > 0:
                found[int(i)] = None
        return list(found)

    def features(
        self, question: str, top_k: int | None = None, within: Collection[str] | None = None
    ) -> tuple[np.ndarray, list[int], list, np.ndarray]:
        """(question vector, candidate positions, their sentence cosines, feature matrix)."""
        qvec = self.embed(question)
        bm25 = self.bm25_scores(question)
        top_bm25 = float(bm25.max()) if len(bm25) else 0.0
        cands = self.candidates(question, qvec, bm25, within)
        paras = [self.store.paragraphs[i] for i in cands]
        q_terms = frozenset(self.query_terms(question))
        ideal = sum(self.idf(t) for t in q_terms)
        nq = len(q_terms) or 1
        rows, sims = [], []
        for i, p, (pvec, svecs) in zip(cands, paras, self.vectors(paras), strict=True):
            s_cos = svecs @ qvec if len(svecs) else np.zeros(0, dtype=np.float32)
            sims.append(s_cos)
            top = np.sort(s_cos)[::-1] if len(s_cos) else np.zeros(1, dtype=np.float32)
            rows.append(
                (
                    float(pvec @ qvec),
                    float(top[0]),
                    float(top[:2].mean()),
                    float(bm25[i] / top_bm25) if top_bm25 > 0 else 0.0,
                    len(q_terms & self._terms[i]) / nq,
                    len(q_terms & self._title_terms.get(p.document, frozenset())) / nq,
                    min(float(bm25[i]) / ideal, 1.0) if ideal > 0 else 0.0,
                )
            )
        return qvec, cands, sims, np.asarray(rows, dtype=np.float32).reshape(-1, len(PARAGRAPH_FEATURES))

    def retrieve(
        self, question: str, top_k: int | None = None, within: Collection[str] | None = None
    ) -> list[Passage]:
        """The ``top_k`` best paragraphs for ``question``, best first (only of the documents
        ``within`` names, when given: a follow-up staying with its article)."""
        s = self.settings
        top_k = top_k or s.top_k
        if not self.store.paragraphs:
            return []
        _, cands, sims, x = self.features(question, within=within)
        fused = x @ np.asarray(s.weights, dtype=np.float32)
        passages: list[Passage] = []
        seen: set[str] = set()
        for j in np.argsort(-fused, kind="stable"):
            p = self.store.paragraphs[cands[j]]
            if p.text in seen:  # the same paragraph twice (a copied file, a repeated line)
                continue
            if len(passages) == top_k:
                break
            seen.add(p.text)
            info = self.store.documents.get(p.document)
            passages.append(
                Passage(
                    paragraph=p,
                    score=float(fused[j]),
                    title=info.title if info else None,
                    path=info.path if info else None,
                    sentence_scores=tuple(float(v) for v in sims[j]),
                    features=dict(zip(PARAGRAPH_FEATURES, (float(v) for v in x[j]), strict=True)),
                )
            )
        return self._with_focus(question, passages)

    def _with_focus(self, question: str, passages: list[Passage]) -> list[Passage]:
        """Each sentence's similarity to what the question asks for (``asking.focus``):
        "artillery and anti-tank missiles" is close to "weapons" where the question's other
        words are not, which the extractive scorer uses. One short extra embedding."""
        wanted = focus(question)
        if wanted is None or not passages:
            return passages
        fvec = self.encoder.encode([self.speller.fix(wanted)])[0]  # "wepons" -> "weapons"
        vectors = self.vectors([p.paragraph for p in passages])
        return [
            dataclasses.replace(p, focus_scores=tuple(float(v) for v in svecs @ fvec))
            for p, (_, svecs) in zip(passages, vectors, strict=True)
        ]
