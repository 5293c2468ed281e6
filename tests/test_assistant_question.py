"""Question cleaning: invisible and control characters removed, limits enforced."""

from __future__ import annotations

import pytest

from assistant.question import MAX_QUESTION_CHARS, clean_question
from index.errors import QuestionError


@pytest.mark.parametrize("q", ["", "   ", "\n\t", "\u200b\u200b", "\x1b[31m\x1b[0m"])
def test_empty_questions_are_refused(q):
    with pytest.raises(QuestionError, match="empty"):
        clean_question(q)


def test_too_long_is_refused():
    with pytest.raises(QuestionError, match="too long"):
        clean_question("a" * (MAX_QUESTION_CHARS + 1))
    assert clean_question("a" * MAX_QUESTION_CHARS)


def test_normalisation_of_hostile_characters():
    q = "Where\x00 is\u202e the \x1b[1msummit\x1b[0m\u200d?\ud800"
    assert clean_question(q) == "Where is the summit?"


def test_non_text_is_refused():
    with pytest.raises(QuestionError):
        clean_question(None)
