"""The LLM backend: answers from any OpenAI-compatible server, every sentence checked.

``LLMBackend`` (``backend``) condenses follow-ups, builds the prompt (``prompting``, from the
files in ``prompts/``), calls the server through the ``openai`` client (``client``), parses the
reply (``reply``), scores each sentence's support in the cited paragraphs (``support``) and
withholds prompt-injection echoes (``guard``). When the model fails it falls back to the
offline extractive reader with a notice. It does not retrieve on its own or verify the final
citations against the index (the composer does).
"""

from .backend import LLMBackend
from .client import LLMSettings

__all__ = ["LLMBackend", "LLMSettings"]
