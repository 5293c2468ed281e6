"""Features of a question and of candidate sentences, for the learned answer scorer.

``QuestionInfo`` holds what is computed once per question: its content-word stems, its
word bigrams, its expected answer type (``asking.answer_type``), its numbers, names and
the countries it names. ``sentence_features`` describes one sentence of a retrieved
paragraph against it: embedding similarity (the sentence's own, and with its neighbour for
sentences opening with a pronoun), the share of question words it and its paragraph
contain, word-bigram overlap, whether it holds a value of the expected answer type that the
question itself does not, and the paragraph's retrieval score. Word matches allow
derivations the stemmer keeps apart and a country's other names ("Washington" for "the
US", via ``places``). ``place_cue`` says whether a sentence names a place (for the
backend's "where" policy). Patterns are plain English syntax (digits, month names,
capitalised words, prepositions); nothing is keyed to any data set. This module does not
score or choose.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from ..asking import answer_type
from ..lexicon import Speller, fold, known_words, terms
from .places import aliases

NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred|hundreds|thousand|thousands|million|millions|billion|billions|trillion|dozen|dozens|half"
)
MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_NUMBER = re.compile(rf"\b(\d[\d,.]*\d|\d|{NUMBER_WORDS})\b", re.I)
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b")
_DATE = re.compile(
    rf"\b({MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+({MONTHS})\b|\b(1[0-9]{{3}}|20[0-9]{{2}})s?\b|"
    r"\b\d{1,2}(st|nd|rd|th)\s+century\b|\b(century|decade|ago|yesterday|today|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|spring|summer|autumn|winter)\b",
    re.I,
)
CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'’-]*[a-z][\w'’-]*|\b[A-Z]{2,}\b")
# Where a place is named: a capitalised name after a locative preposition ("in Vladivostok",
# "to Moscow") or a verb of going there ("visited Pyongyang"), or a noun that says a place
# is meant ("the venue", "a port city").
_LOCATIVE_NAME = re.compile(
    r"\b(?i:in|at|to|from|near|into|across|outside|inside|towards?|throughout|via|between|around|"
    r"visit|visits|visited|visiting|toured|reached)\s+"
    rf"(?:[Tt]he\s+)?(?!(?i:{MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|christmas|easter)\b)"
    r"([A-Z][\w'’-]*[a-z][\w'’-]*)"
)
_PLACE_NOUN = re.compile(
    r"\b(city|cities|town|capital|country|countries|port|region|province|village|island|"
    r"location|destination|venue|site|headquarters|border|coast|continent|county|district|"
    r"territory|neighbou?rhood|street|building)\b",
    re.I,
)
_PRONOUN_START = re.compile(
    r"^\W*(he|she|it|they|this|these|those|that|his|her|its|their|him|them|there|such|the\s+(latter|former))\b",
    re.I,
)


def opens_with_pronoun(text: str) -> bool:
    """True when a sentence leans on the one before it ("He said...", "This move...")."""
    return bool(_PRONOUN_START.match(text))


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    terms: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    kind: str  # one of TYPES, or "other"
    numbers: frozenset[str]
    capitalised: frozenset[str]
    # Each country the question names, as (its stems, other names' stems): "the US" is also
    # "Washington", "Pyongyang" also "North Korea" (``places``).
    countries: tuple[tuple[frozenset[str], frozenset[frozenset[str]]], ...] = ()


def name_phrases(question: str) -> list[list[re.Match[str]]]:
    """The question's names as runs of capitalised words one space apart ("North Korea",
    "Kim Jong Un"); none for a Title Case or all-capitals question, whose capitals tell nothing."""
    letters = [w for w in re.findall(r"[^\W\d_]+", question) if len(w) > 1]
    if letters and sum(w[0].isupper() for w in letters) > 0.6 * len(letters):
        return []
    phrases: list[list[re.Match[str]]] = []
    for m in CAPITALISED.finditer(question):
        if phrases and question[phrases[-1][-1].end() : m.start()] == " ":
            phrases[-1].append(m)
        else:
            phrases.append([m])
    return phrases


def _countries(question: str) -> tuple[tuple[frozenset[str], frozenset[frozenset[str]]], ...]:
    out = []
    for phrase in name_phrases(question):
        stems = frozenset(terms(question[phrase[0].start() : phrase[-1].end()]))
        others = aliases(stems) if stems else frozenset()
        if others:
            out.append((stems, others))
    return tuple(out)


def _bigrams(stems: list[str]) -> frozenset[tuple[str, str]]:
    return frozenset(pairwise(stems))


def analyse(question: str, vocabulary: dict[str, int] | None = None) -> QuestionInfo:
    """The question's words, answer type and values; with ``vocabulary`` (stem -> count of
    the text being searched), misspelt words are mapped onto it (``lexicon.Speller``)."""
    stems = Speller(vocabulary, known_words()).terms(question) if vocabulary else terms(question)
    return QuestionInfo(
        text=question,
        terms=frozenset(stems),
        bigrams=_bigrams(stems),
        kind=answer_type(question),
        numbers=frozenset(fold(m.group(0)) for m in _NUMBER.finditer(question)),
        capitalised=frozenset(fold(m.group(0)) for m in CAPITALISED.finditer(question)),
        countries=_countries(question),
    )


@dataclass(frozen=True)
class SentenceText:
    """What is computed once per sentence text (cached: paragraphs recur across questions)."""

    stems: tuple[str, ...]
    terms: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    numbers: frozenset[str]
    capitalised: frozenset[str]
    has_date: bool
    places: frozenset[str]  # names after a locative preposition, and place nouns
    pronoun_start: bool
    words: int


@lru_cache(maxsize=20_000)
def text_terms(text: str) -> frozenset[str]:
    """Content-word stems of a paragraph, heading or title (cached: they recur across questions)."""
    return frozenset(terms(text))


@lru_cache(maxsize=50_000)
def sentence_text(text: str) -> SentenceText:
    stems = terms(text)
    return SentenceText(
        stems=tuple(stems),
        terms=frozenset(stems),
        bigrams=_bigrams(stems),
        numbers=frozenset(fold(m.group(0)) for m in _NUMBER.finditer(text)),
        capitalised=frozenset(fold(m.group(0)) for m in CAPITALISED.finditer(text)),
        has_date=bool(_DATE.search(text)),
        places=frozenset(fold(m.group(1)) for m in _LOCATIVE_NAME.finditer(text))
        | frozenset(fold(m.group(1)) for m in _PLACE_NOUN.finditer(text)),
        pronoun_start=bool(_PRONOUN_START.match(text)),
        words=len(text.split()),
    )


def _year(token: str) -> bool:
    return token.isdigit() and len(token) == 4 and 1000 <= int(token) <= 2099


def type_match(q: QuestionInfo, s: SentenceText) -> float:
    """1 when the sentence holds a value of the question's answer type that the question lacks."""
    if q.kind == "number":  # a count or amount; a bare year is not one
        return float(any(not _year(n) for n in s.numbers - q.numbers))
    if q.kind == "date":
        return float(s.has_date)
    if q.kind in ("person", "place"):
        return float(bool(s.capitalised - q.capitalised))
    return 0.0


def typed(q: QuestionInfo, s: SentenceText) -> tuple[float, float]:
    """(value, name): +1 the sentence has the expected number/date (name/place), -1 it lacks
    it, 0 the question expects no such type."""
    match = 1.0 if type_match(q, s) else -1.0
    if q.kind in ("number", "date"):
        return match, 0.0
    if q.kind in ("person", "place"):
        return 0.0, match
    return 0.0, 0.0


def place_cue(q: QuestionInfo, s: SentenceText) -> float:
    """+1/-1: a place question and a sentence that does / does not name a place the question
    does not (a name after "in", "at", "to"…, or a word such as "venue" or "city"); 0 otherwise."""
    if q.kind != "place":
        return 0.0
    asked = q.capitalised | {fold(w) for w in q.text.split()}
    return 1.0 if s.places - asked else -1.0


FEATURES = (
    "cos",  # cosine similarity of the sentence to the question
    "cos_context",  # the previous sentence's similarity when this one opens with a pronoun (else cos)
    "share",  # share of the question's content words in the sentence
    "share_context",  # ... in the sentence and its neighbours
    "share_paragraph",  # ... in the whole paragraph (with its section heading)
    "bigram",  # share of the question's word bigrams in the sentence
    "idf_share",  # share of the question's words, each weighted by its rarity among the candidates
    "value_type",  # +1/-1: has/lacks the number or date the question asks for (0: not asked)
    "name_type",  # +1/-1: has/lacks a new capitalised name when asked who/where (0: not asked)
    "passage",  # the paragraph's fused retrieval score
    "focus",  # similarity to what the question asks for ("weapons", a place…), minus the candidates' mean
)
# No "top-ranked paragraph" bonus: within one article every paragraph shares the topic and
# the first one retrieved is often not the answer's; such a bonus (fitted on a many-article
# corpus) made the scorer repeat the paragraph that restates the question.


SOFT_MIN = 5  # shortest stem that may match its derivation ("partner" / "partnership")
# Suffixes the stemmer keeps that turn one word into a relative of it: "partner"/"partnership",
# "Russia"/"Russian", "China"/"Chinese", "Japan"/"Japanese".
_DERIVED = ("ship", "hood", "ism", "ist", "n", "an", "ian", "ese")


def _related(a: str, b: str) -> bool:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= SOFT_MIN and long.startswith(short) and long[len(short) :] in _DERIVED


def matched(q: QuestionInfo, text: frozenset[str]) -> set[str]:
    """``overlap`` of the question's stems with ``text``, a country's stems counting as
    present when the text uses another of its names ("Washington" for "the US")."""
    found = overlap(q.terms, text)
    for stems, others in q.countries:
        if not stems <= found and any(contains_all(text, o) for o in others):
            found |= stems & q.terms
    return found


def contains_all(text: frozenset[str], stems: frozenset[str]) -> bool:
    """Whether ``text`` holds every one of ``stems`` (derivations allowed, as ``overlap``)."""
    return len(overlap(stems, text)) == len(stems)


def overlap(question: frozenset[str], text: frozenset[str]) -> set[str]:
    """The question's stems that ``text`` contains, exactly or as a derivation the stemmer
    leaves apart (``_DERIVED``)."""
    found = set(question & text)
    for t in question - found:
        if len(t) >= SOFT_MIN and any(_related(t, u) for u in text):
            found.add(t)
    return found


def local_idf(q: QuestionInfo, sentences: list[SentenceText]) -> dict[str, float]:
    """Weights of the question's words by how few candidate sentences contain them.

    Computed over the sentences being ranked, not over a corpus, so it means the same for
    one short article and for hundreds of them: a word every candidate has tells nothing.
    """
    n = len(sentences)
    df = dict.fromkeys(q.terms, 0)
    for s in sentences:
        for t in matched(q, s.terms):
            df[t] += 1
    return {t: math.log(1.0 + n / (d or 0.5)) for t, d in df.items()}


def sentence_features(
    q: QuestionInfo,
    sentences: list[SentenceText],
    i: int,
    cos: float,
    cos_context: float,
    paragraph_terms: frozenset[str],
    passage_score: float,
    idf: dict[str, float] | None = None,
    focus_score: float = 0.0,
) -> tuple[float, ...]:
    s = sentences[i]
    n = len(q.terms) or 1
    own = matched(q, s.terms)
    near = set(own)
    if i > 0:
        near |= matched(q, sentences[i - 1].terms)
    if i + 1 < len(sentences):
        near |= matched(q, sentences[i + 1].terms)
    bigram = len(q.bigrams & s.bigrams) / len(q.bigrams) if q.bigrams else 0.0
    idf = idf or {}
    total = sum(idf.values())
    idf_share = sum(idf.get(t, 0.0) for t in own) / total if total else len(own) / n
    return (
        cos,
        cos_context if s.pronoun_start else cos,
        len(own) / n,
        len(near) / n,
        len(matched(q, paragraph_terms)) / n,
        bigram,
        idf_share,
        *typed(q, s),
        passage_score,
        focus_score,
    )
