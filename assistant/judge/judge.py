"""The judge: a chat model asked whether a quote states the answer, over any server footnote can reach.

``open_judge("local" | "llm", settings)`` builds one: ``local`` starts (or shares) llama.cpp's
server for a GGUF file (``llm.local``: ``model=``/``FOOTNOTE_LLM_GGUF``, ``threads=``...),
``llm`` talks to any OpenAI-compatible server with the LLM backend's settings
(``OPENAI_BASE_URL``, ``FOOTNOTE_LLM_MODEL``, ``model=``...). ``Judge.probabilities(question,
quotes)`` sends one short request per quote not already cached (``cache``) and returns
P(yes) for each; ``accepts`` applies the threshold from ``threshold.json`` (fitted by
``training/judge_fit.py``; ``judge_threshold=`` overrides it). Every failure (server down,
timeout, a reply that is neither Yes nor No) is a ``JudgeError`` with a one-line message;
what to do about it is the caller's policy (``backend``). It builds no answer.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from index.errors import ConfigurationError, JudgeError

from .cache import VerdictCache
from .verdict import probability, prompt, request

THRESHOLD_FILE = Path(__file__).with_name("threshold.json")
KINDS = ("local", "llm")
# A verdict is one reply token: much shorter than an answer. On a CPU a slow verdict is still
# a verdict, and a retry only queues behind the same request. Environment variables win.
_LOCAL_DEFAULTS = (("timeout", "FOOTNOTE_LLM_TIMEOUT", 120.0), ("max_retries", "FOOTNOTE_LLM_MAX_RETRIES", 0))
_OWN = ("judge_threshold", "fallback")  # settings of the judge, not of its LLM connection


def fitted_threshold(path: Path = THRESHOLD_FILE) -> float:
    """The shipped acceptance threshold on P(yes) (see ``threshold.json`` for its provenance)."""
    return float(json.loads(path.read_text(encoding="utf-8"))["accept_at"])


class Judge:
    """Asks a chat model, quote by quote, whether the quote states the answer to a question."""

    def __init__(
        self,
        client: Any,
        settings: Any,
        *,
        label: str | None = None,
        accept_at: float | None = None,
        cache: VerdictCache | None = None,
        fallback: bool = True,
        server: Any = None,
    ) -> None:
        self.client = client
        self.settings = settings  # LLMSettings: model, timeout, prompts_dir, for messages too
        self.label = label or settings.model
        self.accept_at = fitted_threshold() if accept_at is None else float(accept_at)
        self.cache = cache if cache is not None else VerdictCache()
        self.fallback = fallback  # False: a failing judge raises instead of leaving the answer unchecked
        self.server = server
        self.requests = 0

    def probabilities(self, question: str, quotes: list[tuple[str, str | None]]) -> list[float]:
        """P(yes) for each (quote, article title), in order; raises ``JudgeError``."""
        out = []
        for quote, title in quotes:
            message = prompt(question, quote, title, self.settings.prompts_dir)
            p = self.cache.get(self.label, message)
            if p is None:
                p = self._ask(message)
                self.cache.put(self.label, message, p)
            out.append(p)
        return out

    def accepts(self, p: float) -> bool:
        return p >= self.accept_at

    def _ask(self, message: str) -> float:
        from ..llm.client import classify

        self.requests += 1
        try:
            reply = self.client.chat.completions.create(**request(self.settings.model, message))
            choice = reply.choices[0]
        except Exception as exc:  # every client failure becomes one line; classify names it
            raise JudgeError(
                f"The judge ({self.label}) failed: {classify(exc, self.settings).message}"
            ) from None
        p = probability(choice)
        if p is None:
            raise JudgeError(f"The judge ({self.label}) replied neither Yes nor No.")
        return p

    def close(self) -> None:
        """Close the connection and give back a local server (idempotent)."""
        server, self.server = self.server, None
        if server is not None:
            from ..llm.local import release

            self.client.close()  # llama.cpp's shutdown waits for open keep-alive connections
            release(server)

    def __repr__(self) -> str:
        return f"Judge(model={self.label!r}, accept_at={self.accept_at:g})"


def _split(settings: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    connection = dict(settings)
    own = {k: connection.pop(k) for k in _OWN if k in connection}
    return own, connection


def check_judge(kind: str, settings: dict[str, Any]) -> None:
    """Raise now what ``open_judge`` would refuse (a model file that cannot be served, missing
    LLM settings), before an index is built."""
    _, connection = _split(settings)
    if kind == "local":
        from ..llm.local import check_model
        from ..llm.local_backend import server_spec

        _no_remote(connection)
        check_model(server_spec(connection))
    else:
        from ..llm.client import LLMSettings

        LLMSettings.from_env(**connection)


def _no_remote(connection: dict[str, Any]) -> None:
    for name in ("base_url", "api_key"):
        if connection.pop(name, None):
            raise ConfigurationError(
                f"The local judge runs its own server: {name} does not apply (use --judge llm)."
            )


def open_judge(kind: str, settings: dict[str, Any]) -> Judge:
    """A ``Judge`` of ``kind`` (``local`` or ``llm``) with ``settings`` (keywords win over the environment)."""
    from ..llm.client import LLMSettings, make_client

    if kind not in KINDS:
        raise ConfigurationError(f"Unknown judge {kind!r}: use one of {', '.join(KINDS)} or off.")
    own, connection = _split(settings)
    threshold = own.get("judge_threshold")
    if threshold is not None:
        try:
            threshold = float(threshold)
        except (TypeError, ValueError):
            raise ConfigurationError(f"judge_threshold must be a number, got {threshold!r}.") from None
        if not 0.0 <= threshold <= 1.0:
            raise ConfigurationError(f"judge_threshold must be between 0 and 1, got {threshold!r}.")
    server = None
    if kind == "local":
        from ..llm.local_backend import serve, server_spec

        _no_remote(connection)
        spec = server_spec(connection)
        for name, var, default in _LOCAL_DEFAULTS:
            if connection.get(name) is None and not os.environ.get(var, "").strip():
                connection[name] = default
        server, llm = serve(spec, connection)
    else:
        llm = LLMSettings.from_env(**connection)
    return Judge(
        make_client(llm),
        llm,
        accept_at=threshold,
        fallback=bool(own.get("fallback", True)),
        server=server,
    )


__all__ = ["KINDS", "THRESHOLD_FILE", "Judge", "check_judge", "fitted_threshold", "open_judge"]
