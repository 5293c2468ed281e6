"""Versions of an index as readers see them: leases on builds, the writer's status, a label.

A reader holds a *lease* on the local build it answers from: a shared ``flock`` on
``builds/<name>/in-use``. A writer deletes an old build only after taking that lock
exclusively without waiting (``retire``), so a build in use is never deleted under a
reader; the kernel drops a lock when its process exits or is killed, so a crashed reader
leaves no stale lease. A lease is taken only on a build that still has its manifest, and
``retire`` removes the manifest first while it holds the lock, so a reader can never lease
a build that is being deleted.

While it holds the index lock, a writer publishes what it is doing in
``index_dir/writing.json`` (stage, done, total); ``writer_active`` tells whether a writer
holds the lock right now (the file alone may be left over from a killed writer), and
``wait_for_writer`` waits for it to finish, passing its progress on. ``version_label``
is what a reader says about the version it answers from.

This module does not open Chroma, build indexes or decide what to answer.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import WriterBusy

LEASE = "in-use"
STATUS = "writing.json"
LOCK = ".lock"  # the writer's lock (``writer_lock``); filelock uses flock on it
LOCK_TIMEOUT = 0.5  # seconds: a second writer is told at once, it does not hang


def writer_lock(index_dir: Path, timeout: float = LOCK_TIMEOUT):
    """The index's writer lock, acquired (``release()`` it); ``WriterBusy`` if another holds it."""
    from filelock import FileLock, Timeout

    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / LOCK))
    try:
        lock.acquire(timeout=timeout)
    except Timeout as exc:
        raise WriterBusy(
            f"Another footnote process is writing the index at {index_dir}; "
            "wait for it to finish and try again."
        ) from exc
    return lock


class Lease:
    """A shared lock on one build directory, held until ``release`` (or the process ends)."""

    def __init__(self, directory: Path, fd: int) -> None:
        self.directory = directory
        self._fd: int | None = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)  # closing the descriptor drops the flock

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __del__(self) -> None:  # a store dropped without close() still frees its build
        self.release()


def lease(directory: Path) -> Lease | None:
    """A lease on ``directory``, or None if it is gone or being deleted."""
    try:
        fd = os.open(directory / LEASE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    except OSError:
        os.close(fd)
        return None
    if not (directory / "manifest.json").exists():  # retired between resolving and locking
        os.close(fd)
        return None
    return Lease(directory, fd)


def retire(directory: Path) -> bool:
    """Delete a build directory unless a reader holds a lease on it; True if deleted."""
    try:
        fd = os.open(directory / LEASE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        shutil.rmtree(directory, ignore_errors=True)  # unreadable or half-created: not in use
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        with contextlib.suppress(OSError):
            (directory / "manifest.json").unlink()  # from now on no reader can lease it
        shutil.rmtree(directory, ignore_errors=True)
        return True
    finally:
        os.close(fd)


def _held(path: Path) -> bool:
    """True while some process holds an ``flock`` on ``path`` (probed without waiting)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also drops the lock if we got it
    return False


def in_use(directory: Path) -> bool:
    """True while some reader (in any process) holds a lease on ``directory``."""
    return _held(directory / LEASE)


def writer_active(index_dir: Path) -> bool:
    """True while a process holds the writer's lock of ``index_dir``."""
    return _held(index_dir / LOCK)


class StatusWriter:
    """The writer's side: ``writing.json`` rewritten at most every ``every`` seconds."""

    def __init__(self, index_dir: Path, every: float = 0.25) -> None:
        self.path = index_dir / STATUS
        self.every = every
        self.started = time.time()
        self._last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < self.every and done < total:
            return
        self._last = now
        data = {"pid": os.getpid(), "started": self.started, "stage": stage, "done": done, "total": total}
        tmp = self.path.with_name(f".{STATUS}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, self.path)

    def clear(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()


def writer_status(index_dir: Path) -> dict[str, Any] | None:
    """What the active writer last published (None if no writer is active)."""
    if not writer_active(index_dir):
        return None
    try:
        return json.loads((index_dir / STATUS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def wait_for_writer(
    index_dir: Path,
    progress: Callable[[str, int, int], Any] | None = None,
    poll: float = 0.2,
    timeout: float | None = None,
) -> bool:
    """Wait until no writer holds ``index_dir``'s lock, passing its progress on; False on timeout."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while (status := writer_status(index_dir)) is not None:
        if progress is not None and status.get("stage"):
            progress(f"waiting for another footnote process: {status['stage']}", status["done"], status["total"])
        if deadline is not None and time.monotonic() > deadline:
            return False
        time.sleep(poll)
    return True


def stamp_time(name: str) -> time.struct_time | None:
    """When a build was started, from its name (``location._stamp``: ``YYYYmmdd-HHMMSS-…``)."""
    try:
        return time.strptime(name[:15], "%Y%m%d-%H%M%S")
    except ValueError:
        return None


def version_label(name: str, documents: int, now: float | None = None) -> str:
    """'the version of 14:02 with 4 articles' (with the date when it is not today)."""
    when = stamp_time(name)
    today = time.localtime(now)
    if when is None:
        at = name
    elif (when.tm_year, when.tm_yday) == (today.tm_year, today.tm_yday):
        at = time.strftime("%H:%M", when)
    else:
        at = time.strftime("%Y-%m-%d %H:%M", when)
    return f"the version of {at} with {documents} article{'s' if documents != 1 else ''}"
