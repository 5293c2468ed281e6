"""Checking a model's answer against the article before anyone sees it.

The answer is split into sentences (Punkt, as at ingest). For each sentence:

* markers ``[¶N]`` / ``[doc ¶N]`` (also ``[¶2, ¶3]``) naming a paragraph that does not exist,
  or one the model was not given, are removed and reported;
* each remaining citation is scored for *support*: ``0.6 × best cosine`` between the claim
  and a sentence of the paragraph (stored MiniLM vectors; a fragment of at most three content
  words, "The New York Times", is embedded after its question, which it answers, and its first
  word counts as a name) ``+ 0.4 × share of the claim's
  content words found in the paragraph``; a name, number or date in the claim that appears
  in none of the cited paragraphs (or the title) halves the score, and so does a claim
  that denies what its best sentence asserts, or the reverse ("not", "denied",
  "disputed"...). At or above
  ``SUPPORT_THRESHOLD`` the citation is supported, below it is kept but flagged
  (``Citation.supported = False``). The quote is the paragraph's best-matching sentence,
  verbatim from the index (``citations.cite``), never the model's words;
* a sentence with no citation that states something (two or more content words) is cited
  to the given paragraph that supports it best, or removed and reported if none does; a
  sentence whose citations all fail gets the paragraph that does support it added (the
  failed one stays, flagged);
* sentences that repeat the system prompt (a canary, six words in a row) or a secret
  are removed; Markdown images, links and HTML tags are stripped from the model's text
  (``guard``);
* sentences of the article that address the assistant ("ignore previous instructions…")
  never count as support, so an injected instruction cannot verify its own echo.

A sentence that repeats an earlier one word for word is dropped (a small model at
temperature 0 can loop on one sentence). The reply is first read into canonical markers (``forms``: "[3]", "(paragraph 3)",
"According to ¶3, ..." become ``[¶3]``). A sentence that declines ("the article does not
mention...") is kept uncited; a reply with such a sentence and no supported citation
becomes the standard abstention. Known limit: a claim that contradicts
its paragraph without a negation ("praised" for "criticised"), or adds an unnamed detail
("by plane"), can still score as supported; catching that needs an entailment model,
which is not available offline here.
This module does not call the model and does not retrieve.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from index.document import Paragraph
from index.sentences import sentence_spans

from ..citations import ABSTAIN_TEXT, cite, marker, with_marker
from ..lexicon import fold, terms
from ..schema import Citation, Passage
from .forms import canonical_markers, is_decline
from .guard import LeakGuard, is_instruction, sanitize

SUPPORT_THRESHOLD = 0.5  # calibrated in tests/test_llm_support.py
# A claim of at most this many content words is a fragment answering the question ("The New York
# Times", "Sergei Shoigu"): its meaning is the question plus the fragment, and so is its vector.
FRAGMENT_TERMS = 3
W_COSINE, W_LEXICAL = 0.6, 0.4

_GROUP = re.compile(r"\s*[\[(]([^\[\]()\n]{0,120}?¶[^\[\]()\n]{0,120}?)[\])]")
_ITEM = re.compile(r"(?:([\w.-]+)\s+)?¶\s?(\d+)")
_LEADING = re.compile(r"^(?:\s*[\[(][^\[\]()\n]{0,120}?¶[^\[\]()\n]{0,120}?[\])])+")
_TRAILING = re.compile(r"\s*([.!?…]+)\s*((?:\[[^\[\]]*¶\d+\])+)\s*$")
_WHEN = re.compile(
    r"\b(?:(?:next|last|this|coming) (?:year|month|week)|tomorrow|yesterday|today|tonight)\b", re.I
)
_NAMEISH = re.compile(r"\b(?:[A-Z][\w'’-]*|\d[\w,.]*\w|\d)")
_NEGATIONS = frozenset(["not", "no", "never", "none", "neither", "nor", "without", "cannot"])
_NEGATING = ("deni", "deny", "disput", "reject", "refus", "rebuff")


def negative(text: str) -> bool:
    """Does ``text`` deny something ("not", "never", "denied", "disputed", "won't")?"""
    for word in re.findall(r"[a-z]+(?:n't)?", fold(text)):
        if word in _NEGATIONS or word.endswith("n't") or word.startswith(_NEGATING):
            return True
    return False


def prepare(text: str) -> str:
    """A model's text without markup, its paragraph pointers in the canonical ``[¶N]`` form."""
    return canonical_markers(sanitize(text))


def strip_markers(text: str) -> str:
    return " ".join(_GROUP.sub("", text).split())


def without_model_text(problems: Sequence[str]) -> list[str]:
    """The notes with quoted model sentences left out (for answers that do not show them)."""
    return [re.sub(r"“.*”$", "the sentence it was cited for", p) for p in problems]


def split_answer(text: str) -> list[str]:
    """Sentences of the model's text; a marker placed after the full stop joins its sentence."""
    out: list[str] = []
    for start, end in sentence_spans(text):
        piece = text[start:end]
        lead = _LEADING.match(piece)
        if lead and out:
            out[-1] = f"{out[-1]} {piece[: lead.end()].strip()}"
            piece = piece[lead.end() :].strip()
        if piece and out and not re.search(r"\w", piece):
            out[-1] += piece  # "[¶3] ." after the full stop
        elif piece:
            out.append(piece)
    return out


def sentence_key(sentence: str) -> str:
    """What two sentences share when one repeats the other (markers, case and spacing aside)."""
    return fold(strip_markers(sentence))


def distinct(sentences: Sequence[str]) -> list[str]:
    """The sentences without exact repeats: a small model at temperature 0 can fall into a loop."""
    seen: set[str] = set()
    out = []
    for s in sentences:
        key = sentence_key(s)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _known(stem: str, allowed: set[str]) -> bool:
    """Is ``stem`` (or a word form sharing its first five letters: Russia/Russian) allowed?"""
    if stem in allowed:
        return True
    return len(stem) >= 5 and any(a[:5] == stem[:5] and (a in stem or stem in a) for a in allowed)


@dataclass
class Checked:
    """The outcome for one sentence of the answer."""

    text: str | None  # None: removed
    citations: list[Citation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def supported(self) -> bool:
        return any(c.supported for c in self.citations)


@dataclass
class Verified:
    text: str
    citations: list[Citation]
    problems: list[str]
    abstained: bool

    @property
    def supported(self) -> int:
        return sum(c.supported for c in self.citations)


class PassageStore:
    """Just enough of ``IndexStore`` for a ``Verifier`` when only passages are known."""

    def __init__(self, passages: Sequence[Passage], encoder) -> None:
        self.encoder = encoder
        self._paragraphs = {(p.document, p.number): p.paragraph for p in passages}
        self.documents = {p.document: p for p in passages}  # values only need ``.title``

    def paragraph(self, doc: str, number: int) -> Paragraph | None:
        return self._paragraphs.get((doc, number))

    def sentence_vectors(self, paragraphs: Sequence[Paragraph]) -> dict[str, np.ndarray]:
        return {p.id: self.encoder.encode([s.text for s in p.sentences]) for p in paragraphs}


class Verifier:
    """Checks sentences of a model's answer against the paragraphs it was given."""

    def __init__(
        self,
        store,
        encoder,
        given: Sequence[Passage],
        multi_document: bool,
        guard: LeakGuard,
        threshold: float = SUPPORT_THRESHOLD,
        question: str | None = None,
    ) -> None:
        self.store = store
        self.question = question
        self.encoder = encoder
        self.multi_document = multi_document
        self.guard = guard
        self.threshold = threshold
        self.given = {(p.document, p.number): p for p in given}
        self._vectors: dict[str, np.ndarray] = {}
        self._claims: dict[str, np.ndarray] = {}
        self._cache: dict[str, Checked] = {}
        self._titles = " ".join((info.title or "") for info in store.documents.values())

    # -- markers -----------------------------------------------------------------------
    def _label(self, doc: str, n: int) -> str:
        return marker(doc, n, self.multi_document).strip("[]")

    def resolve(self, doc: str | None, n: int) -> tuple[tuple[str, int] | None, str | None]:
        """(document, paragraph) a marker names, or the reason it is rejected."""
        shown = f"{doc} ¶{n}" if doc else f"¶{n}"
        if doc is not None and not self.multi_document and doc not in self.store.documents:
            doc = None  # "[see ¶3]" over a single article
        if doc is None:
            docs = list(self.store.documents)
            if len(docs) == 1:
                doc = docs[0]
            else:
                matches = [key for key in self.given if key[1] == n]
                if len(matches) != 1:
                    return None, f"{shown}: does not say which article"
                doc = matches[0][0]
        if doc not in self.store.documents:
            return None, f"{shown}: no such article"
        if self.store.paragraph(doc, n) is None:
            return None, f"{shown}: no such paragraph"
        if (doc, n) not in self.given:
            return None, f"{shown}: not among the paragraphs given to the model"
        return (doc, n), None

    # -- support -----------------------------------------------------------------------
    def _sentence_vectors(self, p: Paragraph) -> np.ndarray:
        if p.id not in self._vectors:
            missing = [q.paragraph for q in self.given.values() if q.paragraph.id not in self._vectors]
            self._vectors.update(self.store.sentence_vectors(missing or [p]))
        return self._vectors[p.id]

    def _claim_vector(self, claim: str) -> np.ndarray:
        if claim not in self._claims:
            self._claims[claim] = self.encoder.encode([claim])[0]
        return self._claims[claim]

    def novel(self, claim: str, allowed: str, fragment: bool = False) -> list[str]:
        """Names and numbers in ``claim`` that ``allowed`` never mentions."""
        allowed_terms = set(terms(f"{allowed} {self._titles}"))
        found = []
        for i, m in enumerate(_NAMEISH.finditer(claim)):
            word = m.group(0)
            if i == 0 and m.start() < 2 and not fragment and not any(ch.isdigit() for ch in word):
                # The first word of a sentence is capitalised anyway; a fragment's first word
                # is usually its answer ("Pravda reported it"), and it is read after the question,
                # which makes it look supported, so there it is checked.
                continue
            if any(not _known(stem, allowed_terms) for stem in terms(word)):
                found.append(word)
        allowed_folded = fold(allowed)
        found += [m.group(0) for m in _WHEN.finditer(claim) if fold(m.group(0)) not in allowed_folded]
        return found

    def score(self, claim: str, passage: Passage, allowed: str) -> tuple[float, int]:
        """(support of ``claim`` by the paragraph, index of its best sentence)."""
        p = passage.paragraph
        usable = [i for i, s in enumerate(p.sentences) if not is_instruction(s.text)]
        if not usable:
            return 0.0, 0
        claim_terms = set(terms(claim))
        # A paragraph is read under its article's title: "Kim and Putin" need not be repeated.
        para_terms = set(terms(f"{passage.title or ''} {p.section or ''} {p.text}"))
        lexical = len(claim_terms & para_terms) / len(claim_terms) if claim_terms else 0.0
        meant = claim
        fragment = bool(self.question) and len(claim_terms) <= FRAGMENT_TERMS
        if fragment:
            meant = f"{self.question} {claim}"
        cosines = self._sentence_vectors(p) @ self._claim_vector(meant)
        best, best_i = -1.0, usable[0]
        for i in usable:
            s_terms = set(terms(p.sentences[i].text))
            s_lex = len(claim_terms & s_terms) / len(claim_terms) if claim_terms else 0.0
            value = W_COSINE * float(cosines[i]) + W_LEXICAL * s_lex
            if value > best:
                best, best_i = value, i
        support = W_COSINE * max(float(cosines[i]) for i in usable) + W_LEXICAL * lexical
        if self.novel(claim, allowed, fragment):
            support *= 0.5
        if negative(claim) != negative(p.sentences[best_i].text):
            support *= 0.5  # one says it happened, the other that it did not
        return round(support, 4), best_i

    def _citation(self, claim: str, passage: Passage, allowed: str) -> Citation:
        support, i = self.score(claim, passage, allowed)
        c = cite(passage, passage.paragraph.sentences[i], support=support)
        return Citation(**{**c.to_dict(), "supported": support >= self.threshold})

    # -- sentences ---------------------------------------------------------------------
    def check(self, sentence: str) -> Checked:
        if sentence not in self._cache:
            self._cache[sentence] = self._check(sentence)
        return self._cache[sentence]

    def _check(self, raw: str) -> Checked:
        problems: list[str] = []
        clean = prepare(raw)  # normally done on the whole reply already (see ``verify``)
        claim = strip_markers(clean)
        if self.guard.leaks(raw):
            return Checked(
                None, [], [*problems, "removed a sentence that repeated the assistant's instructions"]
            )
        keys: list[tuple[str, int]] = []

        def rewrite(m: re.Match[str]) -> str:
            labels = []
            for item in _ITEM.finditer(m.group(1)):
                key, problem = self.resolve(item.group(1), int(item.group(2)))
                if problem:
                    problems.append(problem)
                elif key not in keys:
                    keys.append(key)
                    labels.append(marker(*key, self.multi_document))
            return (" " + "".join(labels)) if labels else ""

        text = _GROUP.sub(rewrite, clean)
        text = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))
        text = _TRAILING.sub(r" \2\1", text)  # "Vladivostok. [¶3]" -> "Vladivostok [¶3]."
        if not claim:
            return Checked(None, [], problems)
        if keys:
            allowed = " ".join(self.given[k].text for k in keys)
            citations = [self._citation(claim, self.given[k], allowed) for k in keys]
            for c in citations:
                if not c.supported:
                    problems.append(f"{self._label(c.document, c.paragraph)}: does not support “{claim}”")
            if not any(c.supported for c in citations):
                # Often the model cited a neighbour of the right paragraph: add the one that
                # supports the claim, keeping the flagged citation visible.
                better = self._best(claim, exclude=set(keys))
                if better is not None:
                    label = marker(better.document, better.paragraph, self.multi_document)
                    problems.append(
                        f"{self._label(better.document, better.paragraph)} supports it: citation added"
                    )
                    # The checked citation first: it is the one that supports the sentence.
                    return Checked(with_marker(text, label), [better, *citations], problems)
            return Checked(text, citations, problems)
        if is_decline(claim) or (len(set(terms(claim))) < 2 and not re.search(r"\d", claim)):
            # "Yes." / "In short:" state nothing to check; "The article does not give the date."
            # is kept as said, never cited: a decline is not a claim the article supports.
            return Checked(text, [], problems)
        best = self._best(claim)
        if best is not None:
            label = marker(best.document, best.paragraph, self.multi_document)
            return Checked(with_marker(text, label), [best], problems)
        return Checked(
            None, [], [*problems, "removed a sentence that cites nothing and no paragraph supports"]
        )

    def _best(self, claim: str, exclude: Collection[tuple[str, int]] = ()) -> Citation | None:
        """The supported citation of the given paragraph that supports ``claim`` best, if any."""
        best: Citation | None = None
        for key, passage in self.given.items():
            if key in exclude:
                continue
            c = self._citation(claim, passage, passage.text)
            if best is None or (c.support or 0) > (best.support or 0):
                best = c
        return best if best is not None and best.supported else None

    def verify(self, text: str) -> Verified:
        """The whole answer checked: kept sentences, their citations, what was removed."""
        clean = sanitize(text)
        notes = ["removed a link, image or HTML from the model's text"] if clean != text else []
        clean = canonical_markers(clean)
        stripped = strip_markers(clean).strip()
        if fold(stripped).startswith(fold(ABSTAIN_TEXT).rstrip(".")):
            return Verified(ABSTAIN_TEXT, [], notes, True)
        sentences = distinct(split_answer(clean))
        results = [self.check(s) for s in sentences]
        kept = [r.text for r in results if r.text]
        citations: list[Citation] = []
        seen: set[tuple] = set()
        for r in results:
            for c in r.citations:
                key = (c.document, c.paragraph, c.start, c.supported)
                if key not in seen:
                    seen.add(key)
                    citations.append(c)
        problems = notes + [p for r in results for p in r.problems]
        # A reply declines when a sentence of it says the article does not answer and no
        # sentence of it is supported; "X is not given, but [¶3] says Y" (supported) is shown.
        if not any(c.supported for c in citations) and any(is_decline(strip_markers(s)) for s in sentences):
            return Verified(ABSTAIN_TEXT, [], problems, True)
        return Verified(" ".join(kept), citations, problems, False)
