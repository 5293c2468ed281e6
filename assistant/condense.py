"""Follow-up questions made standalone: cleaning the model's rewrite, or a plain fallback.

The LLM backend asks the model (prompt ``condense``) to rewrite "And what does Russia give
in return?" into a question that makes sense on its own, before retrieval. ``accept``
decides whether the model's rewrite can be used (one line, a sensible length, not an
answer, no leaked instructions); ``fallback`` joins the previous question and the follow-up
when it cannot; ``is_follow_up`` tells the offline backend when to do the same. This module
does not call the model.

LlamaIndex's ``CondenseQuestionChatEngine`` rewrites and queries in one step; the LLM
backend needs the standalone question on its own (to retrieve, gate and check with it, and
to fall back without the model), so only the rewrite is asked for, with our prompt file.
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


_FOLLOW_UP = re.compile(
    r"^\W*(and|but|so|also|then|what about|how about)\b|"
    r"\b(it|its|that|this|they|them|their|he|him|his|she|her|there|those|these|the same)\b",
    re.I,
)


_MARKERS = re.compile(r"\s*\[[^\]]*¶\s?\d+\]")


def without_markers(answer: str) -> str:
    """An answer's text with its citation markers ("[¶3]") removed."""
    return _MARKERS.sub("", answer)


def retrieval_query(question: str, history: Sequence[tuple[str, str]]) -> str:
    """For the offline backend: the previous turn (question and answer) and the follow-up.

    The previous answer names what "that" refers to, so retrieval lands on the paragraphs
    the conversation is about; citation markers are removed from it.
    """
    if not history:
        return question
    previous_q, previous_a = history[-1]
    combined = f"{previous_q} {without_markers(previous_a)} {question}"
    return combined[-MAX_QUESTION_CHARS:]


_COMPOUND = re.compile(r",?\s+and\s+(?=(what|who|whom|where|when|why|how|which)\b)", re.I)


def split_compound(question: str) -> list[str]:
    """'Who is X, and what did he propose?' -> ['Who is X?', 'what did he propose?'].

    Only a conjunction followed by a new question word splits; 'Who are Kim and Putin?'
    stays whole. At most two parts.
    """
    m = _COMPOUND.search(question)
    if m is None or m.start() < 8:
        return [question]
    first, second = question[: m.start()].strip(), question[m.end() :].strip()
    if len(second.split()) < 3:
        return [question]
    first = first if first.endswith("?") else f"{first}?"
    return [first, second]


def is_follow_up(question: str) -> bool:
    """Whether a short question leans on an earlier one ("And who reported that?").

    A plain heuristic for the offline backend, which has no model to rewrite with:
    a conjunction at the start, or a pronoun, in a question of at most twelve words.
    """
    return len(question.split()) <= 12 and bool(_FOLLOW_UP.search(question))


def fallback(question: str, history: Sequence[tuple[str, str]]) -> str:
    """The previous question followed by the follow-up (what retrieval can use)."""
    if not history:
        return question
    combined = f"{history[-1][0]} {question}"
    return combined[-MAX_QUESTION_CHARS:]
