"""The persistent index: parsed paragraphs and sentences, embedded, in a Chroma collection.

Layout of an index directory::

    index_dir/
      CURRENT -> builds/<stamp>     symlink, swapped atomically when a build completes
      builds/<stamp>/chroma/        a Chroma PersistentClient directory
      builds/<stamp>/manifest.json  model, dimension and content hash of every source
      .lock                         held while writing

A build is written to a fresh ``builds/<stamp>`` directory and only becomes current by an
atomic ``rename`` of the symlink, so a process killed mid-build leaves the previous index
usable. Paragraph and sentence nodes are LlamaIndex ``TextNode``s stored through
``ChromaVectorStore``; we always pass our own embeddings and Chroma's default embedding
function is never created. This module does not rank or answer (see ``assistant``).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .document import Document, Paragraph, Sentence, content_hash
from .embedding import MiniLMEncoder
from .errors import IndexStoreError
from .loader import load_document
from .reader import SourceFile

FORMAT_VERSION = 1
COLLECTION = "footnote"

Progress = Callable[[str, int, int], Any]  # (stage, done, total)


@dataclass(frozen=True)
class DocumentInfo:
    """What the index knows about a document besides its paragraphs."""

    id: str
    title: str | None
    date: str | None
    path: str | None
    paragraphs: int


def manifest_for(sources: list[SourceFile], encoder: MiniLMEncoder) -> dict[str, Any]:
    """The manifest an index of ``sources`` must carry to be up to date."""
    files = {}
    for sf in sources:
        try:
            digest = content_hash(sf.path.read_bytes().decode("latin-1"))
        except OSError:
            digest = "unreadable"
        files[sf.doc_id] = {"path": str(sf.path), "hash": digest}
    return {
        "format": FORMAT_VERSION,
        "model": encoder.name,
        "dimension": encoder.dimension,
        "sources": files,
    }


def _chroma_client(path: Path):
    import chromadb
    from chromadb.config import Settings

    return chromadb.PersistentClient(
        path=str(path), settings=Settings(anonymized_telemetry=False, allow_reset=False)
    )


def _collection(client, create: bool):
    if create:
        # embedding_function=None: Chroma must never build (and download) its default one.
        return client.get_or_create_collection(
            COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
    return client.get_collection(COLLECTION, embedding_function=None)


def _nodes(doc: Document, encoder: MiniLMEncoder) -> tuple[list[Any], list[str]]:
    """LlamaIndex nodes for a document: one per paragraph and one per sentence."""
    from llama_index.core.schema import TextNode

    nodes, texts = [], []
    for p in doc.paragraphs:
        base = {
            "doc": doc.id,
            "paragraph": p.number,
            "section": p.section or "",
            "title": doc.title or "",
            "path": doc.path or "",
            "model": encoder.name,
            "dim": encoder.dimension,
        }
        nodes.append(
            TextNode(
                id_=p.id,
                text=p.text,
                start_char_idx=p.start,
                end_char_idx=p.end,
                metadata={
                    **base,
                    "kind": "paragraph",
                    "start": p.start,
                    "end": p.end,
                    "hash": p.hash,
                    "sentences": json.dumps([[s.start, s.end] for s in p.sentences]),
                },
            )
        )
        texts.append(f"{p.section}. {p.text}" if p.section else p.text)
        for i, s in enumerate(p.sentences):
            nodes.append(
                TextNode(
                    id_=f"{p.id}#s{i}",
                    text=s.text,
                    start_char_idx=s.start,
                    end_char_idx=s.end,
                    metadata={**base, "kind": "sentence", "sentence": i, "start": s.start, "end": s.end},
                )
            )
            texts.append(s.text)
    return nodes, texts


class IndexStore:
    """An opened index: its paragraphs in memory and its vectors in Chroma."""

    def __init__(self, build_dir: Path, encoder: MiniLMEncoder) -> None:
        self.build_dir = build_dir
        self.encoder = encoder
        try:
            self.manifest = json.loads((build_dir / "manifest.json").read_text())
            self.client = _chroma_client(build_dir / "chroma")
            self.collection = _collection(self.client, create=False)
        except Exception as exc:  # any damage to the files means the same thing to a user
            raise IndexStoreError(
                f"The index at {build_dir} is damaged ({type(exc).__name__}); "
                "delete it or run `footnote ingest` to rebuild it."
            ) from exc
        if self.manifest.get("model") != encoder.name or self.manifest.get("dimension") != encoder.dimension:
            raise IndexStoreError(
                f"The index at {build_dir} was built with another embedding model "
                f"({self.manifest.get('model')}); re-ingest required."
            )
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.vector_store = ChromaVectorStore(chroma_collection=self.collection)
        self._load()

    def _load(self) -> None:
        data = self.collection.get(where={"kind": "paragraph"}, include=["documents", "metadatas"])
        paragraphs: dict[str, list[Paragraph]] = {}
        infos: dict[str, dict[str, Any]] = {}
        for text, meta in zip(data["documents"], data["metadatas"], strict=True):
            doc = str(meta["doc"])
            start = int(meta["start"])
            sentences = tuple(
                Sentence(s, e, text[s - start : e - start]) for s, e in json.loads(str(meta["sentences"]))
            )
            paragraphs.setdefault(doc, []).append(
                Paragraph(
                    document=doc,
                    number=int(meta["paragraph"]),
                    text=text,
                    start=start,
                    end=int(meta["end"]),
                    section=str(meta["section"]) or None,
                    sentences=sentences,
                )
            )
            infos.setdefault(doc, {"title": str(meta["title"]) or None, "path": str(meta["path"]) or None})
        self.paragraphs: list[Paragraph] = []
        self.documents: dict[str, DocumentInfo] = {}
        source_info = self.manifest.get("documents", {})
        for doc in sorted(paragraphs):
            paras = sorted(paragraphs[doc], key=lambda p: p.number)
            self.paragraphs.extend(paras)
            self.documents[doc] = DocumentInfo(
                id=doc,
                title=infos[doc]["title"],
                date=source_info.get(doc, {}).get("date"),
                path=infos[doc]["path"],
                paragraphs=len(paras),
            )
        self._by_id = {p.id: i for i, p in enumerate(self.paragraphs)}

    def paragraph(self, doc: str, number: int) -> Paragraph | None:
        i = self._by_id.get(f"{doc}#p{number}")
        return None if i is None else self.paragraphs[i]

    def position(self, paragraph_id: str) -> int | None:
        return self._by_id.get(paragraph_id)

    def dense(self, query: np.ndarray, kind: str, k: int) -> list[tuple[str, float]]:
        """Ids and cosine similarities of the ``k`` nearest nodes of one kind."""
        from llama_index.core.vector_stores.types import (
            MetadataFilter,
            MetadataFilters,
            VectorStoreQuery,
        )

        result = self.vector_store.query(
            VectorStoreQuery(
                query_embedding=query.tolist(),
                similarity_top_k=k,
                filters=MetadataFilters(filters=[MetadataFilter(key="kind", value=kind)]),
            )
        )
        # ChromaVectorStore reports exp(-distance); with cosine space distance = 1 - cos.
        return [
            (node_id, 1.0 + float(np.log(max(sim, 1e-12))))
            for node_id, sim in zip(result.ids or [], result.similarities or [], strict=True)
        ]

    def sentence_vectors(self, paragraphs: list[Paragraph]) -> dict[str, np.ndarray]:
        """Stored sentence embeddings of ``paragraphs``, keyed by paragraph id (rows in order)."""
        ids = [f"{p.id}#s{i}" for p in paragraphs for i in range(len(p.sentences))]
        if not ids:
            return {}
        got = self.collection.get(ids=ids, include=["embeddings"])
        vectors = dict(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32), strict=True))
        return {
            p.id: np.stack([vectors[f"{p.id}#s{i}"] for i in range(len(p.sentences))])
            if p.sentences
            else np.zeros((0, self.encoder.dimension), dtype=np.float32)
            for p in paragraphs
        }


def current_build(index_dir: Path) -> Path | None:
    link = index_dir / "CURRENT"
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if (target / "manifest.json").exists() else None


def is_current(index_dir: Path, sources: list[SourceFile], encoder: MiniLMEncoder) -> bool:
    build = current_build(index_dir)
    if build is None:
        return False
    try:
        manifest = json.loads((build / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    wanted = manifest_for(sources, encoder)
    return all(manifest.get(k) == v for k, v in wanted.items())


def build_index(
    index_dir: Path,
    sources: list[SourceFile],
    encoder: MiniLMEncoder,
    progress: Progress | None = None,
) -> Path:
    """Parse, embed and store ``sources`` as a new build, then make it current."""
    from filelock import FileLock, Timeout

    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / ".lock"))
    try:
        lock.acquire(timeout=0.5)
    except Timeout as exc:
        raise IndexStoreError(
            f"Another footnote process is writing the index at {index_dir}; "
            "wait for it to finish and try again."
        ) from exc
    try:
        manifest = manifest_for(sources, encoder)
        docs = []
        for i, sf in enumerate(sources):
            docs.append(load_document(sf))
            if progress:
                progress("parse", i + 1, len(sources))
        nodes, texts = [], []
        for doc in docs:
            n, t = _nodes(doc, encoder)
            nodes.extend(n)
            texts.extend(t)
        done = [0]

        def tick(n: int) -> None:
            done[0] += n
            if progress:
                progress("embed", done[0], len(texts))

        vectors = encoder.encode(texts, progress=tick)
        for node, vec in zip(nodes, vectors, strict=True):
            node.embedding = vec.tolist()
        manifest["documents"] = {d.id: {"title": d.title, "date": d.date} for d in docs}

        builds = index_dir / "builds"
        builds.mkdir(exist_ok=True)
        build = builds / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        client = _chroma_client(build / "chroma")
        collection = _collection(client, create=True)
        from llama_index.vector_stores.chroma import ChromaVectorStore

        ChromaVectorStore(chroma_collection=collection).add(nodes)
        if progress:
            progress("store", len(nodes), len(nodes))
        _write_atomic(build / "manifest.json", json.dumps(manifest, indent=2))
        _swap_current(index_dir, build)
        _remove_stale_builds(index_dir, keep=build)
        return build
    finally:
        lock.release()


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _swap_current(index_dir: Path, build: Path) -> None:
    tmp = index_dir / f".CURRENT.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(build.relative_to(index_dir))
    os.replace(tmp, index_dir / "CURRENT")  # atomic on POSIX


def _remove_stale_builds(index_dir: Path, keep: Path) -> None:
    for old in (index_dir / "builds").iterdir():
        if old.resolve() != keep.resolve():
            shutil.rmtree(old, ignore_errors=True)


def open_index(index_dir: Path, encoder: MiniLMEncoder) -> IndexStore:
    build = current_build(index_dir)
    if build is None:
        raise IndexStoreError(f"No index at {index_dir}; run `footnote ingest` first.")
    return IndexStore(build, encoder)
