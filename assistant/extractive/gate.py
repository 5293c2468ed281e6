"""Hard answerability checks that an extractive answer must pass, or the backend abstains.

The learned abstention score weighs soft evidence; some gaps are categorical and a reader
would never accept the answer whatever the score:

* **Missing answer type.** "How many missiles…" or "On what date…" asks for a number or a
  date, "How much is the deal worth?" for an amount of money (a currency, not just any
  number); if none of the chosen sentences holds one (other than what the question already
  says, and a bare year does not count as a quantity), the article has not answered it.
  After "how many <things>", a vague "a few"/"several" must count those things ("How many
  days…" is not answered by "a few months before his death"). A question that asks for
  names ("Which companies…, by name?", "What are their names?") needs a capitalised name
  the question does not already hold. The backend takes the best sentence that passes
  instead when it is nearly as likely.

* **A name the text never mentions.** "How did Beijing respond…?" asked of an article that
  never says "Beijing" cannot be answered from it, however well the rest of the question
  matches. ``unknown_names`` lists such names: capitalised words of the question (not its
  first word, possessives stripped) whose stem occurs nowhere in the indexed text, after
  typo correction ("Rusia") and allowing a shared five-letter stem ("Ukrainian" /
  "Ukraine"); stopwords, numbers, short acronyms ("US", "UN"), titles ("Mr", "President"),
  months and weekdays, and words shaped like a people or its adjective ("Americans",
  "Chinese") are never counted, nor is anything in a Title Case or all-capitals question. On
  xquad-dev it flags 1% of answerable questions (asked of their own article) and 58% of
  questions asked of another article.

* **A name the answer's paragraph never mentions.** ``name_terms`` and ``names_covered``
  let the backend require the answer's paragraph (with its heading and the article's title)
  to name what the question names, by the same words or another name of the same country
  ("Pyongyang" for North Korea, ``places``): "What did China say about the summit?" is not
  answered from a paragraph about the summit that never names China. Without the country
  names it also declined "How long have Moscow and Pyongyang been partners?". Names that no
  retrieved paragraph holds (typos, unseen words) are left to ``unknown_names``. Checking
  names against all retrieved passages rather than the whole index (for ``unknown_names``)
  was measured and dropped: it declined too many answerable questions.

It uses plain English syntax (interrogatives, digits, month names, capitalisation);
nothing is keyed to a data set. This module does not score or choose sentences.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..asking import fix_interrogative
from ..lexicon import Speller, content_words, expand_acronyms, terms
from .features import MONTHS, QuestionInfo, analyse, contains_all, name_phrases, sentence_text
from .places import aliases

_LEAD = r"^\W*(?:and\s+|so\s+|but\s+)?(?:(?:in|on|at|by|during|since|until|from|for)\s+)?"
_ASKS = (
    (
        # "Which companies…, by name?", "What are their names?": a name the question lacks.
        "name",
        re.compile(
            # Not "What is the name of…": that is often a common noun ("guru", "trial division").
            r"\bby\s+name\b|\b(what|which)\s+(are|were)\s+(the|their|its|his|her)\s+names\b",
            re.I,
        ),
    ),
    (
        "money",
        re.compile(
            _LEAD + r"(how\s+much\s+(money|cash|funding)\b|how\s+much\s+(is|was|are|were|does|did|do|will|"
            r"would)\b(?!.*\b(time|of)\b).*\b(cost|costs|worth)\b|(what|which)\s+(is|was|are|were)\s+"
            r"the\s+(cost|price|value|budget|fee|salary)\b)",
            re.I,
        ),
    ),
    (
        "number",
        re.compile(
            _LEAD + r"(how\s+(many|much|far|old|large|big|tall|high|often|fast|deep|wide)\b|"
            r"(what|which)\s+(is|was|are|were)\s+the\s+(population|number|amount|cost|price|"
            r"percentage|rate|total|value|size|length|height|distance|area|age)\b|"
            r"(what|which)\s+(percentage|percent|number|amount|proportion)\b|"
            r"(what|which)\s+(is|was|are|were)\s+[^?]*['’]s\s+(age|population|height|size|area|length|weight)\b)",
            re.I,
        ),
    ),
    ("duration", re.compile(_LEAD + r"how\s+long\b", re.I)),
    (
        "date",
        re.compile(
            _LEAD
            + r"(when\b|(what|which)\s+(\w+\s+)?(year|years|date|day|month|decade|century|time|hour)\b)",
            re.I,
        ),
    ),
)
_QUANTITY = re.compile(
    r"\b(several|few|many|dozens?|hundreds|thousands|millions|billions|half|once|twice|"
    r"a\s+(couple|number|lot))\b|[$€£¥%]",
    re.I,
)
_HOW_MANY = re.compile(r"\bhow\s+(?:many|much)\s+([A-Za-z][\w'’-]*)", re.I)
_MONEY = re.compile(
    r"[$€£¥₽₩]|\b(dollars?|euros?|pounds?|yen|yuan|renminbi|roubles?|rubles?|rupees?|francs?|"
    r"pesos?|cents?|usd|eur|gbp)\b",
    re.I,
)
_TIME = re.compile(
    r"\d|\b(ago|century|centuries|decade|era|age|period|reign|war|today|yesterday|"
    r"tomorrow|week|month|year|season|spring|summer|autumn|winter|dynasty)s?\b",
    re.I,
)


def asked_type(question: str) -> str | None:
    """``"name"``, ``"money"``, ``"number"``, ``"duration"`` or ``"date"`` when the question asks for one.

    Only the interrogative the question *starts* with counts: "What tribe … when he was
    16?" asks for a name, not a date.
    """
    question = fix_interrogative(question)
    for name, pattern in _ASKS:
        if pattern.search(question):
            return name
    return None


@lru_cache(maxsize=1024)
def _question(question: str) -> QuestionInfo:
    """``analyse(question)``, once per question however many sentences are checked."""
    return analyse(question)


def _has(kind: str, question: str, sentence: str) -> bool:
    q, s = _question(question), sentence_text(sentence)
    if kind == "name":
        return bool(s.capitalised - q.capitalised)
    if kind == "money":  # an amount of money: a currency, not just any number
        return bool(_MONEY.search(sentence))
    if kind == "date":
        return s.has_date or bool(_TIME.search(sentence))
    if kind == "duration" and (s.has_date or _TIME.search(sentence)):
        return True
    # A quantity the question does not already state; a bare year is a date, not a count.
    new = {n for n in s.numbers - q.numbers if not (n.isdigit() and len(n) == 4)}
    if new or kind == "duration":
        return bool(new) or bool(_QUANTITY.search(sentence))
    # A vague one ("several", "a few") after "how many <things>" must count those things:
    # "How many days will he stay?" is not answered by "a few months before his death".
    counted = _HOW_MANY.search(fix_interrogative(question))
    asked = set(terms(counted.group(1))) if counted else set()
    if not asked:  # "How much has…", "What is the population…": any quantity may answer
        return bool(_QUANTITY.search(sentence))
    return any(asked & set(terms(sentence[m.end() : m.end() + 40])[:2]) for m in _QUANTITY.finditer(sentence))


def has_asked_type(question: str, sentence: str) -> bool:
    """False only when the question asks for a name, money, a number, a duration or a date the sentence lacks."""
    kind = asked_type(question)
    return kind is None or _has(kind, question, sentence)


# "Americans", "Chinese", "Iranian", "French": a people or an adjective, which the text may
# name by its place ("the United States", "Beijing"); never counted as unknown.
_DEMONYM = re.compile(r"(ians?|cans?|ans|ese|ish)$|^(french|dutch|swiss|greek|thai|czech|scots)$")
_POSSESSIVE = re.compile(r"['’]s$")
# Words that are capitalised in a name without being the name: titles, months, weekdays.
_NOT_NAME = re.compile(
    r"^(mr|mrs|ms|miss|dr|sir|dame|lord|lady|st|president|vice|minister|prime|general|gen|colonel|"
    r"captain|king|queen|prince|princess|pope|chancellor|secretary|senator|governor|mayor|premier|"
    r"chairman|chairwoman|chief|leader|foreign|defence|defense|state|deputy|former|"
    rf"monday|tuesday|wednesday|thursday|friday|saturday|sunday|{MONTHS})$"
)


def unknown_names(question: str, speller: Speller) -> list[str]:
    """Names in ``question`` that the text behind ``speller`` (its stem frequencies) never
    mentions, spelt as the question spells them; empty when every name is known.

    A question in Title Case or capitals has no telling capitals: nothing is counted then.
    """
    vocabulary = speller.frequency
    prefixes, n = speller.stem_starts, speller.PREFIX  # built once per index, not per question

    def known(name: str) -> bool:
        if len(name) <= 3 and name.isupper():  # "US", "UN": acronyms the text may spell out
            return True
        # Split as the index splits ("O'Brien" is one word), possessives dropped.
        for word, t in content_words(name):
            if word.isdigit() or _NOT_NAME.match(word) or _DEMONYM.search(word):
                continue
            if t in vocabulary or (len(t) >= n and t[:n] in prefixes):
                continue
            fixed = speller.correct_term(t)
            if fixed is None or fixed not in vocabulary:
                return False
        return True

    missing = []
    for phrase in name_phrases(question):  # "World Cup" is one name
        if not all(known(m.group(0)) for m in phrase):
            missing.append(_POSSESSIVE.sub("", question[phrase[0].start() : phrase[-1].end()]))
    return list(dict.fromkeys(missing))


def name_terms(question: str) -> list[frozenset[str]]:
    """The content-word stems of each name the question holds ("North Korea" is one name;
    titles, months and peoples are left out); empty for a Title Case or all-capitals question."""
    out = []
    for phrase in name_phrases(question):
        stems = {
            t
            for m in phrase
            # "TV", "CIA": the text may spell it out ("US" is spelt out already).
            if not (
                len(m.group(0)) <= 3 and m.group(0).isupper() and expand_acronyms(m.group(0)) == m.group(0)
            )
            for word, t in content_words(m.group(0))
            if not (word.isdigit() or _NOT_NAME.match(word) or _DEMONYM.search(word))
        }
        if stems:
            out.append(frozenset(stems))
    return out


def names_covered(names: list[frozenset[str]], text_terms: frozenset[str]) -> bool:
    """Whether ``text_terms`` name every one of ``names``, by the same words (derivations
    allowed) or by another name of the same country ("Pyongyang" for North Korea)."""
    return all(
        contains_all(text_terms, n) or any(contains_all(text_terms, a) for a in aliases(n)) for n in names
    )
