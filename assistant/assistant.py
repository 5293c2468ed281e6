"""``Assistant``: opens (or builds) an index and composes ``retrieve`` and ``answer``.

``Assistant.open(sources, index_dir, backend=...)`` finds the article files, reuses the
index when its manifest matches them and rebuilds it when a file or the embedding model
changed. ``ask`` cleans the question, retrieves passages, asks the backend, then checks
every citation against the index before returning. Configuration is passed explicitly;
there is no global settings object. This module does not parse, embed or rank by itself.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from index.embedding import MiniLMEncoder
from index.errors import ConfigurationError
from index.reader import find_sources
from index.store import IndexStore, Progress, build_index, is_current, open_index

from .citations import ABSTAIN_TEXT, verify
from .condense import fallback, is_follow_up, retrieval_query, split_compound, without_markers
from .config import SEEDS_DIR, default_index_dir
from .extractive import ExtractiveBackend, ExtractiveSettings
from .gate import unknown_names
from .question import clean_question
from .retriever import RetrievalSettings, Retriever
from .schema import Answer, Passage

History = Sequence[tuple[str, str]]  # (user, assistant) turns, oldest first


class Backend(Protocol):
    name: str

    def answer(self, question: str, passages: list[Passage]) -> Answer: ...


def llm_configured() -> bool:
    return bool(os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL"))


class Assistant:
    """Question answering with verified paragraph citations over a set of articles."""

    def __init__(
        self,
        store: IndexStore,
        retriever: Retriever,
        backend: Backend,
        index_dir: Path,
        sources: list[Path] | None = None,
    ) -> None:
        self.store = store
        self.retriever = retriever
        self.backend = backend
        self.index_dir = index_dir
        self.sources = sources or []
        self.ingest_summary = None
        # The offline backend doubles as the fallback when an LLM backend fails.
        self.extractive = (
            backend
            if isinstance(backend, ExtractiveBackend)
            else ExtractiveBackend(multi_document=len(store.documents) > 1)
        )

    @classmethod
    def open(
        cls,
        sources: Sequence[str | Path] | None = None,
        index_dir: str | Path | None = None,
        *,
        backend: str | Backend | None = None,
        rebuild: bool = False,
        progress: Progress | None = None,
        encoder: MiniLMEncoder | None = None,
        retrieval: RetrievalSettings | None = None,
        extractive: ExtractiveSettings | None = None,
        **llm_settings: Any,
    ) -> Assistant:
        """Open the index of ``sources`` (default: the seed article), building it if needed."""
        encoder = encoder or MiniLMEncoder()
        files = find_sources(list(sources) if sources else [SEEDS_DIR])
        roots = list(sources) if sources else [SEEDS_DIR]
        index_path = Path(index_dir) if index_dir else default_index_dir(files, roots)
        summary = None
        if rebuild or not is_current(index_path, files, encoder):
            summary = build_index(index_path, files, encoder, progress=progress, full=rebuild)
        store = open_index(index_path, encoder)
        retriever = Retriever(store, encoder, retrieval)
        multi = len(store.documents) > 1
        chosen = _make_backend(backend, multi, extractive, llm_settings)
        bot = cls(store, retriever, chosen, index_path, [f.path for f in files])
        bot.ingest_summary = summary  # what this open() changed in the index, if anything
        return bot

    # -- the two seams -------------------------------------------------------------
    def retrieve(self, question: str, top_k: int | None = None) -> list[Passage]:
        return self.retriever.retrieve(clean_question(question), top_k=top_k)

    def answer(self, question: str, passages: list[Passage]) -> Answer:
        return self._checked(self.backend.answer(question, passages))

    # -- composed ------------------------------------------------------------------
    def ask(self, question: str, history: History | None = None) -> Answer:
        """Answer ``question`` (optionally a follow-up within ``history``) with checked citations."""
        question = clean_question(question)
        ask_history = getattr(self.backend, "ask", None)
        if ask_history is not None:  # backends that rewrite follow-ups themselves (LLM)
            return self._checked(ask_history(question, list(history or []), self.retriever))
        parts = split_compound(question)
        if len(parts) == 2:
            return self._checked(self._compound(question, parts, history))
        return self._checked(self._single(question, history))

    def _compound(self, question: str, parts: list[str], history: History | None) -> Answer:
        """Answer each half of a two-part question; the second may lean on the first."""
        first = self._single(parts[0], history)
        second = self._single(parts[1], [*(history or []), (parts[0], first.text)])
        answers = [a for a in (first, second) if not a.abstained]
        if len(answers) == 1 and any(a.abstained and self._declined_names(a) for a in (first, second)):
            # "Where will they meet, and how did Beijing respond?": answer the half the
            # article covers and say which name the other half asks about in vain.
            declined = first if first.abstained else second
            return dataclasses.replace(
                answers[0], question=question, text=f"{answers[0].text} {declined.text}"
            )
        if len(answers) < 2:
            whole = self._single(question, history)
            return whole if whole.abstained or not answers else answers[0]
        citations, seen = [], set()
        for c in first.citations + second.citations:
            if (c.document, c.paragraph, c.quote) not in seen:
                seen.add((c.document, c.paragraph, c.quote))
                citations.append(c)
        return dataclasses.replace(
            first,
            question=question,
            text=first.text if second.text in first.text else f"{first.text} {second.text}",
            citations=citations,
            passages=first.passages + [p for p in second.passages if p not in first.passages],
            confidence=min(first.confidence or 0.0, second.confidence or 0.0),
        )

    @staticmethod
    def _declined_names(answer: Answer) -> bool:
        return answer.abstained and answer.text.startswith(_DECLINED)

    def _single(self, question: str, history: History | None) -> Answer:
        missing = unknown_names(question, self.retriever.speller) if self._offline else []
        if missing:
            # The question names what the indexed text never mentions: say so, do not guess.
            passages = self.retriever.retrieve(question)
            what = "none of the articles mentions" if len(self.store.documents) > 1 else "it never mentions"
            return dataclasses.replace(
                self.backend.answer(question, []),
                text=f"{_DECLINED} {what} {_and(missing)}.",
                passages=passages,
            )
        if history and is_follow_up(question):
            # "And who reported that?" leans on the previous turn: retrieve with it, score
            # sentences against the follow-up (or, failing that, both questions).
            passages = self.retriever.retrieve(retrieval_query(question, history))
            told = _told(passages, history) if self._offline and _ELSE.search(question) else ()
            extra = {"avoid": told} if told else {}
            answer = self.backend.answer(question, passages, **extra)
            if answer.abstained:
                answer = self.backend.answer(fallback(question, history), passages, **extra)
            answer = dataclasses.replace(
                answer, question=question, standalone_question=fallback(question, history)
            )
        else:
            answer = self.backend.answer(question, self.retriever.retrieve(question))
            if answer.abstained and history:
                standalone = fallback(question, history)
                retry = self.backend.answer(question, self.retriever.retrieve(standalone))
                if not retry.abstained:
                    answer = dataclasses.replace(retry, standalone_question=standalone)
        return answer

    def stream(self, question: str, history: History | None = None) -> Iterator[str | Answer]:
        """Yield pieces of answer text as they arrive, then the full checked ``Answer``."""
        stream = getattr(self.backend, "stream", None)
        if stream is not None:
            final: Answer | None = None
            for piece in stream(clean_question(question), list(history or []), self.retriever):
                if isinstance(piece, Answer):
                    final = self._checked(piece)
                else:
                    yield piece
            if final is not None:
                yield final
            return
        answer = self.ask(question, history)
        words = answer.text.split(" ")
        for i, word in enumerate(words):
            yield word if i == 0 else " " + word
        yield answer

    def _checked(self, answer: Answer) -> Answer:
        """Drop any citation whose quote is not verbatim in the paragraph it names."""
        kept, removed = [], list(answer.removed_citations)
        for c in answer.citations:
            if verify(c, self.store.paragraph(c.document, c.paragraph)):
                kept.append(c)
            else:
                removed.append(f"¶{c.paragraph}: quote not found in the paragraph")
        if len(kept) == len(answer.citations):
            return answer
        return dataclasses.replace(answer, citations=kept, removed_citations=removed)

    @property
    def documents(self):
        return self.store.documents

    @property
    def _offline(self) -> bool:
        return isinstance(self.backend, ExtractiveBackend)

    @property
    def backend_label(self) -> str:
        return "offline extractive" if self.backend.name == "extractive" else self.backend.name


# "Could it be moved somewhere else?", "Who else…", "What other…": a follow-up that asks
# for more than the previous answer said, so repeating it is no answer.
_ELSE = re.compile(r"\b(else|other|others|another|besides|apart from|instead)\b", re.I)


def _told(passages: list[Passage], history: History) -> frozenset[str]:
    """Sentences of ``passages`` that the previous answer already quoted."""
    previous = without_markers(history[-1][1])
    return frozenset(s.text for p in passages for s in p.paragraph.sentences if s.text in previous)


_DECLINED = ABSTAIN_TEXT.rstrip(".") + ":"  # "The article doesn't say: it never mentions X."


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _make_backend(
    backend: str | Backend | None,
    multi: bool,
    extractive: ExtractiveSettings | None,
    llm_settings: dict[str, Any],
) -> Backend:
    if backend is not None and not isinstance(backend, str):
        return backend
    name = (backend or os.environ.get("FOOTNOTE_BACKEND") or "auto").lower()
    if name == "auto":
        name = "llm" if llm_configured() else "extractive"
    if name == "extractive":
        return ExtractiveBackend(extractive, multi_document=multi)
    if name == "llm":
        from .llm import LLMBackend

        return LLMBackend.from_env(multi_document=multi, extractive=extractive, **llm_settings)
    raise ConfigurationError(f"Unknown backend {name!r}: use 'extractive' or 'llm'.")


ProgressCallback = Callable[[str, int, int], Any]
