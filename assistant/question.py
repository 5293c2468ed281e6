"""Cleaning and validating a user's question before any embedding or model call.

Normalises Unicode (NFC), removes control characters, ANSI escape sequences, zero-width
and bidi-override characters and lone surrogates, collapses whitespace, then enforces the
documented length limit. This module does not interpret the question.
"""

from __future__ import annotations

import re
import unicodedata

from index.errors import QuestionError

MAX_QUESTION_CHARS = 1000  # documented in the README

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_question(question: object) -> str:
    """The question, normalised; raise ``QuestionError`` if empty or too long."""
    if not isinstance(question, str):
        raise QuestionError("The question must be text.")
    if len(question) > 4 * MAX_QUESTION_CHARS:  # cheap early refusal of huge input
        raise QuestionError(
            f"The question is too long ({len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,})."
        )
    text = _SURROGATE.sub("", question)
    text = _ANSI.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not text:
        raise QuestionError("The question is empty: type a question about the article.")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"The question is too long ({len(text):,} characters; the limit is {MAX_QUESTION_CHARS:,})."
        )
    return text
