"""Word-level text normalisation shared by BM25 retrieval and the sentence scorer.

Lower-cased word tokens, English stopwords removed (bm25s's list plus question words),
Snowball-stemmed (PyStemmer) so that "talks" and "talk" meet. This module only tokenises;
it does not score.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"\w+(?:['’]\w+)*", re.U)
QUESTION_WORDS = frozenset(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "does",
        "did",
        "do",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "can",
        "could",
        "should",
        "much",
        "many",
        "according",
        "article",
        "say",
        "says",
        "said",
    ]
)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS) | QUESTION_WORDS


@lru_cache(maxsize=1)
def _stemmer():
    # PyStemmer (libstemmer, the Snowball English stemmer in C): importing it is instant,
    # where `import nltk` pulled in SciPy and cost seconds of every `footnote ask`.
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def fold(text: str) -> str:
    """Lower-case and strip accents and possessives, for matching only."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower().replace("’", "'")


def terms(text: str) -> list[str]:
    """Content-word stems of ``text`` in order (duplicates kept)."""
    stop = _stopwords()
    out = []
    for m in _WORD.finditer(fold(text)):
        word = m.group(0)
        if word.endswith("'s"):
            word = word[:-2]
        if word and word not in stop:
            out.append(stem(word))
    return out
