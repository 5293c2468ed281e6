"""Which backend a name means: ``extractive`` (default), ``llm`` or ``local``.

``make_backend`` turns ``Assistant.open``'s ``backend=`` argument (a name, ``None`` for the
environment's choice, or a backend object) into a backend; ``local`` starts (or shares) a
llama.cpp server for a GGUF file, see ``llm.local_backend``. The LLM backends are imported
only when chosen: LlamaIndex's LLM classes take about two seconds to import. This module
holds no backend logic.
"""

from __future__ import annotations

import os
from typing import Any

from index.errors import ConfigurationError

from .extractive import ExtractiveBackend

NAMES = ("extractive", "llm", "local")


def llm_configured() -> bool:
    return bool(os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL"))


def _name(backend: str | None) -> str:
    name = (backend or os.environ.get("FOOTNOTE_BACKEND") or "auto").lower()
    if name == "auto":
        name = "llm" if llm_configured() else "extractive"
    if name not in NAMES:
        raise ConfigurationError(f"Unknown backend {name!r}: use one of {', '.join(NAMES)}.")
    return name


def check_backend(backend: Any, settings: dict[str, Any]) -> None:
    """Raise now, before any index is built, what ``make_backend`` would refuse for its settings:
    model settings for the offline backend, or a local model file that cannot be served."""
    if backend is not None and not isinstance(backend, str):
        return
    name = _name(backend)
    if name == "extractive" and settings:
        # "--model foo" with no LLM configured must not be ignored in silence.
        raise ConfigurationError(
            f"{', '.join(sorted(settings))} applies to the llm and local backends, but the offline "
            "extractive backend was chosen: pass backend 'llm' or 'local' (--backend)."
        )
    if name == "local":
        from .llm.local import check_model
        from .llm.local_backend import server_spec

        check_model(server_spec(dict(settings)))


def warm_backend(backend: Any) -> None:
    """Start loading, in the background, the models the named backend will need (the offline
    reader's sentence reader), so that they load while the index opens."""
    if backend is not None and not isinstance(backend, str):
        return
    if _name(backend) == "extractive":
        from .extractive.reading import default_reader

        default_reader().preload()


def make_backend(backend: Any, multi: bool, extractive: Any, settings: dict[str, Any]) -> Any:
    if backend is not None and not isinstance(backend, str):
        return backend
    check_backend(backend, settings)
    name = _name(backend)
    if name == "extractive":
        return ExtractiveBackend(extractive, multi_document=multi)
    if name == "llm":
        from .llm import LLMBackend

        return LLMBackend.from_env(multi_document=multi, extractive=extractive, **settings)
    if name == "local":
        from .llm.local_backend import LocalBackend

        return LocalBackend.from_env(multi_document=multi, extractive=extractive, **settings)
    raise AssertionError(name)  # _name admits only NAMES
