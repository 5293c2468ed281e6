"""The offline extractive backend: answers with the article's own sentences, or declines.

``ExtractiveBackend`` (``backend``) is the reader (``reader``: features, a learned sentence
scorer and answerability model whose weights live in ``weights.json``) plus its conversation
policies: follow-ups, two-part questions and names the article never mentions. What a sentence
is described by lives in ``features``; the answer-type and names checks in ``gate``; country
aliases in ``places``. It needs no network and no model beyond the index's embeddings. It does
not retrieve (it is handed a ``Retriever``) and does not verify citations (the composer does).
"""

from .backend import ExtractiveBackend
from .reader import ExtractiveSettings, Reader

__all__ = ["ExtractiveBackend", "ExtractiveSettings", "Reader"]
