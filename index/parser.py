"""Turn an article's text into a ``Document``: title, date, sections and numbered paragraphs.

News pages pasted or saved as text come with furniture: a dateline, a breadcrumb line of
site navigation, the title, short section headings, share/subscribe lines. The parser
recognises these by their shape (length, punctuation, position), keeps title and date as
metadata, drops boilerplate, attaches each body paragraph to the heading above it and
numbers body paragraphs ¶1..¶N. Every paragraph and sentence keeps its character offsets
into ``Document.source``, which is the text exactly as parsed.

Written by hand because no maintained library segments *plain-text* news articles into
this structure (trafilatura and friends work on HTML; see ``reader`` for that path). This
module does not read files or decode bytes (see ``reader``).
"""

from __future__ import annotations

import re

from .document import Document, Paragraph, Sentence
from .sentences import sentence_spans

# A paragraph longer than this is split at sentence boundaries into several paragraphs,
# so every paragraph fits the embedding model's window reasonably and quotes stay short.
MAX_PARAGRAPH_CHARS = 4000
MAX_HEADING_WORDS = 14
MAX_HEADING_CHARS = 120

_BLOCK = re.compile(r"\S(?:.*?\S)?(?=[ \t]*\n[ \t]*\n|\s*\Z)", re.S)
_LINE = re.compile(r"[^\n]*\S[^\n]*")
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_MONTHS = (
    "jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|"
    "sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?"
)
_DATE = re.compile(
    rf"^((mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    rf"((({_MONTHS})\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}})"
    rf"|(\d{{1,2}}(st|nd|rd|th)?\s+({_MONTHS})\.?,?\s+\d{{4}})"
    rf"|(\d{{4}}-\d{{2}}-\d{{2}}))"
    rf"([\s,]+\d{{1,2}}:\d{{2}}(\s*[ap]\.?m\.?)?(\s+[A-Z]{{2,4}})?)?\s*$",
    re.I,
)
_BREADCRUMB_SEPARATORS = re.compile(r"\s[›»>/|]\s")
_BOILERPLATE = re.compile(
    r"^(advertisement|sponsored( content)?|share( this( article| story)?)?|"
    r"(subscribe|sign up)\b.*|read more\b.*|related( articles| stories)?:?.*|"
    r"click here\b.*|follow us\b.*|(©|\(c\)|copyright)\s.*|all rights reserved\.?|"
    r"skip to (main )?content|image( source)?:.*|photo:.*)$",
    re.I,
)
_TERMINAL = ".,;:"
# "By Jane Doe": a byline is kept as a body paragraph (citable: "who wrote this?"), not a heading.
_BYLINE = re.compile(r"^[Bb]y\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|van|von)){0,5}$")


def _is_breadcrumb(line: str) -> bool:
    # "HomeNewsKim Jong Un to ..." (navigation items run together, the title truncated)
    # or "Home › News › World".
    if re.match(r"^Home(?=[A-Z›»>/|\s])", line) and (
        line.endswith(("...", "…")) or _BREADCRUMB_SEPARATORS.search(line) or " " not in line[:12]
    ):
        return True
    return len(_BREADCRUMB_SEPARATORS.findall(line)) >= 2 and len(line.split()) <= 16


def _is_heading(text: str) -> bool:
    if "\n" in text or len(text) > MAX_HEADING_CHARS:
        return False
    if len(text.split()) > MAX_HEADING_WORDS or text[-1] in _TERMINAL:
        return False
    return any(ch.isalpha() for ch in text)


def _blocks(source: str) -> list[tuple[int, int]]:
    """Spans of blank-line-separated blocks, trimmed of surrounding whitespace."""
    return [(m.start(), m.end()) for m in _BLOCK.finditer(source)]


def _lines(source: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    for m in _LINE.finditer(source, start, end):
        s, e = m.start(), m.end()
        while source[s].isspace():
            s += 1
        while source[e - 1].isspace():
            e -= 1
        out.append((s, e))
    return out


def _split_long(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split an over-long paragraph at sentence boundaries into pieces under the cap."""
    if end - start <= MAX_PARAGRAPH_CHARS:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    piece_start = piece_end = None
    for s, e in sentence_spans(source[start:end]):
        s, e = s + start, e + start
        if piece_start is None:
            piece_start, piece_end = s, e
        elif e - piece_start > MAX_PARAGRAPH_CHARS:
            pieces.append((piece_start, piece_end))
            piece_start, piece_end = s, e
        else:
            piece_end = e
    if piece_start is not None:
        pieces.append((piece_start, piece_end))
    return pieces


def parse_article(source: str, doc_id: str, path: str | None = None) -> Document:
    """Parse an article's text. ``source`` should already have ``\\n`` line endings."""
    title: str | None = None
    date: str | None = None
    section: str | None = None
    dropped: list[str] = []
    spans: list[tuple[int, int, str | None]] = []  # body paragraph spans with section

    blocks = _blocks(source)
    body = False  # has the article's body started (a byline does not start it)?
    for i, (b_start, b_end) in enumerate(blocks):
        is_last = i == len(blocks) - 1
        units = [(b_start, b_end)]
        if not body:
            # Before the body starts, page furniture is often one item per line; split
            # the block into lines unless it is a hard-wrapped first paragraph.
            lines = _lines(source, b_start, b_end)
            if len(lines) > 1 and all(
                _DATE.match(source[s:e]) or _is_breadcrumb(source[s:e]) or _is_heading(source[s:e])
                for s, e in lines
            ):
                units = lines
        for start, end in units:
            text = source[start:end]
            md = _MD_HEADING.match(text) if "\n" not in text else None
            if md:
                heading = md.group(2).strip()
                if len(md.group(1)) == 1 and title is None and not body:
                    title = heading
                else:
                    section = heading
                continue
            one_line = " ".join(text.split())
            if date is None and not body and _DATE.match(one_line):
                date = one_line
            elif _BOILERPLATE.match(one_line) or (not body and _is_breadcrumb(one_line)):
                dropped.append(one_line)
            elif _is_heading(text) and not (is_last and spans) and not (title and _BYLINE.match(one_line)):
                # A short unpunctuated line is a heading, unless it ends the article.
                if title is None and not body:
                    title = one_line
                else:
                    section = one_line
            else:
                spans.extend((s, e, section) for s, e in _split_long(source, start, end))
                # A byline is a paragraph, but the front matter (a date under it) goes on.
                body = body or not (title and _BYLINE.match(one_line))

    paragraphs = []
    for number, (start, end, sec) in enumerate(spans, 1):
        sentences = tuple(
            Sentence(start + s, start + e, source[start + s : start + e])
            for s, e in sentence_spans(source[start:end])
        )
        paragraphs.append(
            Paragraph(
                document=doc_id,
                number=number,
                text=source[start:end],
                start=start,
                end=end,
                section=sec,
                sentences=sentences,
            )
        )
    return Document(
        id=doc_id,
        source=source,
        title=title,
        date=date,
        paragraphs=tuple(paragraphs),
        path=path,
        dropped=tuple(dropped),
    )
