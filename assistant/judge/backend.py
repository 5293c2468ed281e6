"""``JudgedBackend``: the offline reader's answers, each checked by a judge before it is shown.

The reader (``ExtractiveBackend``, all its policies for follow-ups, two-part questions and
names) proposes its answer; every paragraph it quotes is one candidate, its quoted sentences
joined. The judge is asked, for the question as the reader understood it (a follow-up's
standalone form), whether each candidate states the answer. The answer keeps the candidates
the judge accepts (quotes unchanged, text rebuilt from them in article order); when it accepts
none, the backend declines ("The article doesn't say.") and the answer lists what it read as
``rejected``, closest first, to be shown as "not an answer". Overviews and answers about the
article itself (title, date, author) and the reader's own declines are not judged. When the
judge fails, the reader's answer stands with a notice (or, with ``fallback=False``, the
``JudgeError`` is raised). It does not retrieve, score sentences or talk to a server itself.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from index.errors import JudgeError

from ..backend import History
from ..citations import ABSTAIN_TEXT, marker, with_marker
from ..extractive import ExtractiveBackend, ExtractiveSettings
from ..schema import Answer, Citation
from .judge import Judge


def candidates(citations: list[Citation]) -> list[list[Citation]]:
    """The answer's citations grouped by paragraph (the reader's order: best-supported first),
    each group's sentences in article order."""
    groups: dict[tuple[str, int], list[Citation]] = {}
    for c in citations:
        groups.setdefault((c.document, c.paragraph), []).append(c)
    return [sorted(g, key=lambda c: c.start) for g in groups.values()]


def quote_of(group: list[Citation]) -> str:
    return " ".join(c.quote for c in group)


class JudgedBackend(ExtractiveBackend):
    """The offline reader whose sentence answers a ``Judge`` checks."""

    def __init__(
        self, judge: Judge, settings: ExtractiveSettings | None = None, multi_document: bool = False
    ) -> None:
        super().__init__(settings, multi_document=multi_document)
        self.judge = judge
        self.label = f"offline extractive, checked by {judge.label}"

    def _single(self, question: str, history: History, retriever: Any) -> Answer:
        answer = super()._single(question, history, retriever)
        if answer.abstained or not answer.citations:
            return answer
        return self.judged(answer)

    def judged(self, answer: Answer) -> Answer:
        """``answer`` with only the candidates the judge accepts, or a decline naming what it read."""
        groups = candidates(answer.citations)
        asked = answer.standalone_question or answer.question
        try:
            probabilities = self.judge.probabilities(asked, [(quote_of(g), g[0].title) for g in groups])
        except JudgeError as exc:
            if not self.judge.fallback:
                raise
            return dataclasses.replace(answer, notice=f"Not checked: {exc}")
        kept = [g for g, p in zip(groups, probabilities, strict=True) if self.judge.accepts(p)]
        checked = dataclasses.replace(answer, checked_by=self.judge.label, verdicts=probabilities)
        if len(kept) == len(groups):
            return checked
        if not kept:
            return dataclasses.replace(
                checked,
                text=ABSTAIN_TEXT,
                citations=[],
                abstained=True,
                short=None,
                rejected=list(answer.citations),
            )
        citations = [c for g in kept for c in g]
        rejected = [c for c in answer.citations if c not in citations]
        ordered = sorted(citations, key=lambda c: (c.document, c.paragraph, c.start))
        text = " ".join(
            with_marker(c.quote, marker(c.document, c.paragraph, self.multi_document)) for c in ordered
        )
        short = answer.short if answer.short and any(answer.short in c.quote for c in citations) else None
        return dataclasses.replace(checked, text=text, citations=citations, short=short, rejected=rejected)

    def close(self) -> None:
        self.judge.close()


__all__ = ["JudgedBackend", "candidates", "quote_of"]
