"""One reply from the model: asked within a deadline, streamed or not, passed on as checked sentences.

``Caller.reply`` sends chat messages through LlamaIndex's ``OpenAILike`` with a per-request
timeout that shares the question's remaining budget among the openai client's attempts,
and returns a ``Reply`` (its text and finish reason). When streaming it yields the text as
it arrives; a stream that breaks after some text, or ends without a finish reason, still
returns what arrived, with the ``Failure``. ``live`` turns those deltas into whole
sentences that passed the ``Verifier``, for the streaming UI. Errors before any text are
raised for the backend to classify. This module does not decide what to do with a reply.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .client import Failure
from .support import Verifier, prepare, sentence_key, split_answer


class OutOfTime(Exception):
    """The question's time budget is used up."""


@dataclass
class Reply:
    text: str
    finish_reason: str | None
    failure: Failure | None = None  # the stream broke after some text arrived

    @property
    def incomplete(self) -> bool:
        return self.finish_reason == "length" or self.failure is not None


LOOP = "loop"  # finish reason of a reply cut where the model began repeating itself

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*(?:\s*\[[^\]]*\])*\s*$")


def usable_text(reply: Reply) -> str:
    """The reply's text, without a last sentence cut in the middle when it is incomplete."""
    text = reply.text
    if reply.incomplete:
        pieces = split_answer(text)
        if pieces and not _SENTENCE_END.search(pieces[-1]):
            text = text[: text.rfind(pieces[-1])]
    return text


def finish_reason(raw: Any) -> str | None:
    choices = getattr(raw, "choices", None) or (raw.get("choices") if isinstance(raw, dict) else None)
    if not choices:
        return None
    first = choices[0]
    return getattr(first, "finish_reason", None) or (
        first.get("finish_reason") if isinstance(first, dict) else None
    )


class Caller:
    """Asks ``llm`` with the timeout and retry count of the settings."""

    def __init__(
        self, llm: Any, timeout: float, max_retries: int, on_failure: Callable[[Exception], Failure]
    ):
        self.llm = llm
        self.timeout = timeout
        self.attempts = max_retries + 1
        self.on_failure = on_failure

    def timeout_for(self, deadline: float) -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            raise OutOfTime
        # Every attempt the openai client makes gets this timeout, so share what is left.
        return min(self.timeout, remaining / self.attempts)

    def text(self, messages, deadline: float) -> str:
        """The whole reply of a short, non-streamed request (the follow-up rewrite)."""
        return self.llm.chat(messages, timeout=self.timeout_for(deadline)).message.content or ""

    def reply(self, messages, deadline: float, stream: bool) -> Iterator[str]:
        """Yield the reply's text as it arrives; return the whole ``Reply``."""
        timeout = self.timeout_for(deadline)
        if not stream:
            response = self.llm.chat(messages, timeout=timeout)
            return Reply(response.message.content or "", finish_reason(response.raw))
        text, finish = "", None
        chunks = self.llm.stream_chat(messages, timeout=timeout)
        try:
            for chunk in chunks:
                delta = chunk.delta or ""
                finish = finish_reason(chunk.raw) or finish
                if delta:
                    text += delta
                    yield delta
                if time.monotonic() > deadline:
                    raise OutOfTime
        except Exception as exc:
            if not text:
                raise
            return Reply(text, None, self.on_failure(exc))
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:  # releases the HTTP response (also when our caller stops early)
                close()
        if finish is None:  # the stream ended without saying why: treat it as cut
            return Reply(text, None, Failure("stream", "The LLM's reply stopped before it was finished."))
        return Reply(text, finish)


def live(deltas: Iterator[str], verifier: Verifier) -> Iterator[str]:
    """Pass on each completed sentence once it has passed the checks; return the ``Reply``.

    A model that writes a sentence it has already written is in a loop (greedy decoding
    repeats itself from there on): the stream is closed then, and the ``Reply`` is what
    arrived, finished (``LOOP``), instead of waiting for the token limit."""
    buffer, done, first = "", 0, True
    seen: set[str] = set()

    def passed(sentences: list[str]) -> Iterator[str]:
        nonlocal first
        for sentence in sentences:
            key = sentence_key(sentence)
            if key in seen:
                continue
            seen.add(key)
            checked = verifier.check(sentence)
            if checked.text and checked.supported:
                yield checked.text if first else " " + checked.text
                first = False

    while True:
        try:
            delta = next(deltas)
        except StopIteration as stop:
            reply: Reply = stop.value
            yield from passed(split_answer(prepare(usable_text(reply)))[done:])
            return reply
        buffer += delta
        if not re.search(r"[.!?…\]\n]", delta):
            continue
        sentences = split_answer(prepare(buffer))
        looped = any(sentence_key(s) in seen for s in sentences[done:-1])
        yield from passed(sentences[done:-1])
        done = max(done, len(sentences) - 1)
        if looped:
            deltas.close()  # stops the request: Caller.reply's ``finally`` closes the HTTP stream
            return Reply(" ".join(sentences[:-1]), LOOP)  # the unfinished last piece left out
