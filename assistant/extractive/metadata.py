"""Questions about the article itself: when it was published, its title, who wrote it, its source.

``metadata_field`` reads which of these a question asks for ("When was this published?" ->
``date``, "What's the headline?" -> ``title``, "Who wrote this?" -> ``author``, "Where is this
from?" -> ``source``); only questions about the article itself count ("When was the museum
founded?" is a question about the text). ``metadata_answer`` answers from what the parser
kept: the title and dateline, cited as ¶0 (``index.document.front_matter``); an author from a
byline paragraph ("By Jane Doe") and a source from a "Source: ..." line near the top, cited
like any paragraph. A field the article lacks is declined in so many words ("The article
doesn't say who wrote it."). It does not pick the article (the caller does) or verify citations.
"""

from __future__ import annotations

import re
from typing import Any

from index.document import Paragraph, front_matter

from ..citations import cite, marker, with_marker
from ..schema import Answer, Passage

# "this", "the article", "the harbour festival story" (a few words may say which article).
_ARTICLE = (
    r"(?:this|it|the (?:[\w’'-]+ ){0,3}(?:article|story|piece|text|report|post|page)|"
    r"this (?:article|story|piece|one))"
)
_FIELDS = (
    (
        "date",
        re.compile(
            rf"\bwhen (?:was|is) {_ARTICLE} (?:published|written|posted|dated|from)\b|"
            rf"\b(?:what|which) (?:is |was )?(?:the )?(?:date|day)\b.*\b(?:of|on) {_ARTICLE}\W*$|"
            rf"\bhow (?:old|recent) is {_ARTICLE}\W*$|\bpublication date\b",
            re.I,
        ),
    ),
    (
        "title",
        re.compile(
            rf"^\W*(?:what(?:'s|’s| is| was) )?(?:the |its )?(?:title|headline)(?: of {_ARTICLE})?\W*$|"
            rf"\bwhat is {_ARTICLE} called\W*$",
            re.I,
        ),
    ),
    (
        "author",
        re.compile(
            rf"\bwho (?:wrote|authored|writes|penned) {_ARTICLE}\W*$|\bwho (?:is|was) the (?:author|writer|reporter)\b"
            rf"|\b(?:author|writer|byline) of {_ARTICLE}\W*$|\bwhat(?:'s|’s| is) (?:the|its) (?:author|byline)\b",
            re.I,
        ),
    ),
    (
        "source",
        re.compile(
            rf"\b(?:what|which) (?:is |was )?(?:the |its )?(?:source|publication|publisher|outlet|newspaper|"
            rf"website|site)\b(?: of {_ARTICLE}| (?:published|ran|printed) {_ARTICLE})?\W*$|"
            rf"\bwhere (?:is|was|does) {_ARTICLE} (?:from|published|come from)\W*$|"
            rf"\bwho (?:published|ran|printed) {_ARTICLE}\W*$",
            re.I,
        ),
    ),
)
_MISSING = {
    "date": "The article doesn't say when it was published.",
    "title": "The article has no title.",
    "author": "The article doesn't say who wrote it.",
    "source": "The article doesn't say where it was published.",
}
_BYLINE = re.compile(
    r"^by\s+([A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|&|de|van|von)){0,5})\s*[.,]?\s*$", re.I
)
_SOURCE_LINE = re.compile(
    r"^(?:source|published (?:by|in)|originally published (?:by|in|at))\s*:?\s+\S", re.I
)
_LEAD = 3  # bylines and source lines are looked for in the first paragraphs only


def metadata_field(question: str) -> str | None:
    """``date``, ``title``, ``author`` or ``source`` when the question asks that of the article."""
    for name, pattern in _FIELDS:
        if pattern.search(question):
            return name
    return None


def _line(paragraphs: list[Paragraph], pattern: re.Pattern[str]) -> Paragraph | None:
    for p in paragraphs[:_LEAD]:
        if pattern.match(" ".join(p.text.split())):
            return p
    return None


def metadata_answer(
    question: str, field: str, document: str, retriever: Any, *, multi_document: bool, backend: str
) -> Answer:
    """The answer to a ``metadata_field`` question about ``document`` (see the module docstring)."""
    store = retriever.store
    info = store.documents.get(document)
    title, date = (info.title, info.date) if info else (None, None)
    paragraph: Paragraph | None = None
    quote_index = 0
    if field in ("date", "title") and (date if field == "date" else title):
        paragraph = front_matter(document, title, date)
        quote_index = 1 if field == "date" and title else 0
    elif field in ("author", "source"):
        body = [p for p in store.paragraphs if p.document == document]
        paragraph = _line(body, _BYLINE if field == "author" else _SOURCE_LINE)
    if paragraph is None or not paragraph.sentences:
        text = _MISSING[field]
        if multi_document and title:  # several articles: say which one was meant
            text = text.replace("The article", f"“{title}”", 1)
        return Answer(question=question, text=text, citations=[], abstained=True, backend=backend)
    sentence = paragraph.sentences[min(quote_index, len(paragraph.sentences) - 1)]
    passage = Passage(paragraph=paragraph, score=1.0, title=title, path=info.path if info else None)
    label = marker(document, paragraph.number, multi_document)
    lead = {
        "date": "The article is dated",
        "title": "The article's title is",
        "author": "The article's byline reads",
        "source": "The article gives its source as",
    }[field]
    if multi_document and title and field != "title":  # several articles: say which one was meant
        lead = lead.replace("The article's", f"“{title}”’s").replace("The article", f"“{title}”")
    quoted = sentence.text.rstrip(".")
    return Answer(
        question=question,
        text=with_marker(f"{lead} “{quoted}”.", label),
        citations=[cite(passage, sentence, support=1.0)],
        abstained=False,
        backend=backend,
        passages=[passage],
        confidence=1.0,
        short=re.sub(r"^(?:by|source:|published (?:by|in))\s+", "", quoted, flags=re.I) or None,
    )
