"""The Gradio web UI (``footnote ui``): a chat over an article that shows its evidence.

Answers stream into a chat; each ¶ citation is a chip that scrolls the article pane to
its paragraph and highlights the quoted words; paragraphs cited by the latest answer are
marked; "the article doesn't say" shows the closest paragraphs considered. Users can add
an article by upload or paste. The same functions are named API endpoints for
``gradio_client``: ``/ask``, ``/articles``, ``/article``, ``/add_text`` and ``/add_article``.

Safe by default: bound to 127.0.0.1, ``share=False``, analytics, flagging, monitoring and
MCP off, Gradio's queue with a concurrency limit and a maximum size, an upload size limit,
``FOOTNOTE_HOME`` blocked from file serving, user-facing errors without internals, and all
article/model text escaped by ``ui_render``. This module lays out the components, wires
events and serves them; the handlers live in ``ui_actions``, HTML in ``ui_render`` and the
article registry in ``ui_library``.
"""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before Gradio is imported, always

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from index.errors import FootnoteError

from ..assistant import Assistant
from ..config import SEEDS_DIR, home
from .actions import Actions, pane_html
from .assets import CSS, HIGHLIGHT_JS
from .library import MAX_PASTE_CHARS, MAX_UPLOAD_BYTES, UPLOAD_SUFFIXES, Factory, Library
from .render import status_html

log = logging.getLogger("footnote.ui")

EXAMPLES = (
    "Where will Kim meet Putin?",
    "What would North Korea exchange with Russia?",
    "What did Sergei Shoigu propose in Pyongyang?",
    "How has the United States reacted?",
)
DEFAULT_CONCURRENCY = 2  # answers in flight at once (the machine has 2 cores)
DEFAULT_MAX_QUEUE = 64  # waiting requests beyond this get "queue is full" at once


def default_factory(backend: Any = None, encoder: Any = None) -> Factory:
    """Open (building if needed) the index of ``sources`` (empty: the seed) with one shared encoder."""

    def factory(sources: list[Path], progress: Any = None) -> Assistant:
        bot = Assistant.open(sources or None, backend=backend, encoder=encoder, progress=progress)
        bot.warm()  # a local model reads the articles while the first question is typed
        return bot

    return factory


def build_app(
    assistant: Assistant | Factory | None = None,
    *,
    factory: Factory | None = None,
    examples: Sequence[str] | None = None,
    concurrency_limit: int = DEFAULT_CONCURRENCY,
    max_queue: int = DEFAULT_MAX_QUEUE,
    uploads_dir: Path | None = None,
) -> gr.Blocks:
    """The UI as a ``gr.Blocks`` (not launched: see ``launch``).

    ``assistant`` is the start-up article's ``Assistant`` or a factory
    ``(sources, progress) -> Assistant`` (called with no sources for the default
    article). Added articles are opened with ``factory`` (default: ``Assistant.open``
    with the same backend and encoder as ``assistant``) and kept in ``uploads_dir``
    (default ``FOOTNOTE_HOME/uploads``). ``examples`` default to questions about the
    seed article when it is the one open.
    """
    if assistant is None or not isinstance(assistant, Assistant):
        factory = factory or assistant or default_factory()
        default = factory([], None)
    else:
        default = assistant
        factory = factory or default_factory(default.backend, default.store.encoder)
    if examples is None:  # the built-in examples are about the seed article only
        seed = {str(p.resolve()) for p in SEEDS_DIR.glob("*")}
        examples = EXAMPLES if any(d.path in seed for d in default.documents.values()) else ()
    library = Library(default, factory, uploads_dir)

    act = Actions(library, has_examples=bool(examples))

    # delete_cache: Gradio's copies of uploaded files are removed after a day (checked hourly).
    with gr.Blocks(title="footnote", analytics_enabled=False, delete_cache=(3600, 86400)) as app:
        turns = gr.State([])  # this session's conversation (never shared)
        asked = gr.State("")  # the question being answered
        busy = gr.State(False)  # an answer is being written for this session
        gr.Markdown(
            "## footnote\nAsk about the article. Every claim in an answer cites the paragraph "
            "(¶) it came from; click a chip to see the quoted words."
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=360):
                chatbot = gr.Chatbot(
                    label="Chat",
                    elem_id="fn-chat",
                    height=540,
                    render_markdown=False,
                    sanitize_html=True,
                    latex_delimiters=[],
                    feedback_options=None,
                    buttons=[],
                    allow_file_downloads=False,
                    placeholder="Ask a question about the article, or pick an example below.",
                )
                with gr.Row():
                    question = gr.Textbox(
                        placeholder="Ask about the article…",
                        show_label=False,
                        lines=1,
                        max_lines=4,
                        max_length=4000,
                        scale=5,
                        elem_id="fn-question",
                        autofocus=True,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="fn-send")
                with gr.Row(visible=bool(examples)) as example_row:
                    example_buttons = [gr.Button(q, size="sm", variant="secondary") for q in examples]
                with gr.Row():
                    status = gr.HTML(status_html(default.backend_label), elem_id="fn-status", js_on_load=None)
                    clear_btn = gr.Button("Clear chat", size="sm", scale=0, elem_id="fn-clear")
            with gr.Column(scale=4, min_width=320):
                chooser = gr.Dropdown(
                    choices=library.choices(),
                    value=library.default_key,
                    label="Article",
                    interactive=True,
                    elem_id="fn-article-choice",
                )
                pane = gr.HTML(pane_html(default), elem_id="fn-article", js_on_load=None, max_height=640)
                with gr.Accordion("Add an article", open=False, elem_id="fn-add"):
                    upload_file = gr.File(
                        label=f"Upload a file ({', '.join(UPLOAD_SUFFIXES)}; up to {MAX_UPLOAD_BYTES // 1_000_000} MB)",
                        file_types=list(UPLOAD_SUFFIXES),
                        type="filepath",
                        file_count="single",
                        elem_id="fn-upload",
                    )
                    paste_title = gr.Textbox(label="…or paste: title (optional)", max_lines=1)
                    paste_text = gr.Textbox(label="Article text", lines=6, max_length=MAX_PASTE_CHARS)
                    paste_btn = gr.Button("Add pasted text", size="sm")
                    added = gr.HTML("", elem_id="fn-added", js_on_load=None)
                    added_info = gr.JSON(visible=False)

        # A question is taken at once (unqueued: the box clears, the session is marked busy),
        # answered in the queue, then the session is freed whatever happened (even "queue full").
        instant = {"queue": False, "api_visibility": "private", "show_progress": "hidden"}
        queued = {"concurrency_id": "answer", "api_visibility": "private"}
        taken = [asked, question, busy]

        def answer_after(event):
            event.success(
                act.respond, [asked, turns, chooser], [chatbot, status, pane, turns], **queued
            ).then(lambda: False, None, busy, **instant)

        # Queued (its own concurrency group, so it never waits for answers) so that a refusal
        # shows as a toast; unqueued errors are not shown to the user.
        taking = {"api_visibility": "private", "show_progress": "hidden", "concurrency_limit": None}
        answer_after(question.submit(act.take, [question, busy], taken, **taking))
        answer_after(send.click(act.take, [question, busy], taken, **taking))
        for btn, q in zip(example_buttons, examples, strict=True):
            answer_after(btn.click(lambda busy, q=q: act.take(q, busy), [busy], taken, **taking))
        clear_outputs = [chatbot, turns, pane, status, question, busy]
        clear_btn.click(act.clear, [chooser], clear_outputs, **instant)
        chatbot.clear(act.clear, [chooser], clear_outputs, **instant)
        select_outputs = [chatbot, turns, pane, status, example_row]
        chooser.input(act.select, [chooser], select_outputs, api_visibility="private")
        index_opts = {"concurrency_limit": 1, "concurrency_id": "index"}
        upload_file.upload(
            act.upload, [upload_file], [chooser, added, added_info], api_name="add_article", **index_opts
        ).success(act.select, [chooser], select_outputs, api_visibility="private")
        paste_btn.click(
            act.paste,
            [paste_text, paste_title],
            [chooser, added, added_info],
            api_visibility="private",
            **index_opts,
        ).success(act.select, [chooser], select_outputs, api_visibility="private")
        app.load(act.refresh, [chooser], [chooser], queue=False, api_visibility="private")

        gr.api(act.ask, api_name="ask", concurrency_id="answer")
        gr.api(act.articles, api_name="articles", queue=False)
        gr.api(act.article, api_name="article", queue=False)
        gr.api(act.add_text, api_name="add_text", **index_opts)

    app.queue(default_concurrency_limit=concurrency_limit, max_size=max_queue)
    app.footnote_library = library  # for tests and embedding applications
    # Never served by /gradio_api/file=, whatever Gradio's other rules say.
    app.footnote_private_paths = sorted(
        {str(p.resolve()) for p in (home(), library.root, Path(default.index_dir))}
    )
    return app


def launch(
    app: gr.Blocks,
    host: str = "127.0.0.1",
    port: int = 7860,
    *,
    block: bool = True,
    quiet: bool = False,
) -> Any:
    """Start the server with the safe defaults (see the module docstring)."""
    theme = gr.themes.Soft(  # system fonts: the default theme would fetch Google Fonts
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    )
    return app.launch(
        server_name=host,
        server_port=port,
        share=False,
        inbrowser=False,
        prevent_thread_lock=not block,
        show_error=False,
        quiet=quiet,
        max_file_size=MAX_UPLOAD_BYTES,
        blocked_paths=getattr(app, "footnote_private_paths", [str(home().resolve())]),
        enable_monitoring=False,
        strict_cors=True,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        footer_links=["api"],
        theme=theme,
        css=CSS,
        js=HIGHLIGHT_JS,
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="footnote ui", description="Start the footnote web UI (a chat that shows its evidence)."
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)"
    )
    p.add_argument("--port", type=int, default=7860, help="port (default: 7860)")
    p.add_argument(
        "--source",
        nargs="+",
        action="extend",
        metavar="PATH",
        help="article files or folders to open (default: the seed article)",
    )
    p.add_argument(
        "--backend",
        choices=["auto", "extractive", "llm", "local"],
        default="auto",
        help="answer backend (default: llm when OPENAI_* is configured, else offline extractive)",
    )
    p.add_argument(
        "--model",
        metavar="NAME|PATH.gguf",
        help="llm: the model name (FOOTNOTE_LLM_MODEL); local: a .gguf file (FOOTNOTE_LLM_GGUF)",
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help="keep the --source folder's index up to date as its files change (see footnote watch)",
    )
    p.add_argument(
        "--judge",
        choices=["local", "llm", "off"],
        help="have a model check the offline answers' quotes (local: a .gguf via --model; "
        "llm: OPENAI_BASE_URL, FOOTNOTE_LLM_MODEL); default FOOTNOTE_JUDGE, else off",
    )
    p.add_argument(
        "--concurrency", type=int, default=DEFAULT_CONCURRENCY, help="answers computed at once (default: 2)"
    )
    p.add_argument(
        "--max-queue",
        type=int,
        default=DEFAULT_MAX_QUEUE,
        help="waiting requests before 'busy' (default: 64)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    """``footnote ui``: open the article's index (building it if needed) and serve the UI."""
    args = _parser().parse_args(argv)
    if not 0 < args.port < 65536:
        print(f"error: --port must be between 1 and 65535 (got {args.port}).", file=sys.stderr)
        return 2
    if args.concurrency < 1 or args.max_queue < 1:
        print("error: --concurrency and --max-queue must be at least 1.", file=sys.stderr)
        return 2
    from ..progress import progress_bar

    update, close = progress_bar()
    try:
        bot = Assistant.open(
            args.source or None,
            backend=None if args.backend == "auto" else args.backend,
            progress=update,
            **({"model": args.model} if args.model else {}),
            **({"judge": args.judge} if args.judge else {}),
        )
    except FootnoteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    finally:
        close()
    if args.watch:  # the watcher writes new versions; the assistant moves to each at its next question
        from ..watch import start_watching

        try:
            start_watching(args.source, bot, report=lambda line: print(line, flush=True))
        except FootnoteError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_code
    bot.retrieve("warm up")  # load the model's first-call state now, not in the first user's answer
    bot.warm()  # and a local model reads the article before the first question
    app = build_app(bot, concurrency_limit=args.concurrency, max_queue=args.max_queue)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: serving on {args.host}: anyone who can reach this address can use the UI "
            "and add articles.",
            file=sys.stderr,
        )
    print(f"footnote UI: http://{args.host}:{args.port}  (backend: {bot.backend_label}; Ctrl-C to stop)")
    try:
        launch(app, args.host, args.port, block=True, quiet=True)
    except OSError as exc:
        print(f"error: cannot serve on {args.host}:{args.port} ({exc}); try --port.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        bot.close()  # stops a local model server
    return 0


__all__ = ["EXAMPLES", "build_app", "default_factory", "launch", "main"]
