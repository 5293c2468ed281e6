"""Load article files into parsed ``Document``s (read, decode, HTML to text, parse).

The glue between ``reader`` (bytes to text), ``html`` (pages to text) and ``parser``
(text to structure). It does not embed or store anything (see ``store``).
"""

from __future__ import annotations

from .document import Document
from .errors import SourceError
from .html import HTML_SUFFIXES, html_to_text
from .parser import parse_article
from .reader import SourceFile, clean, read_text


def load_document(source: SourceFile) -> Document:
    """Parse one article file; raise ``SourceError`` if it holds no paragraphs."""
    text = read_text(source.path)
    if source.path.suffix.lower() in HTML_SUFFIXES:
        text = clean(html_to_text(text))
    return parse_text(text, source.doc_id, str(source.path))


def parse_text(text: str, doc_id: str, path: str | None = None) -> Document:
    """Parse already-decoded article text (e.g. pasted in the UI)."""
    name = path or doc_id
    if not text.strip():
        raise SourceError(f"{name} is empty: there is no article text to index.")
    doc = parse_article(text, doc_id, path)
    if not doc.paragraphs:
        raise SourceError(f"{name} has no body paragraphs to index (only a title or headings).")
    return doc
