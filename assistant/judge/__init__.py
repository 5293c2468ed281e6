"""The judge: a chat model that checks whether the offline reader's quotes state the answer.

``verdict`` renders the prompt (``prompts/judge.md``) and reads a reply as P(yes), from the
log-probabilities when the server gives them, else from the text; ``cache`` remembers
verdicts; ``judge`` holds the connection (a local GGUF through llama.cpp's server, or any
OpenAI-compatible endpoint) and the fitted threshold (``threshold.json``); ``backend`` is
``JudgedBackend``, the offline reader whose answers keep only the quotes the judge accepts.
Nothing here is imported unless a judge is asked for (``Assistant.open(judge=...)``).
"""

from .backend import JudgedBackend
from .cache import VerdictCache
from .judge import KINDS, Judge, check_judge, fitted_threshold, open_judge

__all__ = ["KINDS", "Judge", "JudgedBackend", "VerdictCache", "check_judge", "fitted_threshold", "open_judge"]
