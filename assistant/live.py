"""An ``Assistant``'s index kept on the newest complete version while other processes write it.

``prepare`` is what ``Assistant.open`` does before opening an index: build it when its
sources changed, as before, but when another process is writing the same index, answer
from the last complete version instead of refusing; when there is none yet, wait for the
writer (passing its progress on), or raise when asked to (``when_writing="fail"``, the
``ingest`` command: two writers never run at once).

``LiveIndex`` holds the opened version (store and retriever). Before each question it
checks whether a writer committed a newer one (one ``readlink`` on a local index; on a
Chroma server one request every few seconds) and, if so, opens it and moves there; the
old version is closed when the last question using it is done, which releases its lease
so the writer may delete it (``index.versions``). A version that cannot be opened is
skipped and the current one kept: readers keep answering. ``notice`` is the one line a
reader shows while a writer is at work. This module does not answer or build indexes.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index import versions
from index.errors import IndexStoreError, WriterBusy
from index.location import locate
from index.manifest import IngestSummary
from index.reader import SourceFile
from index.store import IndexStore, Progress, build_index, is_current, open_index

from .retriever import RetrievalSettings, Retriever

WHEN_WRITING = ("read", "fail")
SERVER_CHECK_EVERY = 5.0  # seconds between checks for a new version on a Chroma server


def prepare(
    index_dir: Path,
    files: list[SourceFile],
    encoder: Any,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    when_writing: str = "read",
) -> IngestSummary | None:
    """Bring the index up to date unless another process is doing it; what this call changed."""
    if when_writing not in WHEN_WRITING:
        raise ValueError(f"when_writing must be one of {WHEN_WRITING}, not {when_writing!r}")
    while True:
        busy = versions.writer_active(index_dir)
        if busy and when_writing == "read" and locate(index_dir).manifest() is not None:
            return None  # answer from the last complete version at once (LiveIndex says so)
        if not rebuild and is_current(index_dir, files, encoder):
            return None
        try:
            return build_index(index_dir, files, encoder, progress=progress, full=rebuild)
        except WriterBusy:
            if when_writing == "fail":
                raise
            if locate(index_dir).manifest() is not None:
                return None  # answer from the last complete version (LiveIndex says so)
        # No complete version yet: wait for the writer's first one, then look again.
        versions.wait_for_writer(index_dir, progress)
        rebuild = False


@dataclass
class View:
    """One opened version and how many questions are using it."""

    store: IndexStore
    retriever: Retriever
    users: int = 0
    retired: bool = False


class LiveIndex:
    """The version an ``Assistant`` answers from, moved to the newest one between questions."""

    def __init__(
        self,
        store: IndexStore,
        retriever: Retriever,
        index_dir: Path | None = None,
        retrieval: RetrievalSettings | None = None,
        on_change: Callable[[View], Any] | None = None,
    ) -> None:
        self.view = View(store, retriever)
        self.index_dir = index_dir  # None: a fixed store (not ours to move or close)
        self.retrieval = retrieval
        self.on_change = on_change
        self._location = locate(index_dir) if index_dir is not None else None
        self._every = SERVER_CHECK_EVERY if getattr(self._location, "kind", "") == "server" else 0.0
        self._checked = time.monotonic()
        self._lock = threading.Lock()  # guards view and counts
        self._opening = threading.Lock()  # one process-local opener at a time

    @contextlib.contextmanager
    def use(self) -> Iterator[View]:
        """The newest complete version, held (not closed) until the block ends."""
        if self._location is not None and time.monotonic() - self._checked >= self._every:
            self.refresh()
        with self._lock:
            view = self.view
            view.users += 1
        try:
            yield view
        finally:
            with self._lock:
                view.users -= 1
                done = view.retired and view.users == 0
            if done:
                view.store.close()

    def refresh(self) -> bool:
        """Move to the newest complete version if there is one; True if it moved."""
        if self._location is None or self.index_dir is None:
            return False
        self._checked = time.monotonic()
        try:
            name = self._location.current_name()
        except Exception:  # a server that is briefly unreachable: keep going
            return False
        if name is None or name == self.view.store.version:
            return False
        with self._opening:
            if self._location.current_name() == self.view.store.version:
                return False  # another thread moved while we waited
            try:
                store = open_index(self.index_dir, self.view.store.encoder)
                new = View(store, Retriever(store, store.encoder, self.retrieval))
            except IndexStoreError:
                return False  # keep answering from the version we have
            with self._lock:
                old, self.view = self.view, new
                old.retired = True
                done = old.users == 0
            if done:
                old.store.close()
        if self.on_change is not None:
            self.on_change(new)
        return True

    def notice(self, view: View) -> str | None:
        """'the index is being updated; answering from the version of 14:02 with 4 articles'."""
        if self.index_dir is None or not versions.writer_active(self.index_dir):
            return None
        label = versions.version_label(view.store.version, len(view.store.documents))
        return f"the index is being updated; answering from {label}"

    def close(self) -> None:
        """Release the version (its lease) if it is ours; a fixed store is left alone."""
        if self.index_dir is not None:
            with self._lock:
                self.view.retired = True
                done = self.view.users == 0
            if done:
                self.view.store.close()
