"""``footnote watch FOLDER``: keep a folder's index in step with the folder as articles come and go.

``Watcher`` runs one update at start, then one per batch of file events (article files
added, changed or removed; hidden files and other types ignored) once the folder has been
quiet for ``debounce`` seconds. Events come from ``watchfiles`` (inotify on Linux; ``poll``
for filesystems that send none, such as network mounts). Each update is an ordinary
incremental ingest (``build_index``), so it is crash-safe: a watcher killed mid-update
leaves the last complete version, and the next update (or ``footnote ingest``) finishes
the work. One writer at a time: an update waits while another process holds the writer
lock, and a second watcher of the same index is refused (``watch.lock``). Each update
reports one line (``update_line``); readers move to each new version by themselves
(``live``). This module does not answer questions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from index.errors import IndexStoreError, InputError, SourceError, WriterBusy
from index.manifest import IngestSummary
from index.reader import find_sources, supported_suffixes
from index.store import build_index

from .config import default_index_dir

DEBOUNCE = 0.5  # seconds of quiet before an update
WRITER_WAIT = 5.0  # seconds an update waits for another writer before saying so and waiting again


def update_line(summary: IngestSummary) -> str:
    """'14:02:11 updated: 1 added, 1 changed, 1 removed; 45 articles, 2,040 paragraphs (0.8 s)'."""
    at = time.strftime("%H:%M:%S")
    if not summary.changed and not summary.rebuilt:
        return f"{at} up to date: {summary.documents} articles, {summary.paragraphs:,} paragraphs"
    changes = (
        f"{len(summary.added_documents)} added, {len(summary.changed_documents)} changed, "
        f"{len(summary.removed_documents)} removed"
    )
    skipped = f"; {len(summary.skipped)} skipped" if summary.skipped else ""
    return (
        f"{at} updated: {changes}{skipped}; {summary.documents} articles, "
        f"{summary.paragraphs:,} paragraphs ({summary.seconds:.1f} s)"
    )


def _is_article(change: Any, path: str) -> bool:
    p = Path(path)
    return p.suffix.lower() in supported_suffixes() and not p.name.startswith(".")


class Watcher:
    """Keeps the index of ``folder`` (at ``index_dir``, default: the folder's own) up to date."""

    def __init__(
        self,
        folder: str | Path,
        index_dir: str | Path | None = None,
        encoder: Any = None,
        *,
        debounce: float = DEBOUNCE,
        poll: bool = False,
        report: Callable[[str], Any] = print,
    ) -> None:
        self.folder = Path(folder).expanduser()
        if not self.folder.is_dir():
            raise SourceError(f"Not a folder: {folder} (footnote watch keeps a folder's index up to date).")
        if encoder is None:
            from index.embedding import MiniLMEncoder

            encoder = MiniLMEncoder()
        self.encoder = encoder
        self.index_dir = Path(index_dir) if index_dir else None
        self.debounce = debounce
        self.poll = poll
        self.report = report
        self.updates = 0
        self._claim = None

    def _index_dir(self, files: list[Any]) -> Path:
        if self.index_dir is None:
            self.index_dir = default_index_dir(files, [self.folder])
        return self.index_dir

    def claim(self) -> None:
        """Become the one watcher of this folder's index, or raise ``IndexStoreError``."""
        from filelock import FileLock, Timeout

        index_dir = self._index_dir(find_sources([self.folder]))
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(index_dir / "watch.lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout as exc:
            raise IndexStoreError(
                f"Another footnote watch is keeping the index at {index_dir} up to date; stop it first."
            ) from exc
        self._claim = lock

    def update(self) -> IngestSummary | None:
        """Bring the index up to date with the folder now; report one line; None if it could not."""
        try:
            files = find_sources([self.folder])
        except SourceError as exc:
            self.report(f"{time.strftime('%H:%M:%S')} {exc} The index keeps its last version.")
            return None
        index_dir = self._index_dir(files)
        while True:
            try:
                summary = build_index(index_dir, files, self.encoder, lock_timeout=WRITER_WAIT)
                break
            except WriterBusy:
                self.report(
                    f"{time.strftime('%H:%M:%S')} waiting for another footnote process to finish writing"
                )
            except SourceError as exc:
                self.report(f"{time.strftime('%H:%M:%S')} {exc} The index keeps its last version.")
                return None
        self.updates += 1
        self.report(update_line(summary))
        return summary

    def run(self, stop: threading.Event | None = None) -> None:
        """Update now, then after each quiet batch of changes, until ``stop`` is set."""
        import watchfiles

        if self._claim is None:
            self.claim()
        try:
            self.update()
            self.report(f"watching {self.folder} for changes (Ctrl-C to stop)")
            for _changes in watchfiles.watch(
                self.folder,
                watch_filter=_is_article,
                step=int(self.debounce * 1000),  # quiet this long: yield the batch
                debounce=int(self.debounce * 10_000),  # or after 10x that while changes go on
                stop_event=stop,
                force_polling=self.poll,
                poll_delay_ms=300,
                raise_interrupt=False,
            ):
                self.update()
        finally:
            self.release()

    def start(self) -> threading.Event:
        """Run in a daemon thread (the UI's ``--watch``); set the returned event to stop it."""
        self.claim()
        stop = threading.Event()
        threading.Thread(target=self.run, args=(stop,), name="footnote-watch", daemon=True).start()
        return stop

    def release(self) -> None:
        lock, self._claim = self._claim, None
        if lock is not None:
            lock.release()


def start_watching(
    sources: list[str] | None, bot: Any, report: Callable[[str], Any] = print
) -> threading.Event:
    """Watch the one folder ``bot`` was opened on, in a thread (``footnote ui --watch``)."""
    if not sources or len(sources) != 1 or not Path(sources[0]).is_dir():
        raise InputError("--watch needs exactly one folder as --source.")
    return Watcher(sources[0], bot.index_dir, bot.store.encoder, report=report).start()
