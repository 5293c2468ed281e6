"""The parsed shape of an article: a document made of numbered paragraphs and sentences.

Plain frozen dataclasses with character offsets into the document's source text, so a
quote can always be traced back to the exact characters it came from. This module holds
no parsing logic (see ``parser``) and no storage logic (see ``store``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def content_hash(text: str) -> str:
    """A short, stable hash of a piece of text (used for ids and change detection)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class Sentence:
    """One sentence of a paragraph; ``start``/``end`` index the document's source text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph, numbered 1..N within its document (shown to users as ¶N)."""

    document: str
    number: int
    text: str
    start: int
    end: int
    section: str | None = None
    sentences: tuple[Sentence, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.document}#p{self.number}"

    @property
    def hash(self) -> str:
        return content_hash(f"{self.section or ''}\n{self.text}")


@dataclass(frozen=True)
class Document:
    """An article: metadata recognised by the parser plus its body paragraphs in order."""

    id: str
    source: str
    title: str | None
    date: str | None
    paragraphs: tuple[Paragraph, ...]
    path: str | None = None
    dropped: tuple[str, ...] = field(default=())

    @property
    def hash(self) -> str:
        return content_hash(self.source)

    def paragraph(self, number: int) -> Paragraph | None:
        if 1 <= number <= len(self.paragraphs):
            return self.paragraphs[number - 1]
        return None
