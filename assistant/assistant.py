"""``Assistant``: opens (or builds) an index and composes ``retrieve`` and ``answer``.

``Assistant.open(sources, index_dir, backend=...)`` finds the article files, reuses the
index when its manifest matches them and rebuilds it when a file or the embedding model
changed. ``ask`` cleans the question, hands it to the backend with the conversation and the
retriever, then checks every citation against the index before returning. It knows no
backend's internals: each backend (``extractive``, ``llm``) owns its policies for follow-ups
and declines. While another process writes the index, it answers from the last complete
version, says so in each answer's notice, and moves to the new version at the next
question or on ``refresh()`` (``live``). Configuration is passed explicitly; there is no global settings object. This
module does not parse, embed, rank or answer by itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from index.embedding import MiniLMEncoder
from index.reader import find_sources
from index.store import IndexStore, Progress, open_index

from .backend import Backend, History, as_backend
from .citations import verify
from .config import SEEDS_DIR, default_index_dir
from .live import LiveIndex, View, prepare
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
        self._live = LiveIndex(store, retriever)
        self.backend: Backend = as_backend(backend)
        self.index_dir = index_dir
        self.sources = sources or []
        self.ingest_summary = None
        self._warming = False  # warm() was asked for: warm again after each move

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
        when_writing: str = "read",
        judge: str | None = None,
        **backend_settings: Any,
    ) -> Assistant:
        """Open the index of ``sources`` (default: the seed article), building it if needed.

        ``backend`` is a name (``extractive``, ``llm``, ``local``; default ``FOOTNOTE_BACKEND``,
        else ``llm`` when an OpenAI key or base URL is set, else ``extractive``) or an object
        with ``answer(question, passages)``. ``extractive`` takes ``ExtractiveSettings``; other
        keywords go to the chosen backend (``model=``, ``timeout=``...). ``judge`` (``local``,
        ``llm`` or ``off``; default ``FOOTNOTE_JUDGE``, else off) has a model check the offline
        backend's quotes; the model keywords then go to the judge. While another process
        writes the index it opens the last complete version (waiting for the writer's first
        one if there is none yet); ``when_writing="fail"`` raises ``WriterBusy`` instead.
        """
        encoder = encoder or MiniLMEncoder()
        files = find_sources(list(sources) if sources else [SEEDS_DIR])
        roots = list(sources) if sources else [SEEDS_DIR]
        index_path = Path(index_dir) if index_dir else default_index_dir(files, roots)
        check_backend(backend, backend_settings, judge)  # a bad model is reported before a long ingest
        warm_backend(backend)
        summary = prepare(
            index_path, files, encoder, rebuild=rebuild, progress=progress, when_writing=when_writing
        )
        store = open_index(index_path, encoder)
        retriever = Retriever(store, encoder, retrieval)
        multi = len(store.documents) > 1
        chosen = make_backend(backend, multi, extractive, backend_settings, judge)
        bot = cls(store, retriever, chosen, index_path, [f.path for f in files])
        bot.ingest_summary = summary  # what this open() changed in the index, if anything
        bot._live = LiveIndex(store, retriever, index_path, retrieval, bot._moved)
        return bot

    # -- the version answered from -------------------------------------------------
    @property
    def store(self) -> IndexStore:
        return self._live.view.store

    @property
    def retriever(self) -> Retriever:
        return self._live.view.retriever

    def refresh(self) -> bool:
        """Move to the index's newest complete version now; True if there was a newer one."""
        return self._live.refresh()

    def warm(self) -> None:
        """Let the backend read the article before the first question, in the background, when
        it gains by it (a local model caches the prompt); again after each move to a new version.
        Returns at once; for sessions (the UI, ``chat``), not one-off questions."""
        self._warming = True
        self._warm(self.retriever)

    def _warm(self, retriever: Retriever) -> None:
        warm = getattr(self.backend, "warm", None)
        if warm is not None:
            warm(retriever)

    def _moved(self, view: View) -> None:
        multi = len(view.store.documents) > 1
        for backend in (self.backend, getattr(self.backend, "extractive", None)):
            if hasattr(backend, "multi_document"):
                backend.multi_document = multi
        if self._warming:
            self._warm(view.retriever)

    # -- the two seams -------------------------------------------------------------
    def retrieve(self, question: str, top_k: int | None = None) -> list[Passage]:
        with self._live.use() as view:
            return view.retriever.retrieve(clean_question(question), top_k=top_k)

    def answer(self, question: str, passages: list[Passage]) -> Answer:
        with self._live.use() as view:
            return self._checked(self.backend.answer(question, passages), view)

    # -- composed ------------------------------------------------------------------
    def ask(self, question: str, history: History | None = None) -> Answer:
        """Answer ``question`` (optionally a follow-up within ``history``) with checked citations."""
        with self._live.use() as view:
            answer = self.backend.ask(clean_question(question), list(history or []), view.retriever)
            return self._checked(answer, view)

    def stream(self, question: str, history: History | None = None) -> Iterator[str | Answer]:
        """Yield pieces of answer text as they arrive, then the full checked ``Answer``."""
        with self._live.use() as view:
            for piece in self.backend.stream(clean_question(question), list(history or []), view.retriever):
                yield self._checked(piece, view) if isinstance(piece, Answer) else piece

    def _checked(self, answer: Answer, view: View | None = None) -> Answer:
        """Drop any citation (or quote shown as "not an answer") that is not verbatim in the
        paragraph it names; say if the index is being updated (and which version answered)."""
        view = view or self._live.view
        rejected = [c for c in answer.rejected if verify(c, view.store.paragraph(c.document, c.paragraph))]
        if len(rejected) != len(answer.rejected):
            answer = dataclasses.replace(answer, rejected=rejected)
        kept, removed = [], list(answer.removed_citations)
        for c in answer.citations:
            if verify(c, view.store.paragraph(c.document, c.paragraph)):
                kept.append(c)
            else:
                removed.append(f"¶{c.paragraph}: quote not found in the paragraph")
        updating = self._live.notice(view)
        if updating:
            notice = f"{answer.notice} ({updating})" if answer.notice else updating.capitalize() + "."
            answer = dataclasses.replace(answer, notice=notice)
        if len(kept) == len(answer.citations):
            return answer
        return dataclasses.replace(answer, citations=kept, removed_citations=removed)

    def close(self) -> None:
        """Stop what the backend started (a local model server) and release the index version."""
        close = getattr(self.backend, "close", None)
        if close is not None:
            close()
        self._live.close()

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
