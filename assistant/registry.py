"""Which backend a name means: ``extractive`` (default), ``llm`` or ``local``.

``make_backend`` turns ``Assistant.open``'s ``backend=`` argument (a name, ``None`` for the
environment's choice, or a backend object) into a backend; ``local`` starts (or shares) a
llama.cpp server for a GGUF file, see ``llm.local_backend``. A judge (``judge=`` or
``FOOTNOTE_JUDGE``: ``local``, ``llm`` or ``off``) wraps the offline backend so that a model
checks its quotes (``judge.JudgedBackend``); the model settings then go to the judge. The LLM
backends and the judge are imported only when chosen: LlamaIndex's LLM classes take about
two seconds to import. This module holds no backend logic.
"""

from __future__ import annotations

import os
from typing import Any

from index.errors import ConfigurationError

from .extractive import ExtractiveBackend

NAMES = ("extractive", "llm", "local")
JUDGES = ("local", "llm", "off")


def llm_configured() -> bool:
    return bool(os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL"))


def _name(backend: str | None) -> str:
    name = (backend or os.environ.get("FOOTNOTE_BACKEND") or "auto").lower()
    if name == "auto":
        name = "llm" if llm_configured() else "extractive"
    if name not in NAMES:
        raise ConfigurationError(f"Unknown backend {name!r}: use one of {', '.join(NAMES)}.")
    return name


def judge_name(backend: Any, judge: str | None) -> str:
    """``local``, ``llm`` or ``off``: ``judge``, else ``FOOTNOTE_JUDGE``. The offline backend takes
    either judge; the ``llm`` and ``local`` backends take the judge of their own kind (the model
    that answers checks its quotes: one set of model settings); anything else named explicitly
    is refused, and ``FOOTNOTE_JUDGE`` does not apply to it."""
    name = (judge or os.environ.get("FOOTNOTE_JUDGE") or "off").strip().lower()
    if name not in JUDGES:
        raise ConfigurationError(f"Unknown judge {name!r}: use one of {', '.join(JUDGES)}.")
    named = backend is None or isinstance(backend, str)
    if name == "off" or (named and _name(backend) in ("extractive", name)):
        return name
    if judge:
        raise ConfigurationError(
            f"The {name} judge checks the offline reader's answers or the {name} backend's: "
            f"not backend {backend!r}."
        )
    return "off"


def check_backend(backend: Any, settings: dict[str, Any], judge: str | None = None) -> None:
    """Raise now, before any index is built, what ``make_backend`` would refuse for its settings:
    model settings for the offline backend, or a local model file that cannot be served."""
    if backend is not None and not isinstance(backend, str):
        judge_name(backend, judge)
        return
    name = _name(backend)
    kind = judge_name(backend, judge)
    if kind != "off":
        from .judge import check_judge

        check_judge(kind, settings)
        return
    if name == "extractive" and settings:
        # "--model foo" with no LLM configured must not be ignored in silence.
        raise ConfigurationError(
            f"{', '.join(sorted(settings))} applies to the llm and local backends, but the offline "
            "extractive backend was chosen: pass backend 'llm' or 'local' (--backend), or a judge (--judge)."
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


def make_backend(
    backend: Any, multi: bool, extractive: Any, settings: dict[str, Any], judge: str | None = None
) -> Any:
    if backend is not None and not isinstance(backend, str):
        return backend
    check_backend(backend, settings, judge)
    name = _name(backend)
    kind = judge_name(backend, judge)
    checker = None
    if kind != "off":
        from .judge import JudgedBackend, open_judge

        if name == "extractive":
            return JudgedBackend(open_judge(kind, settings), extractive, multi_document=multi)
        from .llm.judgement import JUDGE_ACCEPT_AT

        checker = open_judge(kind, {"judge_threshold": JUDGE_ACCEPT_AT, **settings})
    settings = {k: v for k, v in settings.items() if k != "judge_threshold"}
    if name == "extractive":
        return ExtractiveBackend(extractive, multi_document=multi)
    try:
        if name == "llm":
            from .llm import LLMBackend

            return LLMBackend.from_env(multi_document=multi, extractive=extractive, judge=checker, **settings)
        if name == "local":
            from .llm.local_backend import LocalBackend

            return LocalBackend.from_env(
                multi_document=multi, extractive=extractive, judge=checker, **settings
            )
    except BaseException:
        if checker is not None:
            checker.close()
        raise
    raise AssertionError(name)  # _name admits only NAMES
