"""``Assistant``: opens (or builds) an index and composes ``retrieve`` and ``answer``.

``Assistant.open(sources, index_dir, backend=...)`` finds the article files, reuses the
index when its manifest matches them and rebuilds it when a file or the embedding model
changed. ``ask`` cleans the question, hands it to the backend with the conversation and the
retriever, then checks every citation against the index before returning. It knows no
backend's internals: each backend (``extractive``, ``llm``) owns its policies for follow-ups
and declines. Configuration is passed explicitly; there is no global settings object. This
module does not parse, embed, rank or answer by itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from index.embedding import MiniLMEncoder
from index.reader import find_sources
from index.store import IndexStore, Progress, build_index, is_current, open_index

from .backend import Backend, History, as_backend
from .citations import verify
from .config import SEEDS_DIR, default_index_dir
from .question import clean_question
from .registry import check_backend, make_backend, warm_backend
from .retriever import RetrievalSettings, Retriever
from .schema import Answer, Passage


class Assistant:
    """Question answering with verified paragraph citations over a set of articles.

    A context manager: ``close()`` (or leaving the ``with`` block) stops what the backend
    started, such as a local model server.
    """

    def __init__(
        self,
        store: IndexStore,
        retriever: Retriever,
        backend: Any,
        index_dir: Path,
        sources: list[Path] | None = None,
    ) -> None:
        self.store = store
        self.retriever = retriever
        self.backend: Backend = as_backend(backend)
        self.index_dir = index_dir
        self.sources = sources or []
        self.ingest_summary = None

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
        extractive: Any = None,
        judge: str | None = None,
        **backend_settings: Any,
    ) -> Assistant:
        """Open the index of ``sources`` (default: the seed article), building it if needed.

        ``backend`` is a name (``extractive``, ``llm``, ``local``; default ``FOOTNOTE_BACKEND``,
        else ``llm`` when an OpenAI key or base URL is set, else ``extractive``) or an object
        with ``answer(question, passages)``. ``extractive`` takes ``ExtractiveSettings``; other
        keywords go to the chosen backend (``model=``, ``timeout=``...). ``judge`` (``local``,
        ``llm`` or ``off``; default ``FOOTNOTE_JUDGE``, else off) has a model check the offline
        backend's quotes; the model keywords then go to the judge.
        """
        encoder = encoder or MiniLMEncoder()
        files = find_sources(list(sources) if sources else [SEEDS_DIR])
        roots = list(sources) if sources else [SEEDS_DIR]
        index_path = Path(index_dir) if index_dir else default_index_dir(files, roots)
        check_backend(backend, backend_settings, judge)  # a bad model is reported before a long ingest
        warm_backend(backend)
        summary = None
        if rebuild or not is_current(index_path, files, encoder):
            summary = build_index(index_path, files, encoder, progress=progress, full=rebuild)
        store = open_index(index_path, encoder)
        retriever = Retriever(store, encoder, retrieval)
        multi = len(store.documents) > 1
        chosen = make_backend(backend, multi, extractive, backend_settings, judge)
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
        return self._checked(self.backend.ask(clean_question(question), list(history or []), self.retriever))

    def stream(self, question: str, history: History | None = None) -> Iterator[str | Answer]:
        """Yield pieces of answer text as they arrive, then the full checked ``Answer``."""
        for piece in self.backend.stream(clean_question(question), list(history or []), self.retriever):
            yield self._checked(piece) if isinstance(piece, Answer) else piece

    def _checked(self, answer: Answer) -> Answer:
        """Drop any citation (or quote shown as "not an answer") that is not verbatim in the
        paragraph it names."""
        rejected = [c for c in answer.rejected if verify(c, self.store.paragraph(c.document, c.paragraph))]
        if len(rejected) != len(answer.rejected):
            answer = dataclasses.replace(answer, rejected=rejected)
        kept, removed = [], list(answer.removed_citations)
        for c in answer.citations:
            if verify(c, self.store.paragraph(c.document, c.paragraph)):
                kept.append(c)
            else:
                removed.append(f"¶{c.paragraph}: quote not found in the paragraph")
        if len(kept) == len(answer.citations):
            return answer
        return dataclasses.replace(answer, citations=kept, removed_citations=removed)

    def close(self) -> None:
        """Stop what the backend started (a local model server); the index needs no closing."""
        close = getattr(self.backend, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def documents(self):
        return self.store.documents

    @property
    def backend_label(self) -> str:
        return getattr(self.backend, "label", self.backend.name)
