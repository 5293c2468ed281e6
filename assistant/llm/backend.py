"""The LLM answer backend: fluent answers from any OpenAI-compatible server, every citation checked.

``LLMBackend`` follows the backend protocol of ``assistant.Assistant``: ``answer(question,
passages)``, ``ask(question, history, retriever)`` and ``stream(question, history, retriever)``.
For one question it

1. rewrites a follow-up into a standalone question with the model (``condense``),
2. retrieves, and abstains without calling the model when nothing in the article comes
   close (the offline backend's confidence is under ``gate_below``),
3. shows the model the whole article when it fits the context budget, else the retrieved
   paragraphs (``prompting``), and asks for an answer with ``[¶N]`` markers (for a request
   for the article's gist, its main points from several paragraphs),
4. checks the reply sentence by sentence (``support``) and returns only what passed, with
   the problems it found listed in ``Answer.removed_citations``; a reply in which nothing
   checks out gets one repair request ("cite the paragraph of each sentence") in the same
   conversation before it counts as a failure (``repair``); a decline, or a reply still
   unchecked after that, where the offline reader is confident, is asked again with only the
   paragraph of the reader's best sentence (``second_look``; kept only if it checks out),
5. with a ``judge`` (``assistant.judge.Judge``, usually the same model), asks whether the
   quotes of the supported citations state the answer to the question, and declines when
   none does (``judgement``); the checked sentences are then not streamed before the verdict.

Every failure ends in an answer: timeouts, 429 and 5xx are retried by the ``openai``
client (bounded, with backoff), a context-length error shrinks the context once, and
anything still failing, a misconfiguration (401/403/404), a broken stream with nothing
usable, or a reply with no supported citation is answered by the offline extractive
backend with ``Answer.notice`` saying why. A whole question is bounded by ``budget``
seconds. With ``fallback=False`` these raise ``ConfigurationError``/``BackendError``, except
a reply with no supported citation, which is then declined with the notice.
This module does not build prompts, score support or parse settings itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from ..asking import is_overview
from ..condense import accept, fallback
from ..extractive import ExtractiveSettings
from ..schema import Answer, Passage
from .client import (
    Failure,
    LLMSettings,
    check_server,
    classify,
    is_context_error,
    make_client,
    make_llm,
)
from .guard import LeakGuard
from .judgement import judged
from .offline import OfflineReader
from .prompting import (
    answer_messages,
    choose_context,
    condense_messages,
    context_chars,
    repair_messages,
    system_prompt,
    trim_history,
)
from .reply import Caller, OutOfTime, Reply, live, usable_text
from .support import PassageStore, Verifier

log = logging.getLogger("footnote.llm")

History = Sequence[tuple[str, str]]


class LLMBackend:
    """Answers with an LLM over OpenAI's chat API, checked before they are returned."""

    def __init__(
        self,
        settings: LLMSettings,
        multi_document: bool = False,
        extractive: ExtractiveSettings | None = None,
        llm: Any = None,
        encoder: Any = None,
        judge: Any = None,
        name: str | None = None,
    ) -> None:
        self.settings = settings
        self.judge = judge
        self.multi_document = multi_document
        self._client = make_client(settings)
        self.llm = llm if llm is not None else make_llm(settings, self._client)
        self.name = name or f"llm:{settings.model}"
        self.offline = OfflineReader(settings, self.name, extractive, multi_document)
        self._encoder = encoder
        if judge is not None:
            self.label = f"{self.name}, checked by {judge.label}"
        self.caller = Caller(self.llm, settings.timeout, settings.max_retries, self._failure)

    @property
    def extractive(self) -> Any:
        """The offline reader's backend (the assistant updates its ``multi_document``)."""
        return self.offline.backend

    @classmethod
    def from_env(
        cls,
        multi_document: bool = False,
        extractive: ExtractiveSettings | None = None,
        judge: Any = None,
        **settings: Any,
    ) -> LLMBackend:
        """A backend configured from the environment; keyword ``settings`` override it."""
        return cls(LLMSettings.from_env(**settings), multi_document, extractive, judge=judge)

    def close(self) -> None:
        """Give back the judge's connection (and its local server), if there is a judge."""
        judge, self.judge = self.judge, None
        if judge is not None:
            judge.close()

    def __repr__(self) -> str:
        return f"LLMBackend(model={self.settings.model!r}, server={self.settings.server!r})"

    def check(self) -> str | None:
        """A quick reachability check (``GET /models``): None if fine, else a message to show."""
        return check_server(self.settings, self._client)

    # -- the protocol ------------------------------------------------------------------
    def answer(self, question: str, passages: list[Passage]) -> Answer:
        return _last(self._run(question, [], None, list(passages), stream=False))

    def ask(self, question: str, history: History, retriever: Any) -> Answer:
        return _last(self._run(question, history, retriever, None, stream=False))

    def stream(self, question: str, history: History, retriever: Any) -> Iterator[str | Answer]:
        """Checked sentences as they arrive, then the final ``Answer``."""
        yield from self._run(question, history, retriever, None, stream=True)

    # -- before the first question ---------------------------------------------------------
    warms = False  # a server that caches prompts and costs nothing per token (set by LocalBackend)

    def warm(self, retriever: Any) -> threading.Thread | None:
        """Have the server read the prompt up to the question, in the background, one token asked.

        Everything before the question (rules, worked examples, the whole article) is the same
        for every question about the article, so a server that caches prompts then answers the
        first question as fast as later ones. Only when ``warms`` (a paid API would bill the
        request) and the whole article fits the context (retrieved paragraphs differ per
        question). Failures are logged, never raised: the first question just reads it all."""
        if not self.warms:
            return None
        context = self._whole(retriever)
        if not context:
            return None
        s = self.settings
        messages = [
            {"role": m.role.value, "content": m.content}
            for m in answer_messages("", context, self.multi_document, s.prompts_dir)
        ]

        def send() -> None:
            try:  # the openai client itself: LlamaIndex's chat() keeps the settings' max_tokens
                self._client.chat.completions.create(
                    model=s.model,
                    messages=messages,
                    max_tokens=1,
                    temperature=s.temperature,
                    timeout=s.timeout,
                )
            except Exception as exc:
                log.info("LLM warm-up failed (%s)", type(exc).__name__)

        thread = threading.Thread(target=send, name="footnote-warm-up", daemon=True)
        thread.start()
        return thread

    def _whole(self, retriever: Any) -> list[Passage]:
        """Every paragraph of the index when they fit the context budget, else none."""
        store = retriever.store
        budget = context_chars(self.settings.context_window, self.settings.max_tokens)
        if sum(len(p.text) for p in store.paragraphs) > budget:
            return []
        context, whole = choose_context(_all_passages(store), [], budget, self.multi_document)
        return context if whole else []

    # -- one question --------------------------------------------------------------------
    def _run(
        self,
        question: str,
        history: History,
        retriever: Any,
        passages: list[Passage] | None,
        stream: bool,
    ) -> Iterator[str | Answer]:
        s = self.settings
        deadline = time.monotonic() + s.budget
        history = trim_history(history, s.history_turns, s.history_chars)
        standalone = question
        if history:
            standalone, failure = self._condense(question, history, deadline)
            if failure is not None:
                yield self.offline.instead(question, standalone, retriever, passages, failure, history)
                return
        if passages is None:
            passages = retriever.retrieve(standalone, top_k=s.top_k)
        confidence, best = self.offline.closeness(standalone, passages)
        if confidence < s.gate_below and not is_overview(standalone):
            yield self.offline.decline(question, standalone, passages, confidence, history)
            return
        store = retriever.store if retriever is not None else PassageStore(passages, self._encoder_())
        budget = context_chars(s.context_window, s.max_tokens)
        everything = self._whole(retriever) if retriever is not None else []
        context, whole = choose_context(everything, passages, budget, self.multi_document)
        guard = LeakGuard(
            system_prompt(self.multi_document, s.prompts_dir),
            s.secrets(),
            allowed=" ".join([question, standalone, *(p.text for p in context)]),
        )
        encoder = retriever.encoder if retriever is not None else self._encoder_()

        def checker(given: list[Passage]) -> Verifier:
            return Verifier(
                store, encoder, given, self.multi_document, guard, s.support_threshold, question=standalone
            )

        verifier = checker(context)
        overview = is_overview(standalone)
        reply: Reply | None = None
        failure: Failure | None = None
        for attempt in range(2):
            messages = answer_messages(standalone, context, self.multi_document, s.prompts_dir, overview)
            try:
                reply = yield from self._live(self.caller.reply(messages, deadline, stream), verifier)
                break
            except Exception as exc:
                if attempt == 0 and is_context_error(exc) and len(context) > 1:
                    # Shrink once: the retrieved paragraphs instead of the whole article,
                    # or the better half of the retrieved ones.
                    ranked = passages if whole else [p for p in passages if p in context]
                    context = ranked[: max(1, min(len(ranked), len(context)) // 2)]
                    context, whole = choose_context([], context, budget, self.multi_document)
                    verifier = checker(context)
                    log.info("LLM context too long; retrying with %d paragraphs", len(context))
                    continue
                failure = self._failure(exc)
                break
        if reply is None:
            assert failure is not None
            yield self.offline.instead(question, standalone, retriever, passages, failure, history)
            return
        if s.repair and self._unchecked(reply, verifier):
            again = repair_messages(messages, reply.text, context, self.multi_document, s.prompts_dir)
            try:
                reply = yield from self._live(self.caller.reply(again, deadline, stream), verifier)
            except Exception as exc:  # logged; the user is told why the first reply failed
                self._failure(exc)
        if self._second_look(reply, verifier, confidence, best, overview):
            # Asked again with only that paragraph, in a new conversation: asked in the same one
            # ("read this paragraph again"), the 1.5B model repeated its decline 10 times in 10.
            assert best is not None
            focused = checker([best])
            try:
                again = yield from self._live(
                    self.caller.reply(
                        answer_messages(standalone, [best], self.multi_document, s.prompts_dir),
                        deadline,
                        stream,
                    ),
                    focused,
                )
                if focused.verify(usable_text(again)).supported:
                    reply, verifier = again, focused
            except Exception as exc:  # logged; the decline stands
                self._failure(exc)
        yield self._finish(question, standalone, retriever, passages, confidence, history, reply, verifier)

    def _finish(
        self,
        question: str,
        standalone: str,
        retriever: Any,
        passages: list[Passage],
        confidence: float,
        history: History,
        reply: Reply,
        verifier: Verifier,
    ) -> Answer:
        checked = verifier.verify(usable_text(reply))
        if not checked.abstained and not checked.supported:
            reason = reply.failure or Failure(
                "unverified",
                "The LLM's answer could not be checked against the article (no supported citation).",
            )
            return self.offline.instead(
                question, standalone, retriever, passages, reason, history, checked.problems
            )
        notice = None
        if reply.failure is not None:
            notice = f"{reply.failure.message} Showing the checked part that arrived."
        elif reply.finish_reason == "length":
            notice = (
                f"The LLM's reply was cut off at {self.settings.max_tokens} tokens "
                "(FOOTNOTE_LLM_MAX_TOKENS); the answer may be incomplete."
            )
        elif checked.problems:
            notice = "Some of the LLM's citations were removed or flagged: see the citation notes."
        return self._judged(
            Answer(
                question=question,
                text=checked.text,
                citations=[] if checked.abstained else checked.citations,
                abstained=checked.abstained,
                backend=self.name,
                passages=passages,
                removed_citations=checked.problems,
                notice=notice,
                incomplete=reply.incomplete and not checked.abstained,
                confidence=confidence,
                standalone_question=standalone if history else None,
            )
        )

    def _live(self, deltas: Iterator[str], verifier: Verifier) -> Iterator[str]:
        """Checked sentences as they arrive; none when a judge has yet to give its verdict."""
        if self.judge is None:
            return (yield from live(deltas, verifier))
        sentences = live(deltas, verifier)
        while True:
            try:
                next(sentences)
            except StopIteration as stop:
                return stop.value

    def _judged(self, answer: Answer) -> Answer:
        return answer if self.judge is None else judged(answer, self.judge)

    def _second_look(
        self, reply: Reply, verifier: Verifier, confidence: float, best: Passage | None, overview: bool
    ) -> bool:
        """Did the model decline, or (after the repair) still cite nothing that checks out, where
        the offline reader is confident the article answers?"""
        at = self.settings.second_look
        if at is None or best is None or overview or reply.failure is not None or confidence < at:
            return False
        checked = verifier.verify(usable_text(reply))
        return checked.abstained or not checked.supported

    @staticmethod
    def _unchecked(reply: Reply, verifier: Verifier) -> bool:
        """Does the reply answer (not decline) without one citation that checks out?"""
        if reply.failure is not None:
            return False  # a broken stream or the budget: asking again would not help
        checked = verifier.verify(usable_text(reply))
        return not checked.abstained and not checked.supported

    def _condense(self, question: str, history: History, deadline: float) -> tuple[str, Failure | None]:
        s = self.settings
        messages = condense_messages(question, history, s.prompts_dir)
        try:
            rewrite = accept(self.caller.text(messages, deadline), question)
        except Exception as exc:
            return fallback(question, history), self._failure(exc)
        said = " ".join([question, *(f"{user} {bot}" for user, bot in history)])
        prompt = f"{messages[0].content}\n{system_prompt(self.multi_document, s.prompts_dir)}"
        guard = LeakGuard(prompt, s.secrets(), allowed=said)
        if rewrite is None or guard.leaks(rewrite):
            return fallback(question, history), None
        return rewrite, None

    def _failure(self, exc: BaseException) -> Failure:
        if isinstance(exc, OutOfTime):
            failure = Failure(
                "budget",
                f"The LLM did not finish within the {self.settings.budget:g}-second budget "
                "(FOOTNOTE_LLM_BUDGET).",
            )
        else:
            failure = classify(exc, self.settings)
        # The kind only: server messages may echo the key and model text may be hostile.
        # INFO, not WARNING: the user already gets the notice, and an unconfigured logging
        # setup would print warnings to stderr a second time.
        log.info("LLM call failed (%s: %s)", failure.kind, type(exc).__name__)
        return failure

    def _encoder_(self):
        if self._encoder is None:
            from index.embedding import MiniLMEncoder

            self._encoder = MiniLMEncoder()
        return self._encoder


def _all_passages(store: Any) -> list[Passage]:
    out = []
    for p in store.paragraphs:
        info = store.documents.get(p.document)
        out.append(Passage(p, 0.0, info.title if info else None, info.path if info else None))
    return out


def _last(items: Iterator[str | Answer]) -> Answer:
    answer = None
    for item in items:
        answer = item
    assert isinstance(answer, Answer)
    return answer
