"""What the LLM backend takes from the offline extractive reader: its doubt, its declines, its answers.

``OfflineReader`` wraps the extractive backend for ``LLMBackend``: ``closeness`` says how
likely the retrieved passages answer a question (the reader's calibrated probability) and
which passage holds its best sentence, for the gate before the model is asked and for the
second look at a decline; ``decline`` is the standard abstention; ``instead`` is the answer
shown when the model failed, the offline reader's own with a notice saying why (with
``fallback=False``: a decline for a reply nothing of which checks out, else the error).
This module does not call the model or check its replies.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from ..extractive import ExtractiveBackend, ExtractiveSettings
from ..schema import Answer, Passage
from .client import Failure, LLMSettings
from .guard import LeakGuard
from .support import without_model_text

History = Sequence[tuple[str, str]]


class OfflineReader:
    """The extractive backend, as the LLM backend's gate and fallback."""

    def __init__(
        self, settings: LLMSettings, name: str, extractive: ExtractiveSettings | None, multi_document: bool
    ) -> None:
        self.settings = settings
        self.name = name  # the LLM backend's, on its declines
        self.backend = ExtractiveBackend(extractive, multi_document=multi_document)

    def closeness(self, question: str, passages: list[Passage]) -> tuple[float, Passage | None]:
        """How likely the passages answer the question, and the passage of the best sentence."""
        scored = self.backend.score_sentences(question, passages)
        best = scored[0].passage if scored else None
        answerable = getattr(self.backend, "confidence", None)
        if answerable is not None:  # a calibrated probability, when the backend has one
            return float(answerable(question, scored)), best
        return (scored[0].score if scored else 0.0), best

    def decline(
        self, question: str, standalone: str, passages: list[Passage], confidence: float, history: History
    ) -> Answer:
        abstained = self.backend.answer(standalone, [])
        return dataclasses.replace(
            abstained,
            question=question,
            backend=self.name,
            passages=passages,
            confidence=confidence,
            standalone_question=standalone if history else None,
        )

    def instead(
        self,
        question: str,
        standalone: str,
        retriever: Any,
        passages: list[Passage] | None,
        failure: Failure,
        history: History,
        problems: Sequence[str] = (),
    ) -> Answer:
        if not self.settings.fallback:
            if failure.kind == "unverified":
                # Without the offline reader, a reply nothing of which checks out (after the
                # repair request) is not shown: the honest answer is that none was found.
                declined = self.decline(question, standalone, passages or [], 0.0, history)
                return dataclasses.replace(
                    declined,
                    notice=f"{failure.message} It is not shown.",
                    removed_citations=without_model_text(problems),
                )
            raise failure.error()
        if retriever is not None:
            # What the offline backend would say, with its own policies (names the article never
            # mentions are declined, two-part questions answered half by half).
            offline = self.backend.ask(standalone, [], retriever)
        else:
            offline = self.backend.answer(standalone, passages or [])
        redact = LeakGuard("", self.settings.secrets(), "").redact
        return dataclasses.replace(
            offline,
            question=question,
            notice=redact(f"{failure.message} Answered offline from the article instead."),
            removed_citations=[*without_model_text(problems), *offline.removed_citations],
            standalone_question=standalone if history else None,
        )
