"""footnote's index: articles parsed into numbered paragraphs, embedded locally, stored in Chroma."""

from .document import Document, Paragraph, Sentence
from .embedding import MiniLMEncoder, make_embedding
from .errors import FootnoteError, IndexStoreError, SourceError
from .loader import load_document, parse_text
from .parser import parse_article
from .reader import SourceFile, find_sources, read_text
from .store import IndexStore, build_index, is_current, open_index

__all__ = [
    "Document",
    "FootnoteError",
    "IndexStore",
    "IndexStoreError",
    "MiniLMEncoder",
    "Paragraph",
    "Sentence",
    "SourceError",
    "SourceFile",
    "build_index",
    "find_sources",
    "is_current",
    "load_document",
    "make_embedding",
    "open_index",
    "parse_article",
    "parse_text",
    "read_text",
]
