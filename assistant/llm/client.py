"""The connection to an OpenAI-compatible server: settings, the LlamaIndex LLM, failure kinds.

``LLMSettings.from_env`` reads ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``FOOTNOTE_LLM_MODEL``
and the ``FOOTNOTE_LLM_*`` tuning variables (keyword overrides win) and refuses incomplete
or invalid values with a ``ConfigurationError`` that says what to set. ``make_llm`` builds
LlamaIndex's ``OpenAILike`` chat model on an ``openai.OpenAI`` client that owns the timeout
and the bounded retries with backoff. ``classify`` turns whatever the client raised into a
``Failure`` with a message a user can act on. The API key is only ever handed to the
``openai`` client: it is not kept in the LlamaIndex object (whose fields are emitted in
instrumentation events), not put in any message, and the settings' ``repr`` hides it.
This module sends no request by itself.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from index.errors import BackendError, ConfigurationError

OPENAI_URL = "https://api.openai.com/v1"
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
NO_KEY = "no-key-needed"  # local servers (Ollama, llama.cpp, vLLM) ignore the key

# (setting, environment variable, type, lower bound, upper bound)
_TUNING: tuple[tuple[str, str, type, float, float], ...] = (
    ("timeout", "FOOTNOTE_LLM_TIMEOUT", float, 0.05, 600),
    ("max_retries", "FOOTNOTE_LLM_MAX_RETRIES", int, 0, 10),
    ("max_tokens", "FOOTNOTE_LLM_MAX_TOKENS", int, 16, 32_768),
    ("context_window", "FOOTNOTE_LLM_CONTEXT_WINDOW", int, 1024, 10_000_000),
    ("budget", "FOOTNOTE_LLM_BUDGET", float, 0.1, 3600),
    ("temperature", "FOOTNOTE_LLM_TEMPERATURE", float, 0, 2),
)


@dataclass(frozen=True)
class LLMSettings:
    """Everything needed to talk to the server; see the README for the variables."""

    model: str
    base_url: str = OPENAI_URL
    api_key: str = field(default=NO_KEY, repr=False)
    timeout: float = 30.0  # seconds per HTTP attempt (the openai default is 10 minutes)
    max_retries: int = 2  # openai client retries on timeouts, 408/409/429 and 5xx
    max_tokens: int = 512  # bound on the reply
    context_window: int = 8192  # tokens the model accepts (prompt + reply)
    budget: float = 90.0  # seconds of LLM work per question before answering offline
    temperature: float = 0.0
    top_k: int = 6  # paragraphs retrieved when the whole article does not fit
    support_threshold: float = 0.5  # see support.SUPPORT_THRESHOLD
    gate_below: float = 0.2  # extractive score under which we abstain without a call
    repair: bool = True  # a reply with no supported citation gets one request to cite it
    # A decline when the offline reader thinks the article answers (its calibrated probability
    # at or above this) is asked again with only the reader's best paragraph; None: never.
    second_look: float | None = 0.5
    history_turns: int = 4
    history_chars: int = 3000
    fallback: bool = True  # False: raise instead of answering offline (evals, scripts)
    prompts_dir: str | None = None

    @classmethod
    def from_env(cls, **overrides: Any) -> LLMSettings:
        env = os.environ
        unknown = set(overrides) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ConfigurationError(f"Unknown LLM setting(s): {', '.join(sorted(unknown))}.")
        api_key = overrides.pop("api_key", None) or env.get("OPENAI_API_KEY") or ""
        base_url = (
            overrides.pop("base_url", None) or env.get("OPENAI_BASE_URL") or env.get("OPENAI_API_BASE") or ""
        )
        model = overrides.pop("model", None) or env.get("FOOTNOTE_LLM_MODEL") or ""
        if not api_key and not base_url:
            raise ConfigurationError(
                "The LLM backend needs OPENAI_API_KEY (for api.openai.com) or OPENAI_BASE_URL "
                "(for a local server such as Ollama: http://localhost:11434/v1); "
                "or use the offline backend with --backend extractive."
            )
        if base_url:
            parts = urlsplit(base_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ConfigurationError(
                    f"OPENAI_BASE_URL must be an http(s) URL such as http://localhost:11434/v1, "
                    f"got {_safe_url(base_url)!r}."
                )
        else:
            base_url = OPENAI_URL
        if not model:
            if base_url.rstrip("/") != OPENAI_URL:
                raise ConfigurationError(
                    "Set FOOTNOTE_LLM_MODEL to the model your server serves (e.g. llama3.1:8b for Ollama)."
                )
            model = DEFAULT_OPENAI_MODEL
        values: dict[str, Any] = {}
        for name, var, kind, low, high in _TUNING:
            raw = overrides.pop(name, None)
            source = name
            if raw is None and env.get(var, "").strip():
                raw, source = env[var].strip(), var
            if raw is None:
                continue
            try:
                value = kind(raw)
            except (TypeError, ValueError):
                raise ConfigurationError(f"{source} must be a number, got {raw!r}.") from None
            if not low <= value <= high:
                raise ConfigurationError(f"{source} must be between {low:g} and {high:g}, got {raw!r}.")
            values[name] = value
        if "prompts_dir" not in overrides and env.get("FOOTNOTE_PROMPTS_DIR"):
            values["prompts_dir"] = env["FOOTNOTE_PROMPTS_DIR"]
        return cls(model=model, base_url=base_url, api_key=api_key or NO_KEY, **values, **overrides)

    @property
    def server(self) -> str:
        """The server's address for messages (no path, no credentials)."""
        return _safe_url(self.base_url)

    def secrets(self) -> list[str]:
        """Strings that must never reach an answer, a log line or the UI."""
        return [self.api_key] if self.api_key != NO_KEY and len(self.api_key) >= 6 else []


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}"


class _NoRequestBodies(logging.Filter):
    """Keeps request bodies (article text, prompts, questions) out of openai's debug log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("Request options"):
            record.msg, record.args = "Request options: (body not logged)", ()
        return True


_BODY_FILTER = _NoRequestBodies()


def make_client(settings: LLMSettings):
    """The ``openai`` client: it alone holds the key, the timeout and the retry policy."""
    import openai

    client_log = logging.getLogger("openai._base_client")
    if _BODY_FILTER not in client_log.filters:
        client_log.addFilter(_BODY_FILTER)
    return openai.OpenAI(
        api_key=settings.api_key,
        base_url=settings.base_url,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
    )


def make_llm(settings: LLMSettings, client=None):
    """LlamaIndex's ``OpenAILike`` chat model over an ``openai`` client with our limits."""
    from llama_index.llms.openai_like import OpenAILike

    client = client or make_client(settings)
    try:
        return OpenAILike(
            model=settings.model,
            api_base=settings.base_url,
            api_key="see-openai-client",  # the real key lives only in ``client``
            is_chat_model=True,
            is_function_calling_model=False,
            context_window=settings.context_window,
            max_tokens=settings.max_tokens,
            temperature=settings.temperature,
            timeout=settings.timeout,
            # The openai client retries (with backoff, honouring Retry-After); LlamaIndex's
            # own tenacity loop would multiply the attempts, so it is switched off here.
            max_retries=0,
            openai_client=client,
        )
    except ValueError as exc:  # e.g. a model only OpenAI's Responses API serves
        raise ConfigurationError(
            f"Model {settings.model!r} cannot be used through the chat completions API; "
            "set FOOTNOTE_LLM_MODEL to a chat model."
        ) from exc


@dataclass(frozen=True)
class Failure:
    """Why the LLM could not answer, and what to tell the user."""

    # auth, model, context, bad_request, bad_response, rate, server, timeout, unreachable,
    # stream, budget, unverified, other
    kind: str
    message: str

    @property
    def configuration(self) -> bool:
        return self.kind in ("auth", "model")

    def error(self) -> Exception:
        """The exception to raise when falling back is switched off."""
        return ConfigurationError(self.message) if self.configuration else BackendError(self.message)


_CONTEXT = re.compile(
    r"context[ _-]?(length|size|window)|maximum context|too many tokens|prompt is too long|"
    r"exceeds? the (available )?context",
    re.I,
)


def is_context_error(exc: BaseException) -> bool:
    import openai

    if not isinstance(exc, openai.BadRequestError):
        return False
    code = getattr(exc, "code", None) or ""
    body = exc.body if isinstance(exc.body, dict) else {}
    text = " ".join(str(x) for x in (code, body.get("type", ""), body.get("message", ""), exc.message))
    return code == "context_length_exceeded" or bool(_CONTEXT.search(text))


def check_server(settings: LLMSettings, client) -> str | None:
    """None when the server answers ``GET /models`` and lists the model, else what is wrong.

    Advisory (for a status line at start-up): some servers (llama.cpp) list a file name
    instead of the model name and still answer. Sends one request, no retries.
    """
    try:
        listed = [
            m.id for m in client.with_options(max_retries=0, timeout=min(settings.timeout, 5)).models.list()
        ]
    except Exception as exc:
        return classify(exc, settings).message
    if settings.model not in listed:
        shown = ", ".join(sorted(listed)[:10]) or "none"
        return (
            f"The LLM server at {settings.server} does not list model {settings.model!r} (it lists: {shown})."
        )
    return None


def classify(exc: BaseException, settings: LLMSettings) -> Failure:
    """A user-facing ``Failure`` for an exception raised while talking to the server.

    Messages are our own words plus the HTTP status: the server's error text is never
    copied, because some servers echo the API key back in it.
    """
    import httpx
    import openai

    s = settings
    tries = f"{s.max_retries} retr{'y' if s.max_retries == 1 else 'ies'}"
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return Failure(
            "auth",
            f"The LLM is misconfigured: the server at {s.server} rejected the API key "
            f"(HTTP {exc.status_code}). Check OPENAI_API_KEY.",
        )
    if isinstance(exc, openai.NotFoundError):
        return Failure(
            "model",
            f"The LLM is misconfigured: the server at {s.server} does not know model {s.model!r} "
            "(HTTP 404). Check FOOTNOTE_LLM_MODEL and OPENAI_BASE_URL (it usually ends in /v1).",
        )
    if isinstance(exc, openai.BadRequestError) and is_context_error(exc):
        return Failure(
            "context",
            "The question and article did not fit the model's context window, even with fewer paragraphs.",
        )
    if isinstance(exc, openai.RateLimitError):
        return Failure(
            "rate", f"The LLM server kept refusing with 'too many requests' (HTTP 429) after {tries}."
        )
    if isinstance(exc, openai.APIStatusError) and exc.status_code >= 500:
        return Failure("server", f"The LLM server failed (HTTP {exc.status_code}) after {tries}.")
    if isinstance(exc, openai.APIStatusError):
        return Failure("bad_request", f"The LLM server refused the request (HTTP {exc.status_code}).")
    if isinstance(exc, openai.APIResponseValidationError):
        return Failure("bad_response", "The LLM server's reply was not an OpenAI-compatible response.")
    if isinstance(exc, openai.APITimeoutError):
        return Failure("timeout", f"The LLM server did not answer within {s.timeout:g} s (after {tries}).")
    if isinstance(exc, openai.APIConnectionError):
        return Failure("unreachable", f"Could not reach the LLM server at {s.server} (after {tries}).")
    if isinstance(exc, httpx.TimeoutException):
        return Failure("stream", f"The LLM server stopped sending for more than {s.timeout:g} s mid-answer.")
    if isinstance(exc, httpx.HTTPError | openai.APIError | ConnectionError):
        return Failure("stream", "The connection to the LLM server broke mid-answer.")
    if isinstance(exc, ValueError | KeyError | AttributeError | IndexError | TypeError):
        return Failure(
            "bad_response",
            f"The LLM server's reply could not be read as an OpenAI-compatible response ({type(exc).__name__}).",
        )
    return Failure("other", f"The LLM call failed ({type(exc).__name__}).")
