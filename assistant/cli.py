"""The ``footnote`` command line: ``ingest``, ``watch``, ``ask``, ``chat``, ``ui`` and ``eval``.

This is an edge: it turns ``FootnoteError``s into a one-line message on stderr and an
exit code (2 bad input, 3 index, 4 configuration, 5 backend), never a traceback, and it
strips terminal control sequences from anything it prints that came from an article or
a model. Heavy modules (Chroma, LlamaIndex, Gradio) are imported only by the commands
that need them. It does not implement retrieval or answering.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from index.errors import FootnoteError, InputError

from .progress import progress_bar

JUDGE_CHOICES = ("local", "llm", "off")
JUDGE_HELP = (
    "have a model check the offline answers' quotes: local (a .gguf, --model) or llm "
    "(OPENAI_BASE_URL, FOOTNOTE_LLM_MODEL); default FOOTNOTE_JUDGE, else off"
)
_UNPRINTABLE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """Text with terminal escape sequences and control characters removed."""
    return _UNPRINTABLE.sub("", text)


def _sources(args: argparse.Namespace) -> list[str] | None:
    return list(args.source) if getattr(args, "source", None) else None


def _model(args: argparse.Namespace) -> dict[str, str]:
    """``model=`` for the backend: a model name (llm) or a GGUF file (local)."""
    if not getattr(args, "model", None):
        return {}
    if args.backend == "extractive" and getattr(args, "judge", None) in (None, "off"):
        raise InputError("--model applies to --backend llm or local (or to --judge), not extractive alone.")
    return {"model": args.model}


def _judge(args: argparse.Namespace) -> dict[str, str]:
    """``judge=`` for ``Assistant.open`` when ``--judge`` was given (else ``FOOTNOTE_JUDGE`` decides)."""
    return {"judge": args.judge} if getattr(args, "judge", None) else {}


def cmd_ingest(args: argparse.Namespace) -> int:
    from .assistant import Assistant

    update, close = progress_bar()
    try:
        bot = Assistant.open(
            args.paths,
            args.index_dir,
            backend="extractive",
            rebuild=args.rebuild,
            progress=update,
            when_writing="fail",  # a second writer stops at once
        )
    finally:
        close()
    if bot.ingest_summary is not None:
        for line in bot.ingest_summary.lines():
            print(safe(line))
    else:
        print("The index is up to date; nothing to do (use --rebuild to rebuild it).")
    docs = bot.documents
    paragraphs = sum(d.paragraphs for d in docs.values())
    print(f"Index: {len(docs)} document(s), {paragraphs} paragraph(s) in {bot.index_dir}")
    return 0


def _print_answer(answer, as_json: bool) -> None:
    from .labels import label, names_documents, readable, titles

    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    if answer.notice:
        print(f"note: {safe(answer.notice)}", file=sys.stderr)
    # Markers name articles by title for people ("[Kim and Putin meet… ¶3]"); the JSON keeps ids.
    text = readable(answer)
    # The short answer first, when the backend found one: "Vladivostok — <sentence [¶3]>".
    print(f"{safe(answer.short)} — {safe(text)}" if answer.short else safe(text))
    known = titles(answer)
    if answer.checked_by:
        print(f"  (checked by {safe(answer.checked_by)})")
    if answer.abstained and answer.rejected:
        c = answer.rejected[0]  # the closest passage the judge read
        several = len({p.document for p in answer.passages[:3]} | {c.document}) > 1
        where = label(c.document if several else None, c.paragraph, known)
        print(f"  not an answer: {safe(where)}: “{safe(c.quote)}”")
    if answer.abstained:
        near = answer.passages[:3]
        several = len({p.document for p in near}) > 1
        listed = ", ".join(label(p.document if several else None, p.number, known) for p in near)
        if listed:
            print(f"  (closest paragraphs considered: {safe(listed)})")
        return
    named = names_documents(answer)
    for c in answer.citations:
        flag = "" if c.supported else "  [unsupported]"
        where = label(c.document if named else None, c.paragraph, known)
        print(f"  {safe(where)}{flag}: “{safe(c.quote)}”")
    for r in answer.removed_citations:
        print(f"  removed citation: {safe(r)}")
    if answer.incomplete:
        print("  (the answer was cut off)")


def cmd_ask(args: argparse.Namespace) -> int:
    from .question import clean_question

    question = clean_question(args.question)  # fail fast, before loading anything
    with _open(args) as bot:
        _print_answer(bot.ask(question), args.json)
    return 0


def _open(args: argparse.Namespace):
    """The ``Assistant`` for ``ask``/``chat``, with a progress bar if it must build (or wait for) the index."""
    from .assistant import Assistant

    update, close = progress_bar(leave=False)
    try:
        return Assistant.open(
            _sources(args),
            args.index_dir,
            backend=args.backend,
            progress=update,
            **_model(args),
            **_judge(args),
        )
    finally:
        close()


def cmd_chat(args: argparse.Namespace) -> int:
    with _open(args) as bot:
        bot.warm()  # a local model reads the article while the first question is typed
        return _chat(bot)


def _chat(bot) -> int:
    titles = ", ".join(safe(d.title or d.id) for d in bot.documents.values())
    print(f"footnote chat over: {titles}\nBackend: {bot.backend_label}. Empty line or Ctrl-D to quit.")
    history: list[tuple[str, str]] = []
    while True:
        try:
            question = input("? ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            return 0
        try:
            answer = bot.ask(question, history)
        except FootnoteError as exc:
            print(f"footnote: {exc}", file=sys.stderr)
            continue
        _print_answer(answer, as_json=False)
        history.append((question, answer.text))


def cmd_watch(args: argparse.Namespace) -> int:
    from .watch import Watcher

    report = lambda line: print(safe(line), flush=True)  # noqa: E731
    Watcher(args.folder, args.index_dir, debounce=args.debounce, poll=args.poll, report=report).run()
    return 0


def cmd_ui(argv: list[str]) -> int:
    try:
        from .ui.app import main as ui_main
    except ImportError as exc:
        if "gradio" not in str(exc):
            raise
        print("footnote: the UI needs gradio; run `make install`.", file=sys.stderr)
        return 4
    return ui_main(argv)


def cmd_eval(argv: list[str]) -> int:
    from evals.cli import main as eval_main

    return eval_main(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="footnote",
        description="Answers questions about news articles, citing the paragraph behind every claim.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser, sources: bool = True) -> None:
        if sources:
            p.add_argument(
                "--source", action="append", metavar="PATH", help="article file or folder (default: seeds/)"
            )
        p.add_argument("--index-dir", type=Path, help="where the index lives (default: under FOOTNOTE_HOME)")

    p = sub.add_parser("ingest", help="index article files or folders (.txt, .md, .html)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--rebuild", action="store_true", help="rebuild even if the index is up to date")
    common(p, sources=False)
    p.set_defaults(func=cmd_ingest)

    for name, func, help_ in (
        ("ask", cmd_ask, "answer one question with citations"),
        ("chat", cmd_chat, "ask questions interactively in the terminal"),
    ):
        p = sub.add_parser(name, help=help_)
        if name == "ask":
            p.add_argument("question")
            p.add_argument("--json", action="store_true", help="print the answer as JSON")
        p.add_argument("--backend", choices=["extractive", "llm", "local"], help="default: llm if configured")
        p.add_argument(
            "--model",
            metavar="NAME|PATH.gguf",
            help="llm: the model name (FOOTNOTE_LLM_MODEL); local: a .gguf file (FOOTNOTE_LLM_GGUF); "
            "with --judge, the judge's model",
        )
        p.add_argument("--judge", choices=JUDGE_CHOICES, help=JUDGE_HELP)
        common(p)
        p.set_defaults(func=func)

    p = sub.add_parser("watch", help="keep a folder's index up to date as its files change")
    p.add_argument("folder", metavar="FOLDER")
    p.add_argument("--debounce", type=float, default=0.5, help="seconds of quiet before an update")
    p.add_argument("--poll", action="store_true", help="poll instead of file events (network filesystems)")
    common(p, sources=False)
    p.set_defaults(func=cmd_watch)

    sub.add_parser("ui", help="start the web UI (see `footnote ui --help`)", add_help=False)
    sub.add_parser("eval", help="run evaluation suites (see `footnote eval --help`)", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    warnings.formatwarning = lambda msg, *a, **k: f"footnote: warning: {msg}\n"
    try:
        if argv and argv[0] == "ui":
            return cmd_ui(argv[1:])
        if argv and argv[0] == "eval":
            return cmd_eval(argv[1:])
        args = build_parser().parse_args(argv)
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows up here, inside the try, not at exit
        return code
    except FootnoteError as exc:
        print(f"footnote: error: {safe(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("footnote: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `footnote ask … | head -1`: the reader left; stop quietly, as Unix tools do
        # (stdout is pointed at devnull so the interpreter's final flush does not complain).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
