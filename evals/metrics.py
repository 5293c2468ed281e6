"""Metric functions of the eval suite: pure functions over answers, citations and rankings.

Text matching follows SQuAD: lower-case, punctuation dropped, whitespace collapsed
(``normalize``); gold answers additionally lose the articles a/an/the
(``squad_normalize``). A fact is "contained" when its normalised words occur as a
contiguous run of the answer's normalised words; a gold answer when its normalised text
is a substring of the answer's.

Citation metrics are ALCE-style at paragraph level: *recall* asks whether an answer's
citations include a gold paragraph, *precision* what share of its (deduplicated) cited
paragraphs are gold. Retrieval metrics take the 1-based rank of the first gold paragraph
(``None`` when it was not retrieved). *False support* (``false_support``) is an answer
shown with a citation marked supported although the question is unanswerable, or
although the answer lacks the required facts. Aggregation over cases is in
``results.aggregate``. This module does not run the assistant (see ``runner``).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

_MARKER = re.compile(r"\s*\[(?:[\w.-]+\s+)?¶\s?\d+\]")
_PUNCT = set(string.punctuation) | {"“", "”", "‘", "’", "ʼ", "–", "—", "…", "«", "»", "¶"}
_ARTICLES = re.compile(r"\b(a|an|the)\b")

Ref = tuple[str, int]  # (document id, paragraph number)


def strip_markers(text: str) -> str:
    """Answer text without its inline citation markers ('... Vladivostok [¶3].' -> '... Vladivostok.')."""
    return _MARKER.sub("", text or "")


def normalize(text: str) -> str:
    """Lower-case, turn punctuation (apostrophes too: "Manning's") into spaces, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = "".join(" " if ch in _PUNCT else ch for ch in text)
    return " ".join(text.split())


def squad_normalize(text: str) -> str:
    """SQuAD's answer normalisation: ``normalize`` plus dropping the articles a/an/the."""
    return " ".join(_ARTICLES.sub(" ", normalize(text)).split())


def contains(answer: str, fact: str, *, squad: bool = False) -> bool:
    """True when ``fact`` occurs in ``answer`` ignoring case and punctuation.

    Facts must match whole words ("port" is not in "portrait"); SQuAD gold answers
    (``squad=True``) match as plain substrings of the normalised text, as the data's
    README defines containment (some gold spans end mid-word, e.g. "(2,70").
    """
    norm = squad_normalize if squad else normalize
    needle = norm(fact)
    if not needle:
        return False
    haystack = norm(strip_markers(answer))
    return needle in haystack if squad else f" {needle} " in f" {haystack} "


def facts_present(answer: str, all_of: Sequence[str] = (), any_of: Sequence[str] = ()) -> bool:
    """Every ``all_of`` fact and at least one ``any_of`` fact (if any are given) occur in ``answer``."""
    if not all(contains(answer, f) for f in all_of):
        return False
    return not any_of or any(contains(answer, f) for f in any_of)


def gold_contained(answer: str, golds: Iterable[str]) -> bool:
    """SQuAD-style containment: some gold answer occurs in the answer text."""
    return any(contains(answer, g, squad=True) for g in golds)


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD token F1 between a prediction and one gold answer (markers stripped)."""
    pred = squad_normalize(strip_markers(prediction)).split()
    ref = squad_normalize(gold).split()
    if not pred or not ref:
        return float(pred == ref)
    common = Counter(pred) & Counter(ref)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(ref)
    return 2 * precision * recall / (precision + recall)


def best_f1(prediction: str, golds: Iterable[str]) -> float:
    """The best token F1 over the gold answers (0 when there are none)."""
    return max((token_f1(prediction, g) for g in golds), default=0.0)


def unique_refs(cited: Iterable[Ref]) -> list[Ref]:
    """Cited paragraphs in first-cited order, each once (a paragraph cited twice counts once)."""
    return list(dict.fromkeys(cited))


def citation_recall(cited: Iterable[Ref], gold: Iterable[Ref]) -> float:
    """1.0 when the citations include a gold paragraph, else 0.0 (also when nothing is cited)."""
    gold_set = set(gold)
    return float(any(ref in gold_set for ref in cited))


def citation_hits(cited: Iterable[Ref], gold: Iterable[Ref]) -> tuple[int, int]:
    """(gold paragraphs cited, paragraphs cited), deduplicated: the parts of citation precision."""
    refs = unique_refs(cited)
    gold_set = set(gold)
    return sum(ref in gold_set for ref in refs), len(refs)


def citation_precision(cited: Iterable[Ref], gold: Iterable[Ref]) -> float | None:
    """Share of distinct cited paragraphs that are gold; ``None`` when nothing is cited."""
    hits, total = citation_hits(cited, gold)
    return hits / total if total else None


def first_gold_rank(ranking: Sequence[Ref], gold: Iterable[Ref]) -> int | None:
    """1-based rank of the first gold paragraph in ``ranking``, or ``None`` if absent."""
    gold_set = set(gold)
    for i, ref in enumerate(ranking, 1):
        if ref in gold_set:
            return i
    return None


def hit_at(rank: int | None, k: int) -> float:
    return float(rank is not None and rank <= k)


def reciprocal_rank(rank: int | None, k: int = 10) -> float:
    """MRR@k contribution of one question."""
    return 1.0 / rank if rank is not None and rank <= k else 0.0


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by linear interpolation; ``None`` for no values."""
    data = sorted(values)
    if not data:
        return None
    pos = (len(data) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def word_count(answer: str) -> int:
    """Words of an answer, citation markers excluded."""
    return len(strip_markers(answer).split())


def abstention_scores(answerable: Sequence[bool], abstained: Sequence[bool]) -> dict[str, float | None]:
    """Precision and recall of abstaining on unanswerable cases, and the false-abstention rate.

    * precision: share of abstentions that were on unanswerable questions;
    * recall: share of unanswerable questions abstained on;
    * false abstention rate: share of answerable questions abstained on.
    Each is ``None`` when its denominator is empty; precision is also ``None`` when no
    question was unanswerable (it would say nothing about abstaining well).
    """
    pairs = list(zip(answerable, abstained, strict=True))
    n_unans = sum(not a for a, _ in pairs)
    n_ans = sum(a for a, _ in pairs)
    n_abst = sum(b for _, b in pairs)
    right = sum((not a) and b for a, b in pairs)
    wrong = sum(a and b for a, b in pairs)
    return {
        "abstention_precision": right / n_abst if n_abst and n_unans else None,
        "abstention_recall": right / n_unans if n_unans else None,
        "false_abstention_rate": wrong / n_ans if n_ans else None,
    }


def shows_support(abstained: bool, citations: Sequence[dict]) -> bool:
    """Is an answer shown (not an abstention) with at least one citation marked supported?

    Citations recorded without a ``supported`` field count as supported: the extractive
    reader only cites what it quotes, and the LLM backend never shows an answer without a
    supported citation (it answers offline instead).
    """
    return not abstained and any(c.get("supported", True) for c in citations)


def false_support(answerable: bool, shown_supported: bool, correct: bool | None) -> bool:
    """An answer vouched for by a supported citation that is wrong.

    Unanswerable: any answer shown as supported. Answerable: shown as supported while the
    fact/gold check failed (``correct`` False); ``None`` (nothing to check) is not false.
    """
    if not shown_supported:
        return False
    return not answerable or correct is False


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the non-``None`` values, ``None`` if there are none."""
    data = [v for v in values if v is not None]
    return sum(data) / len(data) if data else None
