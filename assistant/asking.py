"""What a question asks for: its answer type and the thing it wants, read off its wording.

``answer_type`` reads the interrogative the question opens with ("how many" -> a number,
"when"/"what year" -> a date, "who" -> a name, "where" -> a place) after correcting a
misspelt one ("wher", "hw": ``fix_interrogative``). ``focus`` gives a short text to embed
for what the question asks about: the noun after "what"/"which" ("weapons"), the kind of
thing a where/when/who question wants, or, read off a "what" question's verb, a
description of such answers ("What will they discuss?" -> "the topic or focus of
discussions"). ``is_overview`` says whether a question asks about the whole article ("summarize
it", "what is this article about?", "main points", "tl;dr") rather than a detail;
``asks_across_articles`` whether it asks about several articles at once ("Which of the
articles...", "What do both stories say..."). Patterns
are plain English syntax; nothing is keyed to a data set. This module does not score sentences.
"""

from __future__ import annotations

import re

from .lexicon import fold, is_stopword, known_words

# Answer types, from the interrogative phrase the question opens with (or ends on).
_TYPES = (
    (
        "number",
        re.compile(
            r"\bhow (many|much|long|far|old|large|big|tall|high|often|fast)\b|"
            r"\b(what|which) (percentage|percent|number|amount|proportion|share)\b|"
            r"\bwhat (is|was|are|were) the (population|number|amount|cost|price|size|total|value|"
            r"percentage|rate|length|height|distance|area|age)\b",
            re.I,
        ),
    ),
    (
        "date",
        re.compile(
            r"\bwhen\b|\b(what|which|in what|in which|on what|on which) (\w+ )?(year|years|date|day|month|"
            r"decade|century|time|period|era)\b|\bhow long ago\b",
            re.I,
        ),
    ),
    (
        "person",
        re.compile(
            r"\b(who|whom|whose)\b|\b(what|which) (person|people|man|woman|"
            r"company|organi[sz]ation|group|team|leader|president|king|queen)\b",
            re.I,
        ),
    ),
    (
        "place",
        re.compile(
            r"\bwhere\b|\b(what|which|in what|in which) (city|country|state|place|"
            r"region|area|town|location|nation|continent|county|province|island)\b",
            re.I,
        ),
    ),
)
TYPES = tuple(name for name, _ in _TYPES)


_INTERROGATIVES = ("what", "which", "who", "whom", "whose", "when", "where", "why", "how")
_FIRST_WORD = re.compile(r"^(\W*(?:(?:and|so|but)\s+)?)([A-Za-z]+)", re.I)


def fix_interrogative(question: str) -> str:
    """The question with a misspelt opening interrogative corrected ("wher will…" -> "where
    will…", "hw many" -> "how many"), so its answer type survives the typo. Only a first word
    that is not an English word and is one edit (OSA) from an interrogative changes; between
    two, the one reached by adding or dropping a letter wins, else it is left as it is."""
    m = _FIRST_WORD.match(question)
    if not m:
        return question
    word = m.group(2).lower()
    if word in _INTERROGATIVES or len(word) < 2 or word in known_words():
        return question
    from rapidfuzz.distance import OSA, Indel

    near = [w for w in _INTERROGATIVES if OSA.distance(word, w) <= 1]
    if len(near) > 1:  # "wher": a dropped letter ("where") beats a changed one ("when")
        best = min(Indel.distance(word, w) for w in near)
        near = [w for w in near if Indel.distance(word, w) == best]
    if len(near) != 1:
        return question
    return question[: m.start(2)] + near[0] + question[m.end(2) :]


_FOCUS_BY_TYPE = {"place": "a place or location", "date": "a date or time", "person": "a person or group"}
_WHAT_NOUN = re.compile(
    r"^\W*(?:(?:and|so|but)\s+)?(?:(?:in|on|at|by|from|for|to|with)\s+)?(?:what|which)\s+"
    r"(?:(?:kind|type|sort|form|variety|piece|pieces)s?\s+of\s+)?([A-Za-z][\w'’-]*(?:\s+[A-Za-z][\w'’-]*)?)",
    re.I,
)


# What a question asks for when it names no kind of thing, read off its verb: a
# description of such answers to embed (the way "Where…" embeds "a place or location").
_INTENTS = (
    (
        re.compile(
            r"\b(discuss\w*|talk(s|ing)?\s+about|negotiat\w*|agenda|about)\s*\??$|\b(discuss|discussed|discussing)\b",
            re.I,
        ),
        "the topic or focus of discussions",
    ),
    (
        re.compile(
            r"\b(offer\w*|give|giving|gives|gave|send\w*|sent|supply\w*|supplie\w*|provid\w*|deliver\w*|sell\w*|"
            r"sold|trade\w*|exchang\w*|in\s+return|want\w*\s+from|get\w*\s+from|receiv\w*)\b",
            re.I,
        ),
        "an exchange or trade of goods",
    ),
)


def focus(question: str) -> str | None:
    """What the question asks for, as a short text to embed: the noun after "what"/"which"
    ("What weapons would…" -> "weapons", "Which news agency…" -> "news agency"), the kind
    of thing a "where"/"when"/"who" question wants, or, for "what" questions whose verb says
    it (``_INTENTS``), a description of such answers ("What will they discuss?" -> "the
    topic or focus of discussions"); None for other questions."""
    question = fix_interrogative(question)
    m = _WHAT_NOUN.match(question)
    if m:
        words = []
        for w in m.group(1).split():
            if is_stopword(fold(w)):
                break
            words.append(w)
        if words:
            return " ".join(words)
    kind = answer_type(question)
    if kind in _FOCUS_BY_TYPE:
        return _FOCUS_BY_TYPE[kind]
    if re.match(r"^\W*(?:(?:and|so|but)\s+)?what\b", question, re.I):
        for pattern, wanted in _INTENTS:
            if pattern.search(question):
                return wanted
    return None


# "Has North Korea admitted…?", "did he stop anywhere else?": an auxiliary verb first asks
# yes or no, which no span of a sentence answers; "Is it A or B?" offers the span to pick.
_YES_NO = re.compile(
    r"^\W*(?:is|are|was|were|am|has|have|had|do|does|did|can|could|will|would|should|shall|may|might|must)"
    r"(?:n['’]t)?\b",
    re.I,
)


def is_yes_no(question: str) -> bool:
    """Does ``question`` ask yes or no (and not to choose between alternatives)?"""
    return bool(_YES_NO.match(question)) and not re.search(r"\bor\b", question, re.I)


def answer_type(question: str) -> str:
    question = fix_interrogative(question)
    for name, pattern in _TYPES:
        if pattern.search(question):
            return name
    return "other"


# A question about the whole article, not a detail of it: a request for a summary, an
# overview, the main/key points, or "what is this (article) about?" asked of the text itself.
# Words for a summary are whole words ("summit" is not "summary"); "main point" needs the
# plural or "of the article", so "What is the main reason for X?" is a real question.
_WHOLE = r"(?:article|story|piece|text|page|document|report|post)"
_OVERVIEW = re.compile(
    r"\bsummar(?:y|ies|i[sz]e[sd]?|i[sz]ing)\b|\boverview\b|\brundown\b|\brecap\b|\bsynopsis\b|"
    r"\bgist\b|\btl\s?;?\s?dr\b|\bin a nutshell\b|\bsum(?:s|med|ming)? (?:(?:it|this|that|the \w+) )?up\b|"
    r"\bbrief me\b|^\W*(?:give me |what are )?the highlights\W*$|"
    rf"\bwhat (?:does|did) (?:this|the) {_WHOLE} say\W*$|"
    r"\b(?:main|key|important|major) (?:points|ideas|takeaways|facts|themes|messages|findings)\b|"
    rf"\b(?:main|key) (?:point|idea|takeaway|message) of (?:the|this) {_WHOLE}\b|"
    r"\bwhat(?:'s|’s| is| was)? (?:this|that|it|the \w+)(?: one| \w+)? (?:all )?about\W*$",
    re.I,
)
_WHOLE_SUBJECT = re.compile(
    rf"\b(?:this|that|it|the {_WHOLE})(?: one| {_WHOLE})? (?:all )?about\W*$|"
    rf"\b(?:this|the) {_WHOLE} say\W*$",
    re.I,
)


def is_overview(question: str) -> bool:
    """True when ``question`` asks what the whole article says (a summary, its main points,
    "what is this about?"), not a detail of it ("What is the main reason for X?")."""
    m = _OVERVIEW.search(question)
    if m is None or answer_type(question) != "other":
        return False  # "Who wrote the summary?" asks for a name, not a summary
    word = m.group(0).split()[0]
    if m.start() > 0 and word.istitle() and question[: m.start()].strip():
        return False  # a capitalised word inside the question names something: "the WG I Summary"
    if m.group(0).lower().startswith("what"):
        # "What is this (article) about?" yes; "What is the summit about?" asks about a thing.
        return bool(_WHOLE_SUBJECT.search(question))
    return True


# Several articles at once: "which of the articles", "both stories", "the other article",
# "in each piece", or articles in the plural. A comparison word alone is not enough: "How do
# the fees compare to other schools?" asks one article (that two named article subjects are
# compared is for the reader to see, from the articles' titles).
_ACROSS = re.compile(
    r"\b(?:articles|stories)\b|"
    r"\b(?:both|each|either|neither|other|another|which|every|all|two)(?: of)?(?: the| these| those)?"
    r" (?:articles?|stories|story|pieces?|documents?)\b",
    re.I,
)


def asks_across_articles(question: str) -> bool:
    """True when ``question`` asks about several articles at once ("Which of the articles
    mentions Putin?", "How do both stories describe the summit?")."""
    return bool(_ACROSS.search(question))
