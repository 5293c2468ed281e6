"""Which articles an answer may draw on when several are indexed.

An answer reads one article: the one whose sentence answers best. It may read several only
when the question asks across articles, saying so ("Which of the articles...", "both
stories": ``asking.asks_across_articles``) or naming the subjects of two of the retrieved
articles (every content word of each one's title: "How does the Amazon rainforest's
rainfall compare with Kenya's?"). Headlines longer than ``NAMED_TITLE_WORDS`` content words
are never typed whole, so they are not looked for.

A follow-up stays with the articles the previous answer cited (its markers name them,
``[doc ¶N]``, see ``citations.marker``) unless it names something of another article that
those never mention: a word of another article's title ("and what about Kenya?") or a name
that only other articles hold ("What did Napoleon do there?").

This module does not score sentences, retrieve, or decide whether to answer.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ..asking import asks_across_articles
from ..citations import MARKER
from ..lexicon import terms
from ..schema import Passage
from .features import text_terms
from .gate import name_terms, names_covered

NAMED_TITLE_WORDS = 4  # a title this short (in content words) can be named whole in a question


def named_articles(question: str, passages: Sequence[Passage]) -> set[str]:
    """The documents among ``passages`` whose whole (short) title the question holds."""
    words = frozenset(terms(question))
    named = set()
    for p in passages:
        title = text_terms(p.title or "")
        if title and len(title) <= NAMED_TITLE_WORDS and title <= words:
            named.add(p.document)
    return named


def across_articles(question: str, passages: Sequence[Passage]) -> bool:
    """Whether an answer to ``question`` may join sentences of several articles."""
    return asks_across_articles(question) or len(named_articles(question, passages)) >= 2


def cited_articles(answer_text: str, documents: Mapping[str, Any] | Collection[str]) -> list[str]:
    """The indexed documents an answer's markers name, most cited first (none over one article,
    where markers are a bare ``[¶N]``)."""
    counts: dict[str, int] = {}
    for m in MARKER.finditer(answer_text):
        doc = m.group(1)
        if doc and doc in documents:
            counts[doc] = counts.get(doc, 0) + 1
    return sorted(counts, key=lambda d: -counts[d])


def _vocabulary(documents: Collection[str], retriever: Any) -> frozenset[str]:
    """Every content-word stem of ``documents``: titles, headings and paragraphs."""
    store = retriever.store
    out: set[str] = set()
    for doc in documents:
        info = store.documents.get(doc)
        out |= text_terms(info.title or "") if info else frozenset()
    for p in store.paragraphs:
        if p.document in documents:
            out |= text_terms(f"{p.section or ''} {p.text}")
    return frozenset(out)


def moves_on(question: str, previous: Collection[str], retriever: Any) -> bool:
    """Whether a follow-up names something of another article that ``previous`` never mention."""
    known = _vocabulary(previous, retriever)
    words = set(retriever.query_terms(question))  # misspellings mapped onto the index's words
    for doc, info in retriever.store.documents.items():
        if doc not in previous and (text_terms(info.title or "") & words) - known:
            return True
    frequency = retriever.speller.frequency  # paragraphs of the whole index holding each stem
    return any(
        not names_covered([name], known) and all(frequency.get(t, 0) > 0 for t in name)
        for name in name_terms(question)
    )
