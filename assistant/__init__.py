"""footnote: answers questions about news articles, citing the exact paragraph behind each claim.

The public API is what ``__all__`` lists; everything else is internal.
"""

from index.errors import (
    BackendError,
    ConfigurationError,
    FootnoteError,
    IndexStoreError,
    InputError,
    JudgeError,
    QuestionError,
    SourceError,
)

from .assistant import Assistant
from .backend import Backend, PassageBackend
from .citations import ABSTAIN_TEXT
from .extractive import ExtractiveBackend, ExtractiveSettings
from .question import MAX_QUESTION_CHARS
from .retriever import RetrievalSettings, Retriever
from .schema import Answer, Citation, Passage

# The LLM backend imports LlamaIndex's LLM classes (about two seconds); it is loaded on
# first use so that `footnote ask` on the offline backend starts fast.
_LAZY = {"LLMBackend": ".llm", "LLMSettings": ".llm", "Judge": ".judge", "JudgedBackend": ".judge"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ABSTAIN_TEXT",
    "MAX_QUESTION_CHARS",
    "Answer",
    "Assistant",
    "Backend",
    "BackendError",
    "Citation",
    "ConfigurationError",
    "ExtractiveBackend",
    "ExtractiveSettings",
    "FootnoteError",
    "IndexStoreError",
    "InputError",
    "Judge",
    "JudgeError",
    "JudgedBackend",
    "LLMBackend",
    "LLMSettings",
    "Passage",
    "PassageBackend",
    "QuestionError",
    "RetrievalSettings",
    "Retriever",
    "SourceError",
]
