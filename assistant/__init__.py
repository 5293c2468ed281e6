"""footnote: answers questions about news articles, citing the exact paragraph behind each claim.

The public API is what ``__all__`` lists; everything else is internal.
"""

from index.errors import (
    BackendError,
    ConfigurationError,
    FootnoteError,
    IndexStoreError,
    InputError,
    QuestionError,
    SourceError,
)

from .assistant import Assistant
from .citations import ABSTAIN_TEXT
from .extractive import ExtractiveBackend, ExtractiveSettings
from .question import MAX_QUESTION_CHARS
from .retriever import RetrievalSettings, Retriever
from .schema import Answer, Citation, Passage

__all__ = [
    "ABSTAIN_TEXT",
    "MAX_QUESTION_CHARS",
    "Answer",
    "Assistant",
    "BackendError",
    "Citation",
    "ConfigurationError",
    "ExtractiveBackend",
    "ExtractiveSettings",
    "FootnoteError",
    "IndexStoreError",
    "InputError",
    "Passage",
    "QuestionError",
    "RetrievalSettings",
    "Retriever",
    "SourceError",
]
