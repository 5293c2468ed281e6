"""The errors footnote raises for problems a user can fix (shared by ``index`` and ``assistant``).

Every message says what went wrong and what to do about it, in one line. Only the
edges (the CLI and the UI) turn these into exit codes or ``gr.Error``; library code
raises them and never prints. This module does not catch anything.
"""

from __future__ import annotations


class FootnoteError(Exception):
    """Base class: a problem with the user's input, configuration or environment."""

    exit_code = 1


class InputError(FootnoteError):
    """A question or an article the user supplied cannot be used as it is."""

    exit_code = 2


class SourceError(InputError):
    """An article file is missing, empty, too large or not decodable text."""


class QuestionError(InputError):
    """A question is empty or longer than the documented limit."""


class IndexStoreError(FootnoteError):
    """The index on disk is missing, damaged, locked or built with another model."""

    exit_code = 3


class WriterBusy(IndexStoreError):
    """Another process holds the index's writer lock (readers answer from the last version)."""


class ConfigurationError(FootnoteError):
    """Settings (environment variables or arguments) are invalid or incomplete."""

    exit_code = 4


class BackendError(FootnoteError):
    """The answer backend (e.g. an LLM server) failed in a way we could not recover."""

    exit_code = 5


class JudgeError(BackendError):
    """The model that checks the offline reader's answers (``assistant.judge``) could not give
    a verdict: its server is down, too slow, or replied with neither Yes nor No."""


__all__ = [
    "BackendError",
    "ConfigurationError",
    "FootnoteError",
    "IndexStoreError",
    "InputError",
    "JudgeError",
    "QuestionError",
    "SourceError",
    "WriterBusy",
]
