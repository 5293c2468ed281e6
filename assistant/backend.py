"""The backend protocol: what ``Assistant`` asks of an answering backend, and nothing more.

A backend answers one question, with the conversation so far and a retriever to fetch the
passages it wants: ``ask(question, history, retriever) -> Answer`` and ``stream(...)``,
which yields pieces of text and then the ``Answer``. ``answer(question, passages)`` is the
narrow seam: given passages, answer from them. Each backend owns its policies (how it
treats follow-ups, two-part questions or names the article lacks); the composer only
cleans the question and verifies the citations. ``PassageBackend`` is a base class that
gives ``ask`` and ``stream`` to a backend that only has ``answer``; ``as_backend`` adapts
such a backend when it was not built on the base. This module knows no backend.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from .schema import Answer, Passage

History = Sequence[tuple[str, str]]  # (user, assistant) turns, oldest first


@runtime_checkable
class Backend(Protocol):
    name: str

    def answer(self, question: str, passages: list[Passage]) -> Answer: ...

    def ask(self, question: str, history: History, retriever: Any) -> Answer: ...

    def stream(self, question: str, history: History, retriever: Any) -> Iterator[str | Answer]: ...


def words(answer: Answer) -> Iterator[str | Answer]:
    """An answer that is ready at once, streamed a word at a time, then the ``Answer``."""
    for i, word in enumerate(answer.text.split(" ")):
        yield word if i == 0 else " " + word
    yield answer


class PassageBackend:
    """A backend that answers from the passages retrieved for the question as asked."""

    name = "passages"

    def answer(self, question: str, passages: list[Passage]) -> Answer:
        raise NotImplementedError

    def ask(self, question: str, history: History, retriever: Any) -> Answer:
        return self.answer(question, retriever.retrieve(question))

    def stream(self, question: str, history: History, retriever: Any) -> Iterator[str | Answer]:
        yield from words(self.ask(question, history, retriever))


class _Adapted(PassageBackend):
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name

    def answer(self, question: str, passages: list[Passage]) -> Answer:
        return self.inner.answer(question, passages)


def as_backend(backend: Any) -> Backend:
    """``backend`` itself when it speaks the whole protocol, else wrapped to answer from passages."""
    return backend if isinstance(backend, Backend) else _Adapted(backend)
