"""Building and checking citations: a quote must be a verbatim span of its paragraph.

``cite`` makes a ``Citation`` for a sentence of a paragraph (offsets from the index);
``verify`` re-checks a citation against the paragraph it names, so nothing is shown to a
user that the source does not contain. ``marker`` renders the inline ``[¶N]`` label.
This module does not judge whether a quote *supports* a claim (see ``support``).
"""

from __future__ import annotations

import re

from index.document import Paragraph, Sentence

from .schema import Citation, Passage

ABSTAIN_TEXT = "The article doesn't say."
# [¶3] or, over several documents, [kim-putin-summit ¶3]
MARKER = re.compile(r"\[(?:([\w.-]+)\s+)?¶\s?(\d+)\]")


def marker(document: str, paragraph: int, multi_document: bool) -> str:
    return f"[{document} ¶{paragraph}]" if multi_document else f"[¶{paragraph}]"


def cite(passage: Passage, sentence: Sentence, support: float | None = None) -> Citation:
    p = passage.paragraph
    return Citation(
        document=p.document,
        paragraph=p.number,
        paragraph_text=p.text,
        quote=sentence.text,
        start=sentence.start,
        end=sentence.end,
        section=p.section,
        title=passage.title,
        path=passage.path,
        support=support,
    )


def verify(citation: Citation, paragraph: Paragraph | None) -> bool:
    """True when the citation names a real paragraph and quotes it verbatim at its offsets."""
    if paragraph is None or not citation.quote:
        return False
    if paragraph.document != citation.document or paragraph.number != citation.paragraph:
        return False
    if citation.paragraph_text != paragraph.text:
        return False
    rel = citation.start - paragraph.start
    return (
        citation.quote in paragraph.text
        and rel >= 0
        and citation.end - paragraph.start <= len(paragraph.text)
        and paragraph.text[rel : citation.end - paragraph.start] == citation.quote
    )


def with_marker(sentence: str, label: str) -> str:
    """Put ``label`` before a sentence's final punctuation: 'in Vladivostok [¶3].'"""
    m = re.search(r"([.!?…]+[\"'”’)]*)\s*$", sentence)
    if m:
        return f"{sentence[: m.start()]} {label}{m.group(1)}"
    return f"{sentence} {label}"
