"""Overview answers ("summarize it", "what is this article about?"): the title and a few central sentences.

``overview(question, history, retriever, ...)`` picks the article the question is about (the
only one; in a multi-article index the one the conversation cited or retrieved, else the one
the question retrieves best) and answers with its title and ``SENTENCES`` of its own
sentences, each cited. Sentences are chosen for coverage, MMR-style, over the stored sentence
embeddings: central to the article (cosine to the mean of its sentences), penalised by their
similarity to those already chosen, from paragraphs not yet used while any remain, and not
opening with a pronoun when another will do (it would lean on a sentence not shown). They
are read in document order. The constants are set a priori (the middle of 2-4 sentences,
MMR's usual 0.7 relevance weight), not fitted on any eval set.

It does not recognise overview questions (``asking.is_overview``) or verify citations.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..citations import cite, marker, with_marker
from ..condense import retrieval_query
from ..schema import Answer, Citation, Passage
from .articles import cited_articles
from .features import opens_with_pronoun

SENTENCES = 3  # an overview cites this many sentences (fewer when the article is shorter)
RELEVANCE = 0.7  # MMR: weight of centrality against redundancy with what was chosen
MIN_WORDS = 6  # shorter sentences (captions, fragments) are not summary material


def article_in_question(question: str, history: Sequence[tuple[str, str]], retriever: Any) -> str | None:
    """The document an overview question is about (see the module docstring)."""
    documents = retriever.store.documents
    if len(documents) <= 1:
        return next(iter(documents), None)
    for _, answer in reversed(history):
        cited = cited_articles(answer, documents)
        if cited:
            return cited[0]
    query = retrieval_query(question, history) if history else question
    passages = retriever.retrieve(query)
    return passages[0].document if passages else next(iter(documents))


def central_sentences(vectors: np.ndarray, paragraph_of: list[int], leaning: list[bool], k: int) -> list[int]:
    """Row indexes of ``k`` sentences chosen for coverage (MMR over centrality; see the module)."""
    if not len(vectors):
        return []
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    centre = unit.mean(axis=0)
    centrality = unit @ (centre / max(float(np.linalg.norm(centre)), 1e-9))
    chosen: list[int] = []
    while len(chosen) < min(k, len(unit)):
        used = {paragraph_of[i] for i in chosen}
        pool = [i for i in range(len(unit)) if i not in chosen]
        fresh = [i for i in pool if paragraph_of[i] not in used] or pool
        pool = [i for i in fresh if not leaning[i]] or fresh
        redundancy = (unit[pool] @ unit[chosen].T).max(axis=1) if chosen else np.zeros(len(pool))
        mmr = RELEVANCE * centrality[pool] - (1 - RELEVANCE) * redundancy
        chosen.append(pool[int(np.argmax(mmr))])
    return sorted(chosen)


def overview(
    question: str, history: Sequence[tuple[str, str]], retriever: Any, *, multi_document: bool, backend: str
) -> Answer | None:
    """The article's title and its most central sentences, cited; None when it has no text."""
    doc = article_in_question(question, history, retriever)
    info = retriever.store.documents.get(doc) if doc else None
    paragraphs = [p for p in retriever.store.paragraphs if p.document == doc]
    if info is None or not paragraphs:
        return None
    rows: list[tuple[int, int]] = []  # (paragraph position, sentence index)
    blocks = []
    for i, (p, (_, svecs)) in enumerate(zip(paragraphs, retriever.vectors(paragraphs), strict=True)):
        for j, sentence in enumerate(p.sentences):
            if len(sentence.text.split()) >= MIN_WORDS and j < len(svecs):
                rows.append((i, j))
                blocks.append(svecs[j])
    if not rows:
        return None
    picked = central_sentences(
        np.stack(blocks),
        [i for i, _ in rows],
        [opens_with_pronoun(paragraphs[i].sentences[j].text) for i, j in rows],
        SENTENCES,
    )
    citations: list[Citation] = []
    parts: list[str] = []
    passages: dict[int, Passage] = {}
    for r in picked:
        i, j = rows[r]
        p = paragraphs[i]
        passage = passages.setdefault(i, Passage(paragraph=p, score=0.0, title=info.title, path=info.path))
        citations.append(cite(passage, p.sentences[j]))
        parts.append(with_marker(p.sentences[j].text, marker(p.document, p.number, multi_document)))
    title = info.title or doc
    return Answer(
        question=question,
        text=f"“{title}”, in brief: " + " ".join(parts),
        citations=citations,
        abstained=False,
        backend=backend,
        passages=list(passages.values()),
    )
