"""What an index holds and how it differs from the sources on disk: manifests and summaries.

A manifest records the embedding model and dimension, the storage format, how stored
vectors are derived from the model's (``VECTORS``), and for every
source file its document id, path and a hash of its bytes; after a build it also holds
each document's title, date and paragraph count and the summary of the last ingest. It
is the single record that says whether an index is current. ``diff_sources`` compares two
manifests file by file; ``IngestSummary`` is what ``build_index`` returns and what the CLI
prints. This module does not read Chroma or embed anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .reader import SourceFile

FORMAT_VERSION = 3  # 2: separate paragraph and sentence collections, plain Chroma records; 3: bylines kept
# How stored vectors are made: part of an index's identity, so an index whose vectors were
# made another way is rebuilt, never mixed with new ones. Indexes written before this
# field existed embedded each paragraph ("section. text") as a whole.
VECTORS = "paragraph=mean(heading+sentences, by length)"


def file_hash(sf: SourceFile) -> str:
    try:
        return hashlib.sha256(sf.path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "unreadable"


def manifest_for(sources: Iterable[SourceFile], encoder: Any) -> dict[str, Any]:
    """The manifest an index of ``sources`` must carry to be up to date."""
    return {
        "format": FORMAT_VERSION,
        "model": encoder.name,
        "dimension": encoder.dimension,
        "vectors": VECTORS,
        "sources": {sf.doc_id: {"path": str(sf.path), "hash": file_hash(sf)} for sf in sources},
    }


def model_mismatch(manifest: dict[str, Any], encoder: Any) -> str | None:
    """Why an index cannot be queried with ``encoder`` (None when it can)."""
    model, dim = manifest.get("model"), manifest.get("dimension")
    if model != encoder.name or dim != encoder.dimension:
        return (
            f"it was built with another embedding model ({model}, {dim} dimensions; "
            f"this footnote uses {encoder.name}, {encoder.dimension})"
        )
    if manifest.get("format") != FORMAT_VERSION:
        return f"it was written by another version of footnote (format {manifest.get('format')})"
    if manifest.get("vectors") != VECTORS:
        made = manifest.get("vectors") or "each paragraph embedded whole"
        return f"its paragraph vectors were made another way ({made}; this footnote uses {VECTORS})"
    return None


def is_up_to_date(manifest: dict[str, Any] | None, wanted: dict[str, Any]) -> bool:
    if not manifest:
        return False
    return all(manifest.get(k) == v for k, v in wanted.items())


@dataclass(frozen=True)
class SourceDiff:
    added: list[str]
    changed: list[str]
    removed: list[str]
    unchanged: list[str]

    @property
    def touched(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def diff_sources(old: dict[str, Any], new: dict[str, Any]) -> SourceDiff:
    """Document ids added, changed (bytes or path), removed and unchanged from ``old`` to ``new``."""
    added = sorted(d for d in new if d not in old)
    removed = sorted(d for d in old if d not in new)
    changed = sorted(d for d in new if d in old and old[d] != new[d])
    unchanged = sorted(d for d in new if d in old and old[d] == new[d])
    return SourceDiff(added, changed, removed, unchanged)


@dataclass
class IngestSummary:
    """What one ``build_index`` run did. ``lines()`` renders it for people."""

    location: str = ""
    documents: int = 0  # totals in the index after the run
    paragraphs: int = 0
    added_documents: list[str] = field(default_factory=list)
    changed_documents: list[str] = field(default_factory=list)
    removed_documents: list[str] = field(default_factory=list)
    unchanged_documents: int = 0
    paragraphs_added: int = 0
    paragraphs_edited: int = 0
    paragraphs_removed: int = 0
    paragraphs_unchanged: int = 0
    embedded: int = 0  # texts (sentences and headings) run through the model
    reused: int = 0  # vectors kept from the previous build instead of re-embedding
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why): not indexed
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, what): indexed anyway
    rebuilt: bool = False  # built from scratch (first build, --rebuild, model change, damage)
    reason: str | None = None  # why it was rebuilt from scratch, for the user
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added_documents or self.changed_documents or self.removed_documents)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        out = []
        if self.reason:
            out.append(self.reason)
        if not self.changed and not self.rebuilt:
            out.append(f"Index is up to date: {self.documents} document(s), {self.paragraphs} paragraph(s).")
        else:
            out.append(
                f"Documents: {len(self.added_documents)} added, {len(self.changed_documents)} changed, "
                f"{len(self.removed_documents)} removed, {self.unchanged_documents} unchanged."
            )
            out.append(
                f"Paragraphs: {self.paragraphs_added} added, {self.paragraphs_edited} edited, "
                f"{self.paragraphs_removed} removed, {self.paragraphs_unchanged} unchanged "
                f"({self.embedded} texts embedded, {self.reused} vectors reused) in {self.seconds:.1f} s."
            )
        for path, why in self.skipped:
            out.append(f"Skipped {path}: {why}")
        for path, what in self.warnings:
            out.append(f"Warning for {path}: {what}")
        return out
