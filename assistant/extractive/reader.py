"""The offline reader: ``answer(question, passages) -> Answer`` from the article's own words.

Every sentence of the best retrieved paragraphs is described by the features of
``features`` (embedding similarity, with its neighbour when it opens with a pronoun; share
of the question's words in it, around it and in its paragraph; bigram overlap; whether it
holds a value of the expected answer type; its similarity to what the question asks for,
"weapons" in "What weapons…", a place for "Where…"; its paragraph's retrieval score) and scored by a
logistic regression: the probability that it contains the answer. The best sentence is the
answer; the runner-up joins when it is nearly as likely (more nearly when it comes from
another paragraph, less when the question asks for no number, date or place and so no
value singles out the answering sentence; one or two sentences, read in order), a lone answer opening with a
pronoun brings the sentence before it, and a "where" answer that names no place brings the
likeliest sentence that does. Over several articles all of them are read from the top
retrieved paragraph's article unless the question asks across articles (``articles``). Whether
to answer at all is a second, calibrated model over absolute evidence (``answerability``:
the best sentence's probability, cosine and word coverage, the top paragraph's cosine and
word coverage, a missing answer type), so the same threshold holds for one nine-paragraph
article and for a corpus of hundreds. Below its threshold the backend abstains with "The
article doesn't say." Coefficients (``weights.json``) were fitted by ``training/fit.py`` and
``training/abstention.py`` on half of the xquad-dev articles (scikit-learn at training time
only). Once those rules (answerability, asked type, asked-about names) have decided to
answer, the sentence reader (``reading``, a small extractive QA model) reads the two likeliest
sentences and puts the runner-up first when it finds the answer there more clearly
(``reread``), and reads the quoted ones: its best span is the short answer, and, when
``reading/gate.json`` holds an ``abstention`` rule, its margin joins the answerability
probability in deciding to decline. No network; this module does not retrieve.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ..asking import is_yes_no
from ..citations import ABSTAIN_TEXT, cite, marker, with_marker
from ..schema import Answer, Citation, Passage
from ..weights import linear, read
from .answerability import evidence
from .answerability import load as load_answerability
from .articles import across_articles
from .features import FEATURES, analyse, local_idf, place_cue, sentence_features, sentence_text, text_terms
from .gate import has_asked_type, name_terms, names_covered
from .reading import Reading, default_reader, gate

# Fitted by training/fit.py, which writes them with their provenance next to this module.
WEIGHTS_FILE = Path(__file__).with_name("weights.json")
_FITTED = read(WEIGHTS_FILE)
SENTENCE = linear(_FITTED["sentence"], FEATURES, WEIGHTS_FILE)
ANSWERABLE = load_answerability(_FITTED["answerable"], WEIGHTS_FILE)
ANSWERABLE_THRESHOLD = float(_FITTED["answerable"].get("threshold", 0.2))
# The sentence reader's thresholds (training/reading_gate.py); None before one is fitted.
_GATE = gate()
# Its abstention rule, present in gate.json only when it is used (``--ship-abstention``).
_ABSTENTION = (_GATE or {}).get("abstention")


@dataclass(frozen=True)
class ExtractiveSettings:
    """Thresholds of the answer policy; coefficients are module constants."""

    # Answerability probability under which we abstain; chosen with the model (weights.json).
    abstain_below: float = ANSWERABLE_THRESHOLD
    second_ratio: float = 0.5  # a second sentence joins when its probability is this close
    second_other_ratio: float = 0.7  # ... this close when it comes from another paragraph
    # ... this close, from the same paragraph, when the question asks for no number, date or
    # place ("why…", "what happened…"): no typed value singles out the answering sentence.
    second_open_ratio: float = 0.35
    max_sentences: int = 2
    pronoun_context: bool = True  # a lone answer opening with a pronoun brings its antecedent
    passages_used: int = 3
    names_in_answer: bool = True  # the answer's paragraph must name what the question names
    typed_ratio: float = 0.7  # a sentence holding the asked type replaces a best one lacking it this close
    place_min: float = (
        0.05  # a "where" answer naming no place adds the best sentence that does, if this likely
    )
    # The sentence reader's span is the short answer when its margin reaches ``short_above``
    # (reading/gate.json; without a fitted gate, no short answers).
    short_above: float = float(_GATE["short_above"]) if _GATE else float("inf")
    # Decline when a + m * margin + b < ``decline_below``, with a the logit of the
    # answerability probability and m the reader's best margin over the chosen sentences
    # (coefficients ``decline_weights`` fitted with it); -inf: the reader never declines.
    decline_below: float = float(_ABSTENTION["decline_below"]) if _ABSTENTION else float("-inf")
    decline_weights: tuple[float, float, float] = (
        tuple(_ABSTENTION["answer_logit"]) if _ABSTENTION else (0.0, 0.0, 0.0)
    )
    # The runner-up sentence goes first when the sentence reader's margin on it beats the
    # best's by more than this (``reread``; chosen on xquad 2 mod 4); inf: never.
    swap_margin: float = float((_GATE or {}).get("swap_margin", float("inf")))


# Answer types (``asking.answer_type``) a sentence can be told to hold by its value.
_TYPED = frozenset({"number", "date", "place"})


def answer_logit(answerable: float, margin: float, coefficients: tuple[float, float, float]) -> float:
    """The abstention rule's score (``training/reading_gate.py`` fits the coefficients with this
    same function): a * logit(answerability probability) + m * reader margin + b."""
    a, m, b = coefficients
    p = min(max(answerable, 1e-6), 1 - 1e-6)
    return a * math.log(p / (1 - p)) + m * max(margin, -50.0) + b


@dataclass(frozen=True)
class _Scored:
    score: float  # probability that the sentence holds the answer
    passage: Passage
    index: int
    features: tuple[float, ...]


class Reader:
    """Answers with the best-supported sentence(s) of the passages, or abstains."""

    name = "extractive"

    def __init__(self, settings: ExtractiveSettings | None = None, multi_document: bool = False) -> None:
        self.settings = settings or ExtractiveSettings()
        self.multi_document = multi_document

    def score_sentences(self, question: str, passages: list[Passage]) -> list[_Scored]:
        """Every sentence of the first ``passages_used`` passages, most likely answer first."""
        used = passages[: self.settings.passages_used]
        texts = [[sentence_text(s.text) for s in p.paragraph.sentences] for p in used]
        vocabulary: dict[str, int] = {}
        for para in texts:
            for t in para:
                for stem in t.terms:
                    vocabulary[stem] = vocabulary.get(stem, 0) + 1
        q = analyse(question, vocabulary)  # misspelt question words meet the passages' words
        idf = local_idf(q, [t for para in texts for t in para])
        # Similarity to what the question asks for, centred on the candidates' mean (0 when
        # the question names nothing, or the retriever gave no such scores).
        foci = [list(p.focus_scores) for p in used if len(p.focus_scores) == len(p.paragraph.sentences)]
        mean_focus = sum(map(sum, foci)) / max(1, sum(map(len, foci))) if foci else 0.0
        scored = []
        for passage, para in zip(used, texts, strict=True):
            para_terms = text_terms(f"{passage.section or ''} {passage.text}")
            cos = list(passage.sentence_scores) + [0.0] * (len(para) - len(passage.sentence_scores))
            fs = passage.focus_scores
            focus = [v - mean_focus for v in fs] if len(fs) == len(para) else [0.0] * len(para)
            for i in range(len(para)):
                f = sentence_features(
                    q,
                    para,
                    i,
                    cos[i],
                    cos[i - 1] if i > 0 else cos[i],
                    para_terms,
                    passage.score,
                    idf,
                    focus[i],
                )
                scored.append(_Scored(SENTENCE.probability(f), passage, i, f))
        scored.sort(key=lambda x: -x.score)
        return scored

    @staticmethod
    def answerable_features(question: str, scored: list[_Scored]) -> tuple[float, ...]:
        """Absolute evidence that the passages answer the question (``answerability.EVIDENCE``)."""
        return evidence(scored)

    def confidence(self, question: str, scored: list[_Scored]) -> float:
        if not scored:
            return 0.0
        return ANSWERABLE.probability(self.answerable_features(question, scored))

    def choose(self, scored: list[_Scored], question: str = "") -> list[_Scored]:
        """The answer sentences: the best, plus the runner-up when it is nearly as likely.

        A lone best sentence that opens with a pronoun ("He proposed ...") brings the
        sentence before it, which says who "he" is, if there is room for a second one.
        """
        s = self.settings
        best = scored[0]
        chosen = [best]
        same = s.second_ratio if analyse(question).kind in _TYPED else s.second_open_ratio
        for cand in scored[1 : s.max_sentences]:
            ratio = same if cand.passage is best.passage else s.second_other_ratio
            if cand.score >= ratio * best.score:
                chosen.append(cand)
        if len(chosen) == 1 < s.max_sentences and best.index > 0 and s.pronoun_context:
            text = best.passage.paragraph.sentences[best.index].text
            if sentence_text(text).pronoun_start:
                chosen += [c for c in scored if c.passage is best.passage and c.index == best.index - 1]
        return chosen

    def with_place(self, question: str, scored: list[_Scored], chosen: list[_Scored]) -> list[_Scored]:
        """For a "where" question whose chosen sentences name no place, the best answer plus
        the likeliest sentence that names one ("... is expected in Vladivostok").

        The sentence that restates a where-question best is often not the one that says
        where; adding (not replacing) keeps the best answer when the place is phrased in a
        way ``features.place_cue`` does not see. On xquad-dev's where-questions this raised
        answer containment from 0.91 to 0.94 (corpus) and 0.97 (single article).
        """
        q = analyse(question)
        if q.kind != "place" or self.settings.max_sentences < 2:
            return chosen
        text = lambda c: c.passage.paragraph.sentences[c.index].text  # noqa: E731
        if any(place_cue(q, sentence_text(text(c))) > 0 for c in chosen):
            return chosen
        best = chosen[0]
        if len(chosen) >= self.settings.max_sentences:
            second = chosen[1]
            if second.passage is best.passage and second.index == best.index - 1:
                return chosen  # the sentence that says who "he" is stays
        for c in scored:
            if c.score < self.settings.place_min:
                break
            if (
                c not in chosen
                and c.passage.document == best.passage.document  # never another article's place
                and place_cue(q, sentence_text(text(c))) > 0
            ):
                return [*chosen[: self.settings.max_sentences - 1], c]
        return chosen

    @staticmethod
    def _read(question: str, sentences: list[_Scored], memo: dict[str, Reading]) -> list[Reading]:
        """The sentence reader's readings of ``sentences``, each sentence read once per answer."""
        texts = [c.passage.paragraph.sentences[c.index].text for c in sentences]
        new = [t for t in dict.fromkeys(texts) if t not in memo]
        memo.update(zip(new, default_reader().read(question, new), strict=True))
        return [memo[t] for t in texts]

    def reread(
        self, question: str, scored: list[_Scored], memo: dict[str, Reading] | None = None
    ) -> list[_Scored]:
        """The two likeliest sentences swap places when the sentence reader finds an answer in
        the second by more than ``swap_margin`` points over the first (the first stays in
        reach as the runner-up)."""
        if len(scored) < 2 or self.settings.swap_margin == float("inf"):
            return scored
        first, second = self._read(question, scored[:2], {} if memo is None else memo)
        if second.margin - first.margin > self.settings.swap_margin:
            return [scored[1], scored[0], *scored[2:]]
        return scored

    def reading(
        self, question: str, chosen: list[_Scored], memo: dict[str, Reading] | None = None
    ) -> Reading | None:
        """The sentence reader's best reading of the chosen sentences, or None when neither the
        short answer nor the abstention rule needs it."""
        s = self.settings
        if s.short_above == float("inf") and s.decline_below == float("-inf"):
            return None
        return max(self._read(question, chosen, {} if memo is None else memo), key=lambda r: r.margin)

    def reads_no_answer(self, confidence: float, reading: Reading | None) -> bool:
        """The abstention rule fitted with the sentence reader (``decline_below``)."""
        if reading is None or self.settings.decline_below == float("-inf"):
            return False
        return (
            answer_logit(confidence, reading.margin, self.settings.decline_weights)
            < self.settings.decline_below
        )

    def short(self, question: str, reading: Reading | None) -> str | None:
        """The short answer: the sentence reader's best span over the chosen sentences when its
        margin reaches ``short_above``; none for a yes/no question (the quote answers it)."""
        if reading is None or is_yes_no(question) or reading.margin < self.settings.short_above:
            return None
        return reading.span or None

    def _abstain(self, question: str, passages: list[Passage], confidence: float) -> Answer:
        return Answer(
            question=question,
            text=ABSTAIN_TEXT,
            citations=[],
            abstained=True,
            backend=self.name,
            passages=passages,
            confidence=confidence,
        )

    def select(self, question: str, scored: list[_Scored], passages: list[Passage]) -> list[_Scored] | None:
        """The sentences to quote from ``scored`` (likeliest first), or None when the asked type
        or the asked-about names are missing from every likely sentence: the article doesn't say."""
        s = self.settings
        chosen = self.choose(scored, question)
        if not any(has_asked_type(question, c.passage.paragraph.sentences[c.index].text) for c in chosen):
            # "How many…"/"When…" answered without any number or date: take the best
            # sentence that has one if it is nearly as likely, otherwise the article doesn't say.
            typed = [
                c
                for c in scored
                if c.score >= s.typed_ratio * scored[0].score
                and has_asked_type(question, c.passage.paragraph.sentences[c.index].text)
            ]
            if not typed:
                return None
            chosen = typed[:1]
        names = name_terms(question) if s.names_in_answer else []
        if names:
            # "What did China say…?" answered from a paragraph that never names China has
            # not answered it: take the best sentence whose paragraph does, if nearly as likely.
            # The same paragraph terms the scorer used (cached), and the article's title.
            texts = {
                id(p): text_terms(f"{p.section or ''} {p.text}") | text_terms(p.title or "") for p in passages
            }
            # Only names some retrieved paragraph holds: a misspelt or unseen one proves nothing.
            names = [n for n in names if any(names_covered([n], t) for t in texts.values())]

            def covers(c: _Scored) -> bool:
                return names_covered(names, texts[id(c.passage)])

            if names and not any(covers(c) for c in chosen):
                named = [c for c in scored if c.score >= s.typed_ratio * scored[0].score and covers(c)]
                if not named:
                    return None
                chosen = named[:1]
        return self.with_place(question, scored, chosen)

    def answer(self, question: str, passages: list[Passage], avoid: Collection[str] = ()) -> Answer:
        """The answer from ``passages``; sentences whose text is in ``avoid`` (what a follow-up
        asking for "something else" was already told) are never chosen."""
        s = self.settings
        scored = self.score_sentences(question, passages)
        if avoid:
            scored = [c for c in scored if c.passage.paragraph.sentences[c.index].text not in avoid]
        confidence = self.confidence(question, scored)
        if not scored or confidence < s.abstain_below:
            return self._abstain(question, passages, confidence)
        if self.multi_document and not across_articles(question, passages):
            # Every sentence (best, runner-up, typed, named or place replacement) is read from
            # one article: the top retrieved paragraph's. On xquad-dev (one 32-article index)
            # it is the gold article for 99.5% of even-article questions (where the rule was
            # chosen, against 98.6% for the best sentence's article) and 99.75% of odd ones.
            scored = [c for c in scored if c.passage.document == passages[0].document] or scored
        chosen = self.select(question, scored, passages)
        if chosen is None:
            return self._abstain(question, passages, confidence)
        memo: dict[str, Reading] = {}
        reordered = self.reread(question, scored, memo)
        if reordered is not scored:
            # The rules above decided on the reader's own order that the passages answer;
            # the sentence reader's preference only changes which sentences say it.
            chosen = self.select(question, reordered, passages) or chosen
        reading = self.reading(question, chosen, memo)
        if self.reads_no_answer(confidence, reading):
            return self._abstain(question, passages, confidence)
        # The best-supported sentence is cited first; text reads in document order.
        citations: list[Citation] = []
        for c in chosen:
            sentence = c.passage.paragraph.sentences[c.index]
            citations.append(cite(c.passage, sentence, support=c.score))
        ordered = sorted(
            zip(chosen, citations, strict=True),
            key=lambda x: (x[0].passage.document, x[0].passage.number, x[0].index),
        )
        parts = []
        for c, citation in ordered:
            label = marker(citation.document, citation.paragraph, self.multi_document)
            parts.append(with_marker(c.passage.paragraph.sentences[c.index].text, label))
        return Answer(
            question=question,
            text=" ".join(parts),
            citations=citations,
            abstained=False,
            backend=self.name,
            passages=passages,
            confidence=confidence,
            # The span that answers, from the quoted sentences (most likely first).
            short=self.short(question, reading),
        )
