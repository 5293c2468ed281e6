"""The opened index: paragraphs in memory, their vectors and sentence vectors in Chroma.

``open_index`` finds the current build (a local directory or a Chroma server, see
``location``), refuses an index built with another embedding model ("re-ingest
required", never a dimension error from Chroma deep inside a query), checks a local
store in a child process when its files changed since they were last read, and loads
the paragraph catalog. ``IndexStore`` answers the retriever's questions: paragraphs in a
stable order (by document id, then number), nearest paragraph or sentence vectors, the
stored sentence vectors of given paragraphs. ``build_index`` (in ``ingest``) writes
indexes; ``is_current`` says whether one matches its sources. This module does not rank.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .document import Paragraph, Sentence, front_matter
from .embedding import MiniLMEncoder
from .errors import IndexStoreError
from .manifest import IngestSummary, is_up_to_date, manifest_for, model_mismatch
from .reader import SourceFile

Progress = Callable[[str, int, int], Any]  # (stage, done, total)

__all__ = [
    "DocumentInfo",
    "IndexStore",
    "IngestSummary",
    "Progress",
    "build_index",
    "current_build",
    "is_current",
    "manifest_for",
    "open_index",
]


@dataclass(frozen=True)
class DocumentInfo:
    """What the index knows about a document besides its paragraphs."""

    id: str
    title: str | None
    date: str | None
    path: str | None
    paragraphs: int


class IndexStore:
    """An opened index: its paragraphs in memory and its vectors in Chroma."""

    def __init__(self, build: Any, encoder: MiniLMEncoder, catalog: list[list[Any]] | None = None) -> None:
        self.build = build
        self.build_dir: Path | None = build.directory
        self.encoder = encoder
        self.manifest: dict[str, Any] = build.manifest or {}
        why = model_mismatch(self.manifest, encoder)
        if why:
            raise IndexStoreError(
                f"The index cannot be used: {why}. Re-ingest required: run `footnote ingest`."
            )
        if catalog is None:
            from .ingest import catalog_from_records

            catalog = catalog_from_records(build.paragraphs)
        self._load(catalog)
        self._counts = {"paragraph": len(self.paragraphs), "sentence": None}

    def _load(self, catalog: list[list[Any]]) -> None:
        self.paragraphs: list[Paragraph] = []
        counts: dict[str, int] = {}
        for doc, number, text, start, end, section, spans in catalog:
            self.paragraphs.append(
                Paragraph(
                    document=doc,
                    number=number,
                    text=text,
                    start=start,
                    end=end,
                    section=section or None,
                    sentences=tuple(Sentence(s, e, text[s - start : e - start]) for s, e in spans),
                )
            )
            counts[doc] = counts.get(doc, 0) + 1
        info = self.manifest.get("documents", {})
        self.documents: dict[str, DocumentInfo] = {
            doc: DocumentInfo(
                id=doc,
                title=info.get(doc, {}).get("title"),
                date=info.get(doc, {}).get("date"),
                path=info.get(doc, {}).get("path"),
                paragraphs=n,
            )
            for doc, n in counts.items()
        }
        self._by_id = {p.id: i for i, p in enumerate(self.paragraphs)}

    def cached(self, name: str, build: Callable[[], Any]) -> Any:
        """``build()``'s result, kept as a pickle inside a local build directory.

        For side indexes derived from the paragraphs (e.g. BM25) whose construction at
        open grows with the archive. A committed build never changes, so a cache file in
        it can never go stale; on a Chroma server there is no local build and ``build()``
        runs every time (the side index is rebuilt from the data). Unreadable cache files
        are rebuilt.
        """
        if self.build_dir is None:
            return build()
        import pickle

        path = self.build_dir / f"cache-{name}.pickle"
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
            pass
        value = build()
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:  # a read-only or full disk only costs the next open some time
            tmp.unlink(missing_ok=True)
        return value

    @property
    def version(self) -> str:
        """The name of the build this store reads (a local directory or a server build)."""
        return str(self.build.name)

    def close(self) -> None:
        """Release the build (its lease and this process's handle on it); the store is unusable after."""
        close = getattr(self.build, "close", None)
        if close is not None:
            close()

    @property
    def last_ingest(self) -> dict[str, Any] | None:
        """The summary of the ingest that wrote this build (``IngestSummary.to_dict()``)."""
        return self.manifest.get("last_ingest")

    def paragraph(self, doc: str, number: int) -> Paragraph | None:
        """¶``number`` of ``doc``; ¶0 is its title and dateline (``document.front_matter``)."""
        if number == 0:
            info = self.documents.get(doc)
            return front_matter(doc, info.title, info.date) if info else None
        i = self._by_id.get(f"{doc}#p{number}")
        return None if i is None else self.paragraphs[i]

    def position(self, paragraph_id: str) -> int | None:
        return self._by_id.get(paragraph_id)

    def _collection(self, kind: str):
        return self.build.paragraphs if kind == "paragraph" else self.build.sentences

    def dense(self, query: np.ndarray, kind: str, k: int) -> list[tuple[str, float]]:
        """Ids and cosine similarities of the ``k`` nearest nodes of one kind (``paragraph``/``sentence``)."""
        collection = self._collection(kind)
        if self._counts.get(kind) is None:
            self._counts[kind] = collection.count()
        k = min(k, self._counts[kind] or 0)
        if k <= 0:
            return []
        # Straight to Chroma: only ids and distances are needed, and each kind has its own
        # collection, so no metadata filter slows the HNSW search.
        got = collection.query(
            query_embeddings=[np.asarray(query, dtype=np.float32)], n_results=k, include=["distances"]
        )
        return [(i, 1.0 - float(d)) for i, d in zip(got["ids"][0], got["distances"][0], strict=True)]

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of paragraph ids (``doc#pN``) and sentence ids (``doc#pN#sI``)."""
        out: dict[str, np.ndarray] = {}
        paragraph_ids = [i for i in ids if "#s" not in i]
        sentence_ids = [i for i in ids if "#s" in i]
        for collection, wanted in (
            (self.build.paragraphs, paragraph_ids),
            (self.build.sentences, sentence_ids),
        ):
            if wanted:
                got = collection.get(ids=wanted, include=["embeddings"])
                out.update(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32), strict=True))
        return out

    def sentence_vectors(self, paragraphs: list[Paragraph]) -> dict[str, np.ndarray]:
        """Stored sentence embeddings of ``paragraphs``, keyed by paragraph id (rows in order)."""
        vectors = self.vectors([f"{p.id}#s{i}" for p in paragraphs for i in range(len(p.sentences))])
        empty = np.zeros((0, self.encoder.dimension), dtype=np.float32)
        return {
            p.id: np.stack([vectors[f"{p.id}#s{i}"] for i in range(len(p.sentences))])
            if p.sentences
            else empty
            for p in paragraphs
        }


def current_build(index_dir: Path) -> Path | None:
    """The directory of the current local build (None if there is none or on a server)."""
    from .location import LocalIndex

    return LocalIndex(index_dir).current_dir()


def is_current(index_dir: Path, sources: list[SourceFile], encoder: MiniLMEncoder) -> bool:
    """True when the index holds exactly ``sources`` (by content) embedded with ``encoder``."""
    from .location import LocalIndex, locate

    location = locate(index_dir)
    if not is_up_to_date(location.manifest(), manifest_for(sources, encoder)):
        return False
    if isinstance(location, LocalIndex):
        # A damaged store is not current either: the caller rebuilds it from the sources.
        build = location.current_dir()
        return build is not None and location.problem(build) is None
    return True


def build_index(
    index_dir: Path,
    sources: list[SourceFile],
    encoder: MiniLMEncoder,
    progress: Progress | None = None,
    *,
    full: bool = False,
    lock_timeout: float | None = None,
) -> IngestSummary:
    """Bring the index up to date with ``sources`` (see ``index.ingest.build_index``)."""
    from .ingest import LOCK_TIMEOUT
    from .ingest import build_index as build

    timeout = LOCK_TIMEOUT if lock_timeout is None else lock_timeout
    return build(index_dir, sources, encoder, progress, full=full, lock_timeout=timeout)


def open_index(index_dir: Path, encoder: MiniLMEncoder, *, check: bool = True) -> IndexStore:
    """Open the current index at ``index_dir`` (or on the Chroma server), checked and loaded."""
    preload = getattr(encoder, "preload", None)
    if preload is not None:  # load the model while Chroma is imported and opened
        preload()
    from .location import locate

    location = locate(index_dir)
    build = location.open(check=check)
    return IndexStore(build, encoder, location.catalog(build))
