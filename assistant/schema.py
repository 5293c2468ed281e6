"""The values that cross the two seams: ``Passage`` (retrieval out), ``Citation`` and ``Answer``.

Plain dataclasses with no behaviour beyond small conveniences, so backends, the CLI,
the UI and the eval suite can share them. ``to_dict`` gives the JSON shape used by
``footnote ask --json`` and the Gradio API. This module does no retrieval or answering.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from index.document import Paragraph


@dataclass(frozen=True)
class Passage:
    """A retrieved paragraph with its retrieval score and per-sentence scores."""

    paragraph: Paragraph
    score: float
    title: str | None = None
    path: str | None = None
    # Cosine similarity of each sentence of the paragraph to the question, in order.
    sentence_scores: tuple[float, ...] = ()
    # Cosine similarity of each sentence to what the question asks for ("What weapons…" ->
    # "weapons", "Where…" -> a place); empty when it names no such thing.
    focus_scores: tuple[float, ...] = ()
    # Raw component scores (dense, bm25, ...) kept for evals and debugging.
    features: dict[str, float] = field(default_factory=dict)

    @property
    def document(self) -> str:
        return self.paragraph.document

    @property
    def number(self) -> int:
        return self.paragraph.number

    @property
    def text(self) -> str:
        return self.paragraph.text

    @property
    def section(self) -> str | None:
        return self.paragraph.section


@dataclass(frozen=True)
class Citation:
    """A pointer from an answer to the exact words of a paragraph that support it.

    ``quote`` is always a verbatim substring of ``paragraph_text``; ``start``/``end`` are
    the quote's character offsets in the document's source text (as indexed).
    """

    document: str
    paragraph: int
    paragraph_text: str
    quote: str
    start: int
    end: int
    section: str | None = None
    title: str | None = None
    path: str | None = None
    supported: bool = True
    support: float | None = None

    @property
    def label(self) -> str:
        return f"¶{self.paragraph}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """What ``Assistant.ask`` returns: text with ¶ markers and the checked citations."""

    question: str
    text: str
    citations: list[Citation]
    abstained: bool
    backend: str  # "extractive" or "llm:<model>"
    # Paragraphs considered (for "the article doesn't say", the closest ones).
    passages: list[Passage] = field(default_factory=list)
    # Problems found while checking citations (removed markers, unsupported claims).
    removed_citations: list[str] = field(default_factory=list)
    notice: str | None = None  # e.g. "The LLM failed; answered offline instead."
    incomplete: bool = False  # the model's reply was cut off
    confidence: float | None = None
    standalone_question: str | None = None
    # The span of the quoted sentence that answers (a name, place, date, number or short
    # phrase) when the backend is confident of one ("Vladivostok"); None otherwise.
    short: str | None = None
    # The model that checked the quotes when a judge did (``assistant.judge``), the probability
    # it gave each quoted paragraph of the reader's answer (best-supported first), and the
    # citations it found not to answer: on a decline, the closest passage first.
    checked_by: str | None = None
    verdicts: list[float] = field(default_factory=list)
    rejected: list[Citation] = field(default_factory=list)

    @property
    def unsupported(self) -> list[Citation]:
        return [c for c in self.citations if not c.supported]

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "text": self.text,
            "short": self.short,
            "abstained": self.abstained,
            "backend": self.backend,
            "citations": [c.to_dict() for c in self.citations],
            "removed_citations": list(self.removed_citations),
            "notice": self.notice,
            "incomplete": self.incomplete,
            "confidence": self.confidence,
            "standalone_question": self.standalone_question,
            "checked_by": self.checked_by,
            "verdicts": [round(p, 4) for p in self.verdicts],
            "rejected": [c.to_dict() for c in self.rejected],
            "considered": [
                {"document": p.document, "paragraph": p.number, "score": round(p.score, 4)}
                for p in self.passages
            ],
        }
