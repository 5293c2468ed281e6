"""What each UI action does: answer (streaming), switch or clear, add an article, API calls.

``Actions`` holds the article ``Library`` and turns every request into component values
(for the Blocks wiring in ``ui``) or plain JSON (for the ``gr.api`` endpoints). Per-user
state travels in the request (a session's turns in ``gr.State``), never in this object,
so concurrent sessions cannot see each other's answers. ``FootnoteError`` messages reach
the user as they are; anything else is logged and replaced by a generic message, so no
internals (paths, tracebacks) leak. This module builds no layout and renders no HTML itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from index.errors import FootnoteError
from index.reader import slugify

from ..assistant import Assistant
from ..question import clean_question
from ..schema import Answer
from .library import MAX_PASTE_CHARS, MAX_UPLOAD_BYTES, Library
from .render import answer_html, article_html, message_html, pending_html, status_html, user_html

log = logging.getLogger("footnote.ui")

MAX_DOCS_SHOWN = 5  # larger indexes show only the documents the latest answer cites
INTERNAL_ERROR = "Something went wrong while answering; the details are in the server log."

Turn = dict[str, Any]  # {"q": question, "a": answer text or None, "html": bubble HTML}


def user_error(exc: BaseException) -> gr.Error:
    """The ``gr.Error`` a user sees: our own message, or a generic one (details logged)."""
    if isinstance(exc, FootnoteError):
        return gr.Error(str(exc))
    log.error("unexpected error in the UI", exc_info=exc)
    return gr.Error(INTERNAL_ERROR)


def pane_html(assistant: Assistant, answer: Answer | None = None) -> str:
    """The article pane for an assistant's index, marking what ``answer`` cites."""
    docs = assistant.store.documents
    shown = list(docs)
    if len(shown) > MAX_DOCS_SHOWN:
        cited = {c.document for c in answer.citations} if answer else set()
        shown = [d for d in shown if d in cited] or shown[:1]
    wanted = set(shown)
    return article_html(
        [(d, docs[d].title, docs[d].date) for d in shown],
        [p for p in assistant.store.paragraphs if p.document in wanted],
        answer,
    )


def public_answer(data: dict[str, Any]) -> dict[str, Any]:
    """An answer's JSON without server file paths (replaced by the file name).

    Paths would tell a remote caller about the server's disks, and ``gradio_client``
    would try to download any dict that has a ``path`` key.
    """
    for c in data.get("citations", []):
        path = c.pop("path", None)
        c["file"] = Path(path).name if path else None
    return data


def _starts(assistant: Assistant, answer: Answer) -> dict[tuple[str, int], int]:
    out = {}
    for c in answer.citations:
        p = assistant.store.paragraph(c.document, c.paragraph)
        if p is not None:
            out[(c.document, c.paragraph)] = p.start
    return out


def _messages(turns: Sequence[Turn]) -> list[dict[str, str]]:
    msgs = []
    for t in turns:
        msgs.append({"role": "user", "content": user_html(t["q"])})
        msgs.append({"role": "assistant", "content": t["html"]})
    return msgs


def _history(turns: Sequence[Turn]) -> list[tuple[str, str]]:
    return [(t["q"], t["a"]) for t in turns if t.get("a") is not None]


class Actions:
    """The handlers behind the UI's events and API endpoints."""

    def __init__(self, library: Library, has_examples: bool = True) -> None:
        self.library = library
        self.has_examples = has_examples

    # -- chat -------------------------------------------------------------------------
    def take(self, question: str, busy: bool) -> tuple:
        """Accept a question (instant, unqueued): (asked, question box, busy).

        Refuses a new question while this session's previous answer is still being
        written, leaving the text in the box, so answers never race or overwrite each other.
        """
        if busy:
            raise gr.Error("Still answering your previous question; send this one when it is done.")
        try:
            q = clean_question(question)
        except FootnoteError as exc:
            raise gr.Error(str(exc)) from None
        return q, "", True

    def respond(self, question: str, turns: list[Turn] | None, key: str | None) -> Iterator[tuple]:
        """Stream an answer to a taken question. Yields (chat, status, article pane, turns)."""
        turns = list(turns or [])
        pending: Turn = {"q": question, "a": None, "html": pending_html("")}
        answer: Answer | None = None
        error = INTERNAL_ERROR
        try:
            bot = self.library.get(key)
            started = time.monotonic()
            answering = status_html(bot.backend_label).replace("Ready", "Answering…")
            yield _messages([*turns, pending]), answering, gr.skip(), gr.skip()
            text = ""
            for piece in bot.stream(question, _history(turns)):
                if isinstance(piece, Answer):
                    answer = piece
                    break
                text += piece
                pending["html"] = pending_html(text)
                yield _messages([*turns, pending]), gr.skip(), gr.skip(), gr.skip()
        except Exception as exc:
            answer = None
            error = user_error(exc).message
        if answer is None:  # the failed turn is shown but not kept in the conversation
            pending["html"] = message_html("error", error)
            yield _messages([*turns, pending]), message_html("error", error), gr.skip(), turns
            return
        turns.append({"q": question, "a": answer.text, "html": answer_html(answer, _starts(bot, answer))})
        status = status_html(bot.backend_label, answer, time.monotonic() - started)
        yield _messages(turns), status, pane_html(bot, answer), turns

    def select(self, key: str | None) -> tuple:
        """Switch article: fresh chat. Yields (chat, turns, pane, status, examples row)."""
        bot = self.library.get(key)
        is_default = (key or self.library.default_key) == self.library.default_key
        show = is_default and self.has_examples
        return [], [], pane_html(bot), status_html(bot.backend_label), gr.update(visible=show)

    def clear(self, key: str | None) -> tuple:
        """Clear the chat. Returns (chat, turns, pane, status, question box, busy)."""
        bot = self.library.get(key)
        return [], [], pane_html(bot), status_html(bot.backend_label), "", False

    def refresh(self, key: str | None) -> Any:
        """The article choices as they are now (other sessions may have added some)."""
        return gr.update(choices=self.library.choices(), value=key or self.library.default_key)

    # -- adding articles ----------------------------------------------------------------
    def _add(self, data: bytes, filename: str, progress: Any) -> tuple:
        def tick(stage: str, done: int, total: int) -> None:
            progress((done, max(total, 1)), desc=f"Indexing: {stage}")

        try:
            entry, checked = self.library.add(data, filename, tick)
        except Exception as exc:
            raise user_error(exc) from None
        for w in checked.warnings:
            gr.Warning(w)
        bot = entry.assistant or self.library.get(entry.key)
        info = {
            "key": entry.key,
            "title": entry.title,
            "paragraphs": sum(d.paragraphs for d in bot.documents.values()),
            "warnings": list(checked.warnings),
        }
        msg = message_html("ok", f"Added “{entry.title}” ({info['paragraphs']} paragraphs).")
        return gr.update(choices=self.library.choices(), value=entry.key), msg, info

    def upload(self, file: str | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        """Add an uploaded file. Returns (article choice, message, info JSON)."""
        if not file:
            raise gr.Error("Choose a .txt, .md or .html file to add.")
        path = Path(file)
        try:
            size = path.stat().st_size
        except OSError:
            raise gr.Error("The upload could not be read; try again.") from None
        if size > MAX_UPLOAD_BYTES:
            raise gr.Error(f"{path.name} is too large ({size:,} bytes; the limit is {MAX_UPLOAD_BYTES:,}).")
        return self._add(path.read_bytes(), path.name, progress)

    def paste(self, text: str, title: str, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        """Add pasted text (saved as a .txt file). Returns (article choice, message, info JSON)."""
        text = text or ""
        if len(text) > MAX_PASTE_CHARS:
            raise gr.Error(
                f"The text is too long ({len(text):,} characters; the limit is {MAX_PASTE_CHARS:,})."
            )
        if not text.strip():
            raise gr.Error("Paste the article text first: the box is empty.")
        title = " ".join((title or "").split())[:200]
        body = f"{title}\n\n{text}" if title else text
        name = f"{slugify(title)[:60] if title else 'pasted-article'}.txt"
        return self._add(body.encode("utf-8", "replace"), name, progress)

    # -- API endpoints (typed for gr.api) ----------------------------------------------
    def ask(self, question: str, article: str = "", history: list[list[str]] | None = None) -> dict:
        """Answer a question about an article; returns the answer with its checked citations."""
        try:
            pairs = [(str(h[0]), str(h[1])) for h in (history or []) if len(h) >= 2]
            answer = self.library.get(self.library.check_key(article)).ask(question, pairs)
        except Exception as exc:
            raise user_error(exc) from None
        return {"article": article or self.library.default_key, **public_answer(answer.to_dict())}

    def articles(self) -> list[dict]:
        """The selectable articles as {key, title}, the start-up article first."""
        return [{"key": key, "title": label} for label, key in self.library.choices()]

    def article(self, key: str = "") -> dict:
        """One article's documents and numbered paragraphs."""
        try:
            bot = self.library.get(self.library.check_key(key))
        except Exception as exc:
            raise user_error(exc) from None
        return {
            "key": key or self.library.default_key,
            "documents": [
                {"id": d.id, "title": d.title, "date": d.date, "paragraphs": d.paragraphs}
                for d in bot.documents.values()
            ],
            "paragraphs": [
                {"document": p.document, "number": p.number, "section": p.section, "text": p.text}
                for p in bot.store.paragraphs
            ],
        }

    def add_text(self, text: str, title: str = "") -> dict:
        """Add pasted article text; returns {key, title, paragraphs, warnings}."""
        return self.paste(text, title, gr.Progress())[2]
