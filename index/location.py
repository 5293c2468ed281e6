"""Where an index lives, and how a finished build replaces the previous one in one step.

``LocalIndex`` (the default) keeps each build in its own directory::

    index_dir/
      CURRENT -> builds/<stamp>       symlink, swapped by an atomic rename
      builds/<stamp>/chroma/          a Chroma PersistentClient directory
      builds/<stamp>/manifest.json    model, sources, documents, last ingest summary
      builds/<stamp>/catalog.json     every paragraph (text, offsets, sentences), for a fast open
      builds/<stamp>/healthy          fingerprint of chroma/ when a child process last read it
      .lock                           held by the one process writing

An incremental build starts as a copy of the current build's directory; a process
killed at any point leaves ``CURRENT`` on the previous, complete build, and the next
run removes the half-written directory. A reader holds a lease on the build it opened
(``versions``), and a writer deletes only builds no reader holds (and keeps the previous
generation besides), so a version in use is never deleted under a reader.

``ServerIndex`` (``FOOTNOTE_CHROMA_URL``) keeps each build as a pair of collections on
the server and the manifest in a one-record ``<namespace>.meta`` collection whose single
upsert is the swap. The server holds no leases (readers may be on other machines): the
previous generation is kept, and a reader moves on at its next question. Everything an
index needs lives on the server, so any client can open it; BM25 is rebuilt from the
stored paragraphs at open.

This module does not parse, embed or rank (see ``ingest``, ``store``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import chroma_client as cc
from . import versions
from .errors import IndexStoreError

PARAGRAPHS = "paragraphs"
SENTENCES = "sentences"


@dataclass
class Build:
    """One build's collections (and, for a local index, its directory)."""

    name: str
    paragraphs: Any
    sentences: Any
    manifest: dict[str, Any] | None = None
    directory: Path | None = None
    client: Any = None
    lease: versions.Lease | None = None

    def close(self) -> None:
        """Release the lease and this process's handle on the store (idempotent)."""
        if self.lease is not None:
            self.lease.release()
        client, self.client = self.client, None
        close = getattr(client, "close", None)
        if close is not None and self.directory is not None:  # a server client is shared
            with contextlib.suppress(Exception):
                close()


def _stamp() -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _damaged(where: str, why: str) -> IndexStoreError:
    return IndexStoreError(
        f"The index at {where} is damaged ({why}); run `footnote ingest --rebuild` to rebuild it."
    )


class LocalIndex:
    """Builds in directories under ``index_dir``, the current one named by a symlink."""

    kind = "local"

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir

    def describe(self) -> str:
        return str(self.index_dir)

    def current_dir(self) -> Path | None:
        link = self.index_dir / "CURRENT"
        if not link.is_symlink() and not link.exists():
            return None
        target = link.resolve()
        return target if (target / "manifest.json").exists() else None

    def manifest(self) -> dict[str, Any] | None:
        build = self.current_dir()
        if build is None:
            return None
        try:
            return json.loads((build / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def catalog(self, build: Build) -> list[list[Any]] | None:
        if build.directory is None:
            return None
        try:
            return json.loads((build.directory / "catalog.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def problem(self, build_dir: Path) -> str | None:
        """Why the store in ``build_dir`` cannot be read (None if it can), checked in a child."""
        chroma = build_dir / "chroma"
        marker = build_dir / "healthy"
        with contextlib.suppress(OSError):
            if marker.read_text(encoding="utf-8") == cc.fingerprint(chroma):
                return None
        if not chroma.is_dir():
            return "its Chroma directory is missing"
        problem = cc.health_check(chroma, [PARAGRAPHS, SENTENCES])
        if problem is None:
            with contextlib.suppress(OSError):
                _write_atomic(marker, cc.fingerprint(chroma))
        return problem

    def current_name(self) -> str | None:
        """The current build's name, cheaply (one readlink): to notice a new version."""
        try:
            return os.readlink(self.index_dir / "CURRENT").rsplit("/", 1)[-1]
        except OSError:
            return None

    def open(self, check: bool = True) -> Build:
        for _ in range(50):  # a writer may retire the build between resolving and leasing it
            build_dir = self.current_dir()
            if build_dir is None:
                raise IndexStoreError(f"No index at {self.index_dir}; run `footnote ingest` first.")
            held = versions.lease(build_dir)
            if held is not None:
                break
        else:
            raise IndexStoreError(f"The index at {self.index_dir} keeps changing; try again.")
        try:
            return self._open(build_dir, held, check)
        except BaseException:
            held.release()
            raise

    def _open(self, build_dir: Path, held: versions.Lease, check: bool) -> Build:
        try:
            manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise _damaged(str(build_dir), "unreadable manifest") from exc
        if check and (problem := self.problem(build_dir)):
            raise _damaged(str(build_dir), problem)
        try:
            client = cc.persistent_client(build_dir / "chroma")
            return Build(
                build_dir.name,
                cc.get_collection(client, PARAGRAPHS),
                cc.get_collection(client, SENTENCES),
                manifest,
                build_dir,
                client,
                held,
            )
        except Exception as exc:  # any damage to the files means the same thing to a user
            raise _damaged(str(build_dir), type(exc).__name__) from exc

    def new_build(self, copy_current: bool) -> Build:
        builds = self.index_dir / "builds"
        builds.mkdir(parents=True, exist_ok=True)
        directory = builds / _stamp()
        current = self.current_dir()
        if copy_current and current is not None:
            # Copy the files, not the records: far faster than re-adding them through Chroma.
            shutil.copytree(current / "chroma", directory / "chroma")
        else:
            (directory / "chroma").mkdir(parents=True)
        client = cc.persistent_client(directory / "chroma")
        return Build(
            directory.name,
            cc.create_collection(client, PARAGRAPHS),
            cc.create_collection(client, SENTENCES),
            None,
            directory,
            client,
        )

    def carry_over(self, old: Build, new: Build, drop: list[str], progress: Any = None) -> None:
        """Make ``new`` hold ``old``'s records except those of documents in ``drop``."""
        # new_build already copied the files; only the dropped documents go.
        cc.delete_documents(new.paragraphs, drop)
        cc.delete_documents(new.sentences, drop)

    def commit(self, build: Build, manifest: dict[str, Any], catalog: list[list[Any]]) -> None:
        assert build.directory is not None
        _write_atomic(build.directory / "catalog.json", json.dumps(catalog, ensure_ascii=False))
        _write_atomic(build.directory / "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
        # We just wrote this store, so it is known good: no child-process check on next open.
        _write_atomic(build.directory / "healthy", cc.fingerprint(build.directory / "chroma"))
        tmp = self.index_dir / f".CURRENT.{os.getpid()}"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        previous = self.current_dir()
        tmp.symlink_to(build.directory.relative_to(self.index_dir))
        os.replace(tmp, self.index_dir / "CURRENT")  # atomic on POSIX
        self.remove_stale(keep={build.directory.name, previous.name if previous else ""})

    def discard(self, build: Build) -> None:
        build.close()
        if build.directory is not None:
            shutil.rmtree(build.directory, ignore_errors=True)

    def remove_stale(self, keep: set[str]) -> None:
        """Delete builds other than ``keep``: half-written ones and older generations that
        no reader holds a lease on (those go at a later run)."""
        builds = self.index_dir / "builds"
        if not builds.is_dir():
            return
        for old in builds.iterdir():
            if old.name not in keep:
                versions.retire(old)


def _namespace(index_dir: Path) -> str:
    """A Chroma-safe collection prefix for an index (3-63 chars of [a-z0-9._-])."""
    slug = re.sub(r"[^a-z0-9]+", "-", index_dir.name.lower()).strip("-")[:40] or "index"
    return f"footnote-{slug}"


class ServerIndex:
    """Builds as collection pairs on a Chroma server; the manifest in a ``.meta`` record."""

    kind = "server"

    def __init__(self, index_dir: Path, url: str, token: str | None = None) -> None:
        self.index_dir = index_dir
        self.url = url
        self.client = cc.http_client(url, token)
        self.namespace = _namespace(index_dir)

    def describe(self) -> str:
        return f"{self.url} (collections {self.namespace}.*)"

    def current_name(self) -> str | None:
        pointer = self._pointer()
        return str(pointer[1].get("build")) if pointer else None

    def _meta(self):
        return self.client.get_or_create_collection(
            f"{self.namespace}.meta", embedding_function=None, metadata={"footnote": "manifest"}
        )

    def _pointer(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        got = self._meta().get(ids=["current"], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        try:
            return json.loads(got["documents"][0]), dict(got["metadatas"][0])
        except (ValueError, TypeError, IndexError):
            return None

    def manifest(self) -> dict[str, Any] | None:
        pointer = self._pointer()
        return pointer[0] if pointer else None

    def catalog(self, build: Build) -> list[list[Any]] | None:
        return None  # always rebuilt from the paragraphs stored on the server

    def open(self, check: bool = True) -> Build:
        pointer = self._pointer()
        if pointer is None:
            raise IndexStoreError(
                f"No index named {self.namespace} on the Chroma server {self.url}; run `footnote ingest` first."
            )
        manifest, meta = pointer
        try:
            return Build(
                str(meta["build"]),
                cc.get_collection(self.client, str(meta["paragraphs"])),
                cc.get_collection(self.client, str(meta["sentences"])),
                manifest,
            )
        except Exception as exc:
            raise _damaged(self.describe(), f"{type(exc).__name__}: a collection is missing") from exc

    def new_build(self, copy_current: bool) -> Build:
        name = _stamp()
        return Build(
            name,
            cc.create_collection(self.client, f"{self.namespace}.{name}.{PARAGRAPHS}"),
            cc.create_collection(self.client, f"{self.namespace}.{name}.{SENTENCES}"),
        )

    def carry_over(self, old: Build, new: Build, drop: list[str], progress: Any = None) -> None:
        """Copy ``old``'s records into ``new`` (over HTTP), except documents in ``drop``."""
        dropped = set(drop)
        for src, dst in ((old.paragraphs, new.paragraphs), (old.sentences, new.sentences)):
            for page in cc.iter_records(src, ["embeddings", "documents", "metadatas"]):
                keep = [i for i, m in enumerate(page["metadatas"]) if m["doc"] not in dropped]
                if keep:
                    cc.add_records(
                        dst,
                        [page["ids"][i] for i in keep],
                        [page["embeddings"][i] for i in keep],
                        [page["documents"][i] for i in keep],
                        [page["metadatas"][i] for i in keep],
                    )

    def commit(self, build: Build, manifest: dict[str, Any], catalog: list[list[Any]]) -> None:
        previous = self._pointer()
        self._meta().upsert(
            ids=["current"],
            embeddings=[[1.0]],
            documents=[json.dumps(manifest, ensure_ascii=False)],
            metadatas=[
                {
                    "build": build.name,
                    "paragraphs": build.paragraphs.name,
                    "sentences": build.sentences.name,
                    "digest": hashlib.sha256(json.dumps(manifest["sources"]).encode()).hexdigest()[:16],
                }
            ],
        )
        self.remove_stale(keep={build.name, str(previous[1].get("build")) if previous else ""})

    def discard(self, build: Build) -> None:
        for c in (build.paragraphs, build.sentences):
            with contextlib.suppress(Exception):
                self.client.delete_collection(c.name)

    def remove_stale(self, keep: set[str]) -> None:
        prefix = f"{self.namespace}."
        for c in self.client.list_collections():
            name = c if isinstance(c, str) else c.name
            if not name.startswith(prefix) or name == f"{self.namespace}.meta":
                continue
            if name[len(prefix) :].rsplit(".", 1)[0] not in keep:
                with contextlib.suppress(Exception):
                    self.client.delete_collection(name)


def locate(index_dir: Path) -> LocalIndex | ServerIndex:
    """The index for ``index_dir``: on the Chroma server if ``FOOTNOTE_CHROMA_URL`` is set."""
    url = cc.server_url()
    if url:
        return ServerIndex(index_dir, url, os.environ.get(cc.ENV_TOKEN) or None)
    return LocalIndex(index_dir)
