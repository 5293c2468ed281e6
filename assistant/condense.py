"""Follow-up questions made standalone: cleaning the model's rewrite, or a plain fallback.

The LLM backend asks the model (prompt ``condense``) to rewrite "And what does Russia give
in return?" into a question that makes sense on its own, before retrieval. ``accept``
decides whether the model's rewrite can be used (one line, a sensible length, not an
answer, no leaked instructions); ``fallback`` joins the previous question and the follow-up
when it cannot. This module does not call the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.errors import QuestionError

from .question import MAX_QUESTION_CHARS, clean_question

_PREFIX = re.compile(r"^\s*(?:rewritten question|standalone question|question)\s*:\s*", re.I)


def accept(rewrite: str, question: str) -> str | None:
    """The rewritten question, cleaned, or None when it is unusable."""
    lines = [line for line in rewrite.strip().splitlines() if line.strip()]
    if not lines:
        return None
    text = _PREFIX.sub("", lines[0]).strip().strip("\"'“”‘’`").strip()
    if "¶" in text or len(text) > min(MAX_QUESTION_CHARS, 4 * len(question) + 300):
        return None  # an answer with citations, or a ramble, not a question
    try:
        return clean_question(text)
    except QuestionError:
        return None


def fallback(question: str, history: Sequence[tuple[str, str]]) -> str:
    """The previous question followed by the follow-up (what retrieval can use)."""
    if not history:
        return question
    combined = f"{history[-1][0]} {question}"
    return combined[-MAX_QUESTION_CHARS:]
