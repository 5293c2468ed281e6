"""Sentence boundaries with character offsets, using NLTK's Punkt model.

The English Punkt parameters ship inside ``llama-index-core`` (its ``_static/nltk_cache``),
so nothing is downloaded. This module only finds boundaries; it does not clean text.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

# Punkt splits only at sentence punctuation; a long run without any (a table, a list
# flattened into one line) would become one giant "sentence". Cap it so a quote stays a
# readable size: split such runs at the last whitespace before the cap.
MAX_SENTENCE_CHARS = 1000


@lru_cache(maxsize=1)
def _punkt():
    import nltk
    from nltk.tokenize.punkt import PunktTokenizer

    # Locate llama-index-core's bundled NLTK data without importing it (slow import).
    spec = importlib.util.find_spec("llama_index.core")
    assert spec is not None and spec.submodule_search_locations
    cache = str(Path(next(iter(spec.submodule_search_locations))) / "_static" / "nltk_cache")
    if cache not in nltk.data.path:
        nltk.data.path.append(cache)
    return PunktTokenizer("english")


def _cap(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + 1, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))
    return spans


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences of ``text`` (whitespace trimmed)."""
    spans: list[tuple[int, int]] = []
    for start, end in _punkt().span_tokenize(text):
        # Trim whitespace at both ends so every span is a clean verbatim quote.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        spans.extend(_cap(text, start, end))
    return spans
