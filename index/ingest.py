"""``build_index``: bring an index up to date with its sources, incrementally and atomically.

Each run compares the sources' byte hashes with the current manifest. Unchanged files
are carried over untouched; added and changed files are parsed; records of changed and
deleted files are dropped. Only sentences (and section headings) go through the
embedding model: a paragraph's vector is the L2-normalised mean of its heading's and
sentences' vectors, each weighted by its length (``paragraph_vectors``), so the model
reads each text once instead of twice (once per paragraph, once per sentence). Vectors
are reused for every sentence whose text, and every paragraph whose text and section,
is the same as before, even if it moved to another number, so editing one paragraph of
an article re-embeds just its changed sentences (and its heading, which is not stored).
The new state is written as a new build and made current in one atomic step (see
``location``); a crash, a full disk or a kill at any point leaves the previous index as
it was. One writer at a time (``versions.writer_lock``): a second gets ``WriterBusy`` at
once (or after ``lock_timeout`` seconds); readers see the writer's progress meanwhile. A different embedding model or way of deriving vectors (``manifest.VECTORS``),
a damaged index or ``full=True`` rebuilds from scratch, and the summary says why.

This module does not rank or answer (see ``assistant``).
"""

from __future__ import annotations

import errno
import json
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from . import versions
from .document import Document, content_hash
from .embedding import MiniLMEncoder
from .errors import IndexStoreError, SourceError
from .loader import load_document
from .location import Build, LocalIndex, ServerIndex, locate
from .manifest import IngestSummary, diff_sources, manifest_for, model_mismatch
from .reader import SourceFile

Progress = Callable[[str, int, int], Any]  # (stage, done, total)
LOCK_TIMEOUT = versions.LOCK_TIMEOUT
Record = tuple[str, str, str | None, tuple[str, ...], dict[str, Any]]


def _records(doc: Document, encoder: MiniLMEncoder) -> list[Record]:
    """(kind, id, stored text, texts its vector is made of, metadata) of every paragraph and sentence.

    Paragraph records carry the text, offsets, section and sentence spans (the catalog can
    be rebuilt from them); sentence records only their vector, document and hash.

    A sentence's vector is the embedding of its text. A paragraph's is derived from the
    embeddings of its heading (if any) and its sentences, see ``paragraph_vectors``.
    """
    out: list[Record] = []
    for p in doc.paragraphs:
        base = {"doc": doc.id, "paragraph": p.number, "model": encoder.name}
        key = f"{p.section}. {p.text}" if p.section else p.text  # what identifies its vector
        parts = tuple(s.text for s in p.sentences) or (p.text,)
        out.append(
            (
                "paragraph",
                p.id,
                p.text,
                ((p.section,) if p.section else ()) + parts,
                {
                    **base,
                    "section": p.section or "",
                    "start": p.start,
                    "end": p.end,
                    "hash": content_hash(key),
                    "sentences": json.dumps([[s.start, s.end] for s in p.sentences]),
                },
            )
        )
        for i, s in enumerate(p.sentences):
            # Only what is read back: the document (to drop its records) and the hash (to
            # reuse the vector). The text and offsets are the paragraph's (record, catalog),
            # and a stored document would cost Chroma a full-text index entry per sentence.
            out.append(
                ("sentence", f"{p.id}#s{i}", None, (s.text,), {"doc": doc.id, "hash": content_hash(s.text)})
            )
    return out


def paragraph_vectors(parts: list[tuple[str, ...]], vectors: dict[str, np.ndarray], dim: int) -> np.ndarray:
    """One L2-normalised vector per paragraph: the mean of its parts' vectors (heading and
    sentences, looked up in ``vectors`` by ``content_hash``), each weighted by its length in
    characters, so every part counts as much as it would in one pass over the whole text."""
    out = np.zeros((len(parts), dim), dtype=np.float32)
    for row, texts in enumerate(parts):
        weights = np.asarray([max(len(t.strip()), 1) for t in texts], dtype=np.float32)
        stacked = np.stack([vectors[content_hash(t)] for t in texts])
        out[row] = weights @ stacked
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.clip(norms, 1e-12, None)


def catalog_row(doc: Document, p: Any) -> list[Any]:
    return [doc.id, p.number, p.text, p.start, p.end, p.section, [[s.start, s.end] for s in p.sentences]]


def _old_vectors(old: Build, docs: list[str]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Stored vectors of the given documents: (sentences by text hash, paragraphs by hash).

    A paragraph's hash covers its section and text, which determine its sentences and so
    its derived vector; the two maps are kept apart because a paragraph's vector is not
    the embedding of the text its hash covers.
    """
    from . import chroma_client as cc

    found: tuple[dict[str, np.ndarray], dict[str, np.ndarray]] = ({}, {})
    for collection, into in ((old.sentences, found[0]), (old.paragraphs, found[1])):
        for i in range(0, len(docs), 500):
            where = {"doc": {"$in": docs[i : i + 500]}}
            for page in cc.iter_records(collection, ["embeddings", "metadatas"], where=where):
                for meta, vec in zip(page["metadatas"], page["embeddings"], strict=True):
                    into[str(meta.get("hash"))] = np.asarray(vec, dtype=np.float32)
    return found


def _paragraph_changes(old_hashes: list[str], new_hashes: list[str]) -> tuple[int, int, int, int]:
    """(added, edited, removed, unchanged) paragraphs of one document, by position and content."""
    unchanged = edited = 0
    old_set = set(old_hashes)
    for i, h in enumerate(new_hashes):
        if h in old_set:
            unchanged += 1
        elif i < len(old_hashes):
            edited += 1
    added = max(0, len(new_hashes) - unchanged - edited)
    removed = max(0, len(old_hashes) - unchanged - edited)
    return added, edited, removed, unchanged


def build_index(
    index_dir: Path,
    sources: list[SourceFile],
    encoder: MiniLMEncoder,
    progress: Progress | None = None,
    *,
    full: bool = False,
    lock_timeout: float = LOCK_TIMEOUT,
) -> IngestSummary:
    """Bring the index at ``index_dir`` up to date with ``sources``; return what changed."""
    started = time.perf_counter()
    lock = versions.writer_lock(index_dir, lock_timeout)
    status = versions.StatusWriter(index_dir)

    def tick(stage: str, done: int, total: int) -> None:
        status(stage, done, total)
        if progress is not None:
            progress(stage, done, total)

    old: Build | None = None
    try:
        location = locate(index_dir)
        wanted = manifest_for(sources, encoder)
        old_manifest = location.manifest()
        summary = IngestSummary(location=location.describe())
        if old_manifest is not None:
            why = model_mismatch(old_manifest, encoder)
            if why:
                summary.reason = f"Rebuilding the index from scratch: {why}."
            elif full:
                summary.reason = "Rebuilding the index from scratch, as asked."
            else:
                try:
                    old = location.open(check=True)
                except IndexStoreError as exc:
                    summary.reason = f"Rebuilding the index from scratch: {exc}"
        summary.rebuilt = old is None
        old_sources = old.manifest["sources"] if old and old.manifest else {}
        diff = diff_sources(old_sources, wanted["sources"])
        if old is not None and not diff.touched:
            assert old.manifest is not None
            summary.documents = len(old.manifest.get("documents", {}))
            summary.paragraphs = sum(d["paragraphs"] for d in old.manifest.get("documents", {}).values())
            summary.unchanged_documents = len(diff.unchanged)
            summary.seconds = time.perf_counter() - started
            return summary
        return _build(location, old, diff, sources, wanted, encoder, summary, tick, started)
    finally:
        if old is not None:
            old.close()  # the lease on the build it read from: it may now be retired
        status.clear()
        lock.release()


def _parse(
    sources: list[SourceFile], wanted_ids: list[str], tick: Progress, summary: IngestSummary
) -> list[Document]:
    by_id = {sf.doc_id: sf for sf in sources}
    docs, errors = [], []
    for i, doc_id in enumerate(wanted_ids):
        sf = by_id[doc_id]
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                docs.append(load_document(sf))
            for w in caught:  # kept for the summary, and passed on to the caller as they were
                summary.warnings.append((str(sf.path), str(w.message)))
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        except SourceError as exc:
            errors.append(exc)
            summary.skipped.append((str(sf.path), str(exc)))
        tick("parse", i + 1, len(wanted_ids))
    if errors and len(errors) == len(sources):
        raise errors[0]  # nothing at all to index: the user's mistake, say it plainly
    return docs


def _build(
    location: LocalIndex | ServerIndex,
    old: Build | None,
    diff: Any,
    sources: list[SourceFile],
    wanted: dict[str, Any],
    encoder: MiniLMEncoder,
    summary: IngestSummary,
    tick: Progress,
    started: float,
) -> IngestSummary:
    docs = _parse(sources, diff.added + diff.changed, tick, summary)
    parsed = {d.id: d for d in docs}
    failed = [d for d in diff.added + diff.changed if d not in parsed]
    old_docs: dict[str, Any] = old.manifest.get("documents", {}) if old and old.manifest else {}
    old_texts, old_paragraphs = (
        _old_vectors(old, diff.changed) if old is not None and diff.changed else ({}, {})
    )
    old_catalog = None
    if old is not None and location.kind == "local":
        old_catalog = location.catalog(old)
        if old_catalog is None:
            old_catalog = catalog_from_records(old.paragraphs)

    rows = [r for d in docs for r in _records(d, encoder)]
    # Only sentences (and headings) go through the model; paragraph vectors are derived
    # from them. Each distinct text is embedded once: texts kept from the previous build
    # are reused, so are the vectors of paragraphs whose section and text are unchanged,
    # and repeats within this run (boilerplate lines, headings shared by many
    # paragraphs, a sentence that recurs across articles) share one vector.
    todo: dict[str, str] = {}
    for kind, _, _, parts, meta in rows:
        if kind == "paragraph" and meta["hash"] in old_paragraphs:
            continue
        for text in parts:
            h = content_hash(text)
            if h not in old_texts:
                todo.setdefault(h, text)
    done = [0]

    def embedded(n: int) -> None:
        done[0] += n
        tick("embed", done[0], len(todo))

    tick("embed", 0, len(todo))
    known = old_texts
    if todo:
        fresh = encoder.encode(list(todo.values()), progress=embedded)
        known = {**old_texts, **dict(zip(todo, fresh, strict=True))}
    vectors = np.zeros((len(rows), encoder.dimension), dtype=np.float32)
    derive = []
    reused = 0
    for i, (kind, _, _, _, meta) in enumerate(rows):
        if kind == "sentence":
            vectors[i] = known[meta["hash"]]
            reused += meta["hash"] in old_texts
        elif meta["hash"] in old_paragraphs:
            vectors[i] = old_paragraphs[meta["hash"]]
            reused += 1
        else:
            derive.append(i)
    if derive:
        vectors[derive] = paragraph_vectors([rows[i][3] for i in derive], known, encoder.dimension)
    summary.embedded, summary.reused = len(todo), reused

    build = location.new_build(copy_current=old is not None)
    try:
        if old is not None:
            tick("copy", 0, 1)
            location.carry_over(old, build, diff.changed + diff.removed)
            tick("copy", 1, 1)
        from . import chroma_client as cc

        stored = 0
        for kind, collection in (("paragraph", build.paragraphs), ("sentence", build.sentences)):
            idx = [i for i, r in enumerate(rows) if r[0] == kind]
            for b in range(0, len(idx), cc.PAGE):
                part = idx[b : b + cc.PAGE]
                cc.add_records(
                    collection,
                    [rows[i][1] for i in part],
                    vectors[part],
                    [rows[i][2] for i in part],
                    [rows[i][4] for i in part],
                )
                stored += len(part)
                tick("store", stored, len(rows))
        documents = {d: old_docs[d] for d in diff.unchanged if d in old_docs}
        for d in docs:
            documents[d.id] = {
                "title": d.title,
                "date": d.date,
                "path": d.path,
                "paragraphs": len(d.paragraphs),
            }
        _count_paragraphs(summary, diff, docs, old, old_docs)
        summary.added_documents = [d for d in diff.added if d in parsed]
        summary.changed_documents = [d for d in diff.changed if d in parsed]
        summary.removed_documents = list(diff.removed) + [d for d in diff.changed if d not in parsed]
        summary.unchanged_documents = len(diff.unchanged)
        summary.documents = len(documents)
        summary.paragraphs = sum(d["paragraphs"] for d in documents.values())
        catalog = _catalog(old_catalog, set(diff.unchanged), docs) if location.kind == "local" else []
        manifest = dict(wanted)
        # Files that failed to parse stay out of the manifest, so the next run tries them again.
        manifest["sources"] = {k: v for k, v in wanted["sources"].items() if k not in failed}
        manifest["documents"] = dict(sorted(documents.items()))
        summary.seconds = time.perf_counter() - started
        manifest["last_ingest"] = summary.to_dict()
        location.commit(build, manifest, catalog)
        build.close()
    except BaseException as exc:
        location.discard(build)
        if _disk_full(exc):
            raise IndexStoreError(
                f"The disk is full while writing the index at {location.describe()}; "
                "the previous index is unchanged. Free some space and run `footnote ingest` again."
            ) from exc
        raise
    summary.location = location.describe()
    return summary


def _disk_full(exc: BaseException) -> bool:
    text = str(exc).lower()  # shutil.Error and Chroma's errors wrap the OSError as text
    full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return full or "no space left" in text or "disk is full" in text or "disk quota" in text


def catalog_from_records(collection: Any) -> list[list[Any]]:
    """Catalog rows (see ``catalog_row``) read back from a paragraphs collection."""
    from . import chroma_client as cc

    rows = []
    for page in cc.iter_records(collection, ["documents", "metadatas"]):
        for text, m in zip(page["documents"], page["metadatas"], strict=True):
            rows.append(
                [
                    str(m["doc"]),
                    int(m["paragraph"]),
                    text,
                    int(m["start"]),
                    int(m["end"]),
                    str(m["section"]) or None,
                    json.loads(str(m["sentences"])),
                ]
            )
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


def _count_paragraphs(
    summary: IngestSummary, diff: Any, docs: list[Document], old: Build | None, old_docs: dict[str, Any]
) -> None:
    old_hashes = _old_paragraph_hashes(old, diff.changed) if old is not None and diff.changed else {}
    for d in docs:
        new_hashes = [content_hash(f"{p.section}. {p.text}" if p.section else p.text) for p in d.paragraphs]
        added, edited, removed, unchanged = _paragraph_changes(old_hashes.get(d.id, []), new_hashes)
        summary.paragraphs_added += added
        summary.paragraphs_edited += edited
        summary.paragraphs_removed += removed
        summary.paragraphs_unchanged += unchanged
    for d in diff.removed:
        summary.paragraphs_removed += int(old_docs.get(d, {}).get("paragraphs", 0))
    for d in diff.unchanged:
        summary.paragraphs_unchanged += int(old_docs.get(d, {}).get("paragraphs", 0))


def _old_paragraph_hashes(old: Build, docs: list[str]) -> dict[str, list[str]]:
    from . import chroma_client as cc

    out: dict[str, list[tuple[int, str]]] = {}
    for i in range(0, len(docs), 500):
        where = {"doc": {"$in": docs[i : i + 500]}}
        for page in cc.iter_records(old.paragraphs, ["metadatas"], where=where):
            for m in page["metadatas"]:
                out.setdefault(str(m["doc"]), []).append((int(m["paragraph"]), str(m["hash"])))
    return {d: [h for _, h in sorted(v)] for d, v in out.items()}


def _catalog(old: list[list[Any]] | None, keep: set[str], docs: list[Document]) -> list[list[Any]]:
    rows = [r for r in (old or []) if r[0] in keep]
    rows += [catalog_row(d, p) for d in docs for p in d.paragraphs]
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows
