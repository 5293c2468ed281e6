"""Citation labels for people: an article's title, shortened, instead of its document id.

Over several articles an answer's markers name the document by its id (``[075-c9e55e ¶3]``,
see ``citations.marker``): machine-readable, parsed back by the UI, the LLM backend and the
follow-up policy, and kept as is in ``Answer.text`` and the JSON. What the CLI prints and the
UI's chips show is ``readable``: the article's title, cut at a word to ``TITLE_CHARS``
characters (``[Kim and Putin meet in… ¶3]``); the id only when no title is known. Titles
come from the answer's own citations and passages. This module does not build or verify
citations.
"""

from __future__ import annotations

from .citations import MARKER
from .schema import Answer

TITLE_CHARS = 32  # a label's title part at most this long, ellipsis included


def short_title(title: str, limit: int = TITLE_CHARS) -> str:
    """``title`` on one line, cut at a word boundary to at most ``limit`` characters."""
    text = " ".join(title.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-–—([") + "…"


def titles(answer: Answer) -> dict[str, str]:
    """Document id -> title, for the documents an answer cites or considered."""
    out = {p.document: p.title for p in answer.passages if p.title}
    out.update({c.document: c.title for c in answer.citations if c.title})
    return out


def label(document: str | None, paragraph: int, known: dict[str, str]) -> str:
    """'Short title ¶3' (the id when the title is unknown), or '¶3' when no document is named."""
    if document is None:
        return f"¶{paragraph}"
    return f"{short_title(known.get(document) or document)} ¶{paragraph}"


def names_documents(answer: Answer) -> bool:
    """Whether the answer's markers name documents (it was given over several articles),
    or its citations span more than one."""
    return any(m.group(1) for m in MARKER.finditer(answer.text)) or (
        len({c.document for c in answer.citations}) > 1
    )


def readable(answer: Answer) -> str:
    """The answer's text with each ``[doc ¶N]`` marker as ``[Short title ¶N]``."""
    known = titles(answer)
    return MARKER.sub(lambda m: f"[{label(m.group(1), int(m.group(2)), known)}]", answer.text)
