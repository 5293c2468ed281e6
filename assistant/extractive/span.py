"""The short answer inside a sentence: the span that answers (a name, place, date, number, phrase).

``candidates(sentence)`` lists the sentence's phrase-like spans: runs of up to ``MAX_WORDS``
words that neither open nor close on a stopword or punctuation and cross no clause
punctuation (a comma only before a capitalised word or a number: "Santa Clara, California",
"May 3, 1990"). ``span_features`` describes one candidate against the question: its length,
how many of its words the question already has (an answer rarely repeats the question), how
close it stands to the question's words in the sentence and on which side, whether it is a
whole phrase, and whether it holds what the question asks for (``asking.answer_type``: a
number, a date, a capitalised name for who/where). A linear scorer over these
(``weights.json`` section ``span``, fitted by ``training/span_fit.py`` on the even-numbered
xquad-dev articles) scores every candidate; ``short_answer`` returns the best one when its
probability (its share of a softmax over all candidates) reaches the fitted threshold, else
None. Patterns are plain English syntax; nothing is keyed to a data set. This module does
not choose sentences (see ``reader``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..asking import answer_type, focus, is_yes_no
from ..lexicon import fold, is_stopword, stem
from ..weights import Linear, linear, read
from .features import MONTHS, NUMBER_WORDS, analyse

MAX_WORDS = 8
SPAN_FEATURES = (
    "length",
    "single",
    "question_share",
    "near",
    "after_question",
    "boundary",
    "whole_run",
    "capitalised",
    "number",
    "date",
    "type_match",
    "type_missing",
    "other_capitalised",
    "other_number",
    "inner_stopword",
    "comma",
    "adverb",
    "verb_edge",
    "after_preposition",
    "between_question",
    "mixed_case",
    # The span in its sentence: distances to the question's words on each side, its edges.
    "left_distance",
    "right_distance",
    "after_stopword",
    "after_punctuation",
    "before_punctuation",
    "before_question_word",  # "4,000 [people]" for "How many people...?"
    "after_question_word",
    "before_of",
    "first_capitalised",
    "last_capitalised",
    "content_words",
    "position",
    "has_focus",  # holds the noun the question asks for ("Which party" -> "Labor Party")
    "before_focus",
    "in_parentheses",
    "first_verb",
    "last_verb",
    "year",
    "after_article",
    "off_type",  # share of its words not of the asked type ("March 1998 [after a strike]")
)

_TOKEN = re.compile(r"\$?\d[\d,.]*\d%?|\$?\d%?|\w+(?:['’]\w+)*|[^\w\s]")
_NUMBER = re.compile(rf"^(\$?\d[\d,.]*%?|{NUMBER_WORDS}|\d+(st|nd|rd|th))$", re.I)
_DATE_WORD = re.compile(
    rf"^({MONTHS}|1[0-9]{{3}}s?|20[0-9]{{2}}s?|\d{{1,2}}(st|nd|rd|th)|century|centuries|decade|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|bc|ad|bce|ce)$",
    re.I,
)
# Word shapes that rarely make an answer on their own: adverbs ("often"), and a span opening
# or closing on a verb form ("called", "reaching"); and the prepositions an answer follows.
_ADVERB = re.compile(r"^(\w{3,}ly|also|often|even|still|only|just|very|too|again|already)$", re.I)
_VERB_FORM = re.compile(r"^\w{3,}(ed|ing)$", re.I)
_PREPOSITION = frozenset(
    [
        "in",
        "on",
        "at",
        "by",
        "of",
        "from",
        "to",
        "as",
        "for",
        "with",
        "into",
        "during",
        "since",
        "until",
        "after",
        "before",
        "about",
        "than",
        "via",
    ]
)
_YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2})s?$")
_INNER = frozenset("-–—'’/&%.")  # punctuation a span may hold ("4–3", "U.S.", "AT&T")


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int
    word: bool  # a word or number, not punctuation
    stop: bool
    stem: str
    capitalised: bool
    number: bool
    date: bool


@dataclass(frozen=True)
class Question:
    """What the span features need of a question: its content stems, its answer type and
    the stem of the noun it asks for ("Which party..." -> "parti"; "" when it names none)."""

    stems: frozenset[str]
    kind: str
    focus: str

    @classmethod
    def of(cls, question: str) -> Question:
        wanted = focus(question) or ""
        # A described kind ("a place or location") names no noun of the sentence.
        head = "" if not wanted or wanted.startswith(("a ", "an ", "the ")) else wanted.split()[-1]
        return cls(analyse(question).terms, answer_type(question), stem(fold(head)) if head else "")


@dataclass(frozen=True)
class Span:
    """A candidate short answer: ``sentence[start:end]`` and its probability of answering."""

    text: str
    start: int
    end: int
    probability: float


def tokens(sentence: str) -> list[_Token]:
    out = []
    for i, m in enumerate(_TOKEN.finditer(sentence)):
        t = m.group(0)
        word = bool(re.match(r"[\w$]", t))
        folded = fold(t)
        if folded.endswith(("'s", "’s")):
            folded = folded[:-2]
        stop = not word or is_stopword(folded)
        out.append(
            _Token(
                text=t,
                start=m.start(),
                end=m.end(),
                word=word,
                stop=stop,
                stem=stem(folded) if word else "",
                # The sentence's first word is capitalised by position, not as a name.
                capitalised=word and t[:1].isupper() and (i > 0 or not stop) and not t.isdigit(),
                number=word and bool(_NUMBER.match(t)),
                date=word and bool(_DATE_WORD.match(t)),
            )
        )
    return out


def candidates(toks: list[_Token]) -> list[tuple[int, int]]:
    """Token ranges [i, j) of phrase-like spans (see the module docstring)."""
    out = []
    n = len(toks)
    for i in range(n):
        if toks[i].stop:
            continue
        words = 0
        for j in range(i, n):
            t = toks[j]
            if not t.word:
                if t.text == "," and j + 1 < n and (toks[j + 1].capitalised or toks[j + 1].number):
                    continue
                if t.text not in _INNER:
                    break
                continue
            words += 1
            if words > MAX_WORDS:
                break
            if not t.stop:
                out.append((i, j + 1))
    return out


def span_features(toks: list[_Token], i: int, j: int, q: Question) -> tuple[float, ...]:
    q_stems, kind = q.stems, q.kind
    inside = [t for t in toks[i:j] if t.word]
    content = [t for t in inside if not t.stop]
    share = sum(t.stem in q_stems for t in content) / len(content)
    # Distance (in tokens) from the span to the nearest question word outside it.
    left = [i - k for k in range(i) if toks[k].stem in q_stems]
    right = [k - j + 1 for k in range(j, len(toks)) if toks[k].stem in q_stems]
    nearest = min(left + right, default=None)
    near = math.exp(-(nearest - 1) / 4) if nearest is not None else 0.0
    after = float(bool(left) and (not right or min(left) <= min(right)))
    before_ok = i == 0 or toks[i - 1].stop
    after_ok = j == len(toks) or toks[j].stop
    whole = float(before_ok and after_ok and all(not t.stop for t in inside))
    cap = sum(t.capitalised for t in content) / len(content)
    number = float(any(t.number for t in inside))
    date = float(any(t.date for t in inside))
    if kind == "number":
        match = number * (1.0 - date * (not any(t.number and not t.date for t in inside)))
    elif kind == "date":
        match = date
    elif kind in ("person", "place"):
        match = float(cap >= 0.5)
    else:
        match = 0.0
    missing = float(kind != "other" and not match)
    other = kind == "other"
    return (
        math.log(len(inside)),
        float(len(inside) == 1),
        share,
        near,
        after,
        (before_ok + after_ok) / 2,
        whole,
        cap,
        number,
        date,
        match,
        missing,
        cap * other,
        number * other,
        float(any(t.stop for t in inside)),
        float(any(t.text == "," for t in toks[i:j])),
        float(any(_ADVERB.match(t.text) for t in content)),
        float(_VERB_FORM.match(content[0].text) is not None or _VERB_FORM.match(content[-1].text) is not None)
        * (1.0 - cap),
        float(i > 0 and fold(toks[i - 1].text) in _PREPOSITION),
        float(bool(left) and bool(right)),
        float(0.0 < cap < 1.0),  # a name run with a lowercase word stuck on ("Vladivostok next")
        *_context(toks, i, j, q, content, left, right),
    )


def _context(
    toks: list[_Token], i: int, j: int, q: Question, content: list[_Token], left: list[int], right: list[int]
) -> tuple[float, ...]:
    """The features after the first 21 of SPAN_FEATURES: the span's neighbours and edges.
    (Features of the question alone are constant over its candidates, so a softmax over
    them cannot use them: the question enters through ``type_match`` and the focus.)"""
    prev = toks[i - 1] if i > 0 else None
    after = toks[j] if j < len(toks) else None
    opened = sum(t.text == "(" for t in toks[:i]) - sum(t.text == ")" for t in toks[:i])
    return (
        float(min(left, default=15)),
        float(min(right, default=15)),
        float(prev is not None and prev.word and prev.stop),
        float(prev is None or not prev.word),
        float(after is None or not after.word),
        float(after is not None and after.stem in q.stems),
        float(prev is not None and prev.stem in q.stems),
        float(after is not None and fold(after.text) == "of"),
        float(content[0].capitalised),
        float(content[-1].capitalised),
        float(len(content)),
        i / len(toks),
        float(bool(q.focus) and any(t.stem == q.focus for t in content)),
        float(bool(q.focus) and any(t.stem == q.focus for t in toks[j : j + 3])),
        float(opened > 0),
        float(_VERB_FORM.match(content[0].text) is not None),
        float(_VERB_FORM.match(content[-1].text) is not None),
        float(any(_YEAR.match(t.text) for t in content)),
        float(prev is not None and fold(prev.text) in ("the", "a", "an")),
        _off_type(q.kind, [t for t in toks[i:j] if t.word]),
    )


def _off_type(kind: str, inside: list[_Token]) -> float:
    """The share of the span's words that are not what the question asks for: neither a
    number nor a date word for a number or date, not capitalised for a person or place."""
    if kind in ("number", "date"):
        return sum(not (t.number or t.date) for t in inside) / len(inside)
    if kind in ("person", "place"):
        return sum(not t.capitalised for t in inside) / len(inside)
    return 0.0


def scored_spans(question: str, sentences: list[str], model: Linear | None = None) -> list[Span]:
    """Every candidate span of ``sentences`` with its probability (its share of a softmax over
    all of them: the scorer was fitted to make the answering span win), most likely first."""
    model = model or SPAN
    q = Question.of(question)
    found: list[tuple[float, str, int, int]] = []
    for sentence in sentences:
        toks = tokens(sentence)
        for i, j in candidates(toks):
            if all(t.stem in q.stems for t in toks[i:j] if t.word and not t.stop):
                continue  # the question's own words answer nothing
            x = span_features(toks, i, j, q)
            z = model.bias + sum(w * v for w, v in zip(model.weights, x, strict=True))
            start, end = toks[i].start, toks[j - 1].end
            found.append((z, sentence[start:end], start, end))
    if not found:
        return []
    top = max(z for z, *_ in found)
    total = sum(math.exp(z - top) for z, *_ in found)
    out = [Span(text, start, end, math.exp(z - top) / total) for z, text, start, end in found]
    out.sort(key=lambda s: -s.probability)
    return out


def short_answer(question: str, sentences: list[str]) -> str | None:
    """The best span of ``sentences`` (the answer's quoted sentences) if the scorer is
    confident of it (its probability reaches the fitted threshold), else None."""
    if is_yes_no(question):
        return None  # a yes/no question: the quoted sentence is the answer, no span of it
    spans = scored_spans(question, sentences)
    if not spans or spans[0].probability < THRESHOLD:
        return None
    return spans[0].text


WEIGHTS_FILE = Path(__file__).with_name("weights.json")
_FITTED = read(WEIGHTS_FILE).get("span")
SPAN = (
    linear(_FITTED, SPAN_FEATURES, WEIGHTS_FILE)
    if _FITTED
    else Linear(SPAN_FEATURES, (0.0,) * len(SPAN_FEATURES), 0.0)
)
THRESHOLD = float(_FITTED.get("threshold", 1.0)) if _FITTED else 1.0
