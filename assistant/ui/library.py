"""The UI's article library: the articles a user can pick, and adding one by upload or paste.

The first entry is the article the UI was started with. Added articles are copied to
``FOOTNOTE_HOME/uploads/<hash>/<name>`` (content-addressed, so adding the same text twice
selects the existing entry) and indexed by the assistant factory under ``FOOTNOTE_HOME``;
a small ``meta.json`` beside each copy lets the library list them again after a restart
without opening their indexes. A file is checked (type, size, decodable text, at least
one paragraph) before anything is written, and a failed add removes what it wrote, so a
bad file changes nothing. This module does not render HTML and does not import Gradio.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.errors import InputError, SourceError
from index.html import HTML_SUFFIXES, html_to_text
from index.loader import parse_text
from index.reader import SUPPORTED_SUFFIXES, clean, decode, find_sources, slugify

from ..assistant import Assistant
from ..config import default_index_dir, home

MAX_UPLOAD_BYTES = 2_000_000  # documented in the README
MAX_PASTE_CHARS = 200_000
MAX_ARTICLES = 50
UPLOAD_SUFFIXES = (*SUPPORTED_SUFFIXES, *HTML_SUFFIXES)

Progress = Callable[[str, int, int], Any]
Factory = Callable[[list[Path], Progress | None], Assistant]


@dataclass
class Entry:
    key: str
    title: str
    sources: list[Path] | None
    assistant: Assistant | None = None


@dataclass(frozen=True)
class Checked:
    """An article that passed the checks: its text, parsed title and any decoding warnings."""

    data: bytes
    name: str
    title: str | None
    paragraphs: int
    warnings: tuple[str, ...]


def check_article(data: bytes, filename: str, max_bytes: int = MAX_UPLOAD_BYTES) -> Checked:
    """Validate an article before anything is written; raise ``SourceError`` with a clear message."""
    name = Path(filename).name or "article.txt"
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise SourceError(
            f"{name}: unsupported file type {suffix or '(none)'}; use one of {', '.join(UPLOAD_SUFFIXES)}."
        )
    if len(data) > max_bytes:
        raise SourceError(f"{name} is too large ({len(data):,} bytes; the limit is {max_bytes:,}).")
    if not data.strip():
        raise SourceError(f"{name} is empty: there is no article text to index.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = decode(data, name)
    if suffix in HTML_SUFFIXES:
        text = clean(html_to_text(text))
    doc = parse_text(text, slugify(Path(name).stem), name)
    return Checked(data, name, doc.title, len(doc.paragraphs), tuple(str(w.message) for w in caught))


class Library:
    """Thread-safe registry of selectable articles, each opened lazily as an ``Assistant``."""

    def __init__(self, default: Assistant, factory: Factory, root: Path | None = None) -> None:
        self.factory = factory
        self.root = root or home() / "uploads"
        self._lock = threading.Lock()
        self._index_lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self.default_key = "default"
        self._entries[self.default_key] = Entry(self.default_key, _title_of(default), None, default)
        self._load_saved()

    def _load_saved(self) -> None:
        if not self.root.is_dir():
            return
        for meta_file in sorted(self.root.glob("*/meta.json")):
            try:
                meta = json.loads(meta_file.read_text(encoding="utf-8"))
                source = meta_file.parent / str(meta["file"])
            except (OSError, ValueError, KeyError):
                continue
            if source.is_file():
                key = meta_file.parent.name
                self._entries.setdefault(key, Entry(key, str(meta.get("title") or source.stem), [source]))

    def choices(self) -> list[tuple[str, str]]:
        """(label, key) pairs for a dropdown, the start-up article first."""
        with self._lock:
            return [(e.title, e.key) for e in self._entries.values()]

    def check_key(self, key: str | None) -> str:
        """``key`` if it names an article (empty: the default); else raise ``InputError``."""
        key = key or self.default_key
        with self._lock:
            if key not in self._entries:
                raise InputError(f"Unknown article {key!r}: /articles lists the available keys.")
        return key

    def get(self, key: str | None) -> Assistant:
        """The assistant for ``key`` (the default article if unknown), opening it if needed."""
        with self._lock:
            entry = self._entries.get(key or self.default_key) or self._entries[self.default_key]
            if entry.assistant is not None:
                return entry.assistant
        with self._index_lock:
            if entry.assistant is None:
                entry.assistant = self.factory(list(entry.sources or []), None)
        return entry.assistant

    def add(self, data: bytes, filename: str, progress: Progress | None = None) -> tuple[Entry, Checked]:
        """Check, store and index an article; return its entry. Nothing changes on failure."""
        checked = check_article(data, filename)
        key = "u" + hashlib.sha256(data).hexdigest()[:12]
        with self._lock:
            existing = self._entries.get(key)
            if existing is not None:
                return existing, checked
            if len(self._entries) >= MAX_ARTICLES:
                raise SourceError(
                    f"The library already holds {MAX_ARTICLES} articles; restart with fewer uploads."
                )
        folder = self.root / key
        stem = slugify(Path(checked.name).stem)[:60]
        path = folder / f"{stem}{Path(checked.name).suffix.lower()}"
        created = not folder.exists()
        with self._index_lock:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                assistant = self.factory([path], progress)
                title = _title_of(assistant)
                (folder / "meta.json").write_text(
                    json.dumps({"file": path.name, "title": title}), encoding="utf-8"
                )
            except BaseException:
                if created:
                    _remove_failed(path)
                    shutil.rmtree(folder, ignore_errors=True)
                raise
        entry = Entry(key, title, [path], assistant)
        with self._lock:
            self._entries[key] = entry
        return entry, checked


def _remove_failed(path: Path) -> None:
    """Remove the index directory a failed add left behind (only if it never became current)."""
    try:
        index_dir = default_index_dir(find_sources([path]))
    except Exception:
        return
    if not (index_dir / "CURRENT").exists():
        shutil.rmtree(index_dir, ignore_errors=True)


def _title_of(assistant: Assistant) -> str:
    docs = list(assistant.documents.values())
    if not docs:
        return "(empty index)"
    first = docs[0].title or docs[0].id
    return first if len(docs) == 1 else f"{first} (+{len(docs) - 1} more)"
