"""The offline answer backend: ``answer(question, passages) -> Answer`` from the article's own words.

Every sentence of the retrieved paragraphs is scored against the question by its
embedding similarity, the share of the question's content words it (or, at a discount,
its paragraph) contains, and its paragraph's retrieval rank. The best sentence is the
answer; a second sentence joins when it is nearly as good and adds question words the
first lacks (a two-paragraph question). When the best score is below a calibrated
threshold the backend abstains with "The article doesn't say." No network, no model
beyond the embeddings already computed; this module does not retrieve.
"""

from __future__ import annotations

from dataclasses import dataclass

from .citations import ABSTAIN_TEXT, cite, marker, with_marker
from .lexicon import terms
from .schema import Answer, Citation, Passage


@dataclass(frozen=True)
class ExtractiveSettings:
    """Weights and thresholds; calibrated on the seed suite and a split of xquad-dev."""

    w_cosine: float = 0.55
    w_sentence_terms: float = 0.35
    w_paragraph_terms: float = 0.10
    w_rank: float = 0.06
    abstain_below: float = 0.33
    second_within: float = 0.06
    max_sentences: int = 2
    passages_used: int = 3


@dataclass(frozen=True)
class _Scored:
    score: float
    passage: Passage
    index: int
    coverage: frozenset[str]


def _coverage(q_terms: set[str], text: str) -> set[str]:
    return q_terms & set(terms(text))


class ExtractiveBackend:
    """Answers with the best-supported sentence(s) of the passages, or abstains."""

    name = "extractive"

    def __init__(self, settings: ExtractiveSettings | None = None, multi_document: bool = False) -> None:
        self.settings = settings or ExtractiveSettings()
        self.multi_document = multi_document

    def score_sentences(self, question: str, passages: list[Passage]) -> list[_Scored]:
        s = self.settings
        q_terms = set(terms(question))
        scored = []
        for rank, passage in enumerate(passages[: s.passages_used]):
            para_cov = _coverage(q_terms, f"{passage.section or ''} {passage.text}")
            para_share = len(para_cov) / len(q_terms) if q_terms else 0.0
            for i, sentence in enumerate(passage.paragraph.sentences):
                cov = _coverage(q_terms, sentence.text)
                share = len(cov) / len(q_terms) if q_terms else 0.0
                cos = passage.sentence_scores[i] if i < len(passage.sentence_scores) else 0.0
                score = (
                    s.w_cosine * cos
                    + s.w_sentence_terms * share
                    + s.w_paragraph_terms * para_share
                    + s.w_rank * (1.0 / (rank + 1))
                )
                scored.append(_Scored(score, passage, i, frozenset(cov)))
        scored.sort(key=lambda x: -x.score)
        return scored

    def answer(self, question: str, passages: list[Passage]) -> Answer:
        s = self.settings
        scored = self.score_sentences(question, passages)
        if not scored or scored[0].score < s.abstain_below:
            return Answer(
                question=question,
                text=ABSTAIN_TEXT,
                citations=[],
                abstained=True,
                backend=self.name,
                passages=passages,
                confidence=scored[0].score if scored else 0.0,
            )
        chosen = [scored[0]]
        covered = set(scored[0].coverage)
        for cand in scored[1:]:
            if len(chosen) >= s.max_sentences or cand.score < scored[0].score - s.second_within:
                break
            if cand.coverage - covered:
                chosen.append(cand)
                covered |= cand.coverage
        # Present the sentences in reading order.
        chosen.sort(key=lambda c: (c.passage.document, c.passage.number, c.index))
        parts: list[str] = []
        citations: list[Citation] = []
        for c in chosen:
            sentence = c.passage.paragraph.sentences[c.index]
            citation = cite(c.passage, sentence, support=c.score)
            citations.append(citation)
            label = marker(citation.document, citation.paragraph, self.multi_document)
            parts.append(with_marker(sentence.text, label))
        return Answer(
            question=question,
            text=" ".join(parts),
            citations=citations,
            abstained=False,
            backend=self.name,
            passages=passages,
            confidence=scored[0].score,
        )
