"""The parsed shape of an article: a document made of numbered paragraphs and sentences.

Plain frozen dataclasses with character offsets into the document's source text, so a
quote can always be traced back to the exact characters it came from. This module holds
no parsing logic (see ``parser``) and no storage logic (see ``store``). ``front_matter`` makes
the title and dateline citable as ¶0.
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


def front_matter(document: str, title: str | None, date: str | None) -> Paragraph | None:
    """The article's title and dateline as a citable ¶0 ("Title\\nDate"), one sentence per line.

    The parser keeps these lines apart from the body (they are not numbered ¶1..¶N), so this
    paragraph's offsets are within its own text, not the document's source; a quote of it is
    still verbatim and checked like any other. None when the article has neither.
    """
    lines = [line for line in (title, date) if line]
    if not lines:
        return None
    text = "\n".join(lines)
    sentences, pos = [], 0
    for line in lines:
        sentences.append(Sentence(pos, pos + len(line), line))
        pos += len(line) + 1
    return Paragraph(document, 0, text, 0, len(text), None, tuple(sentences))
