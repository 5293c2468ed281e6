"""``footnote eval``: run eval suites, print the summary table, write JSON and reports.

``main(argv)`` is called by ``footnote eval ...`` (``assistant.cli``) and returns the exit
code: 0 when every checked floor is met, 1 when a floor failed (or, with
``--fail-on-regression``, a metric regressed against ``--compare``), and the
``FootnoteError`` exit codes (2 bad input, 3 index, 4 configuration, 5 backend) with a
one-line message for mistakes a user can fix. It does not compute metrics itself.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from index.errors import FootnoteError

from .suite import DEFAULT_SUITES, EVALS_DIR

EPILOG = """examples:
  footnote eval                          all suites (seed, seed-probe, xquad sample, xquad-oos, reader-questions)
  footnote eval seed --report out/       the seed suite, report in out/
  footnote eval xquad --sample 0         all 838 XQuAD questions (floors not checked)
  footnote eval --json new.json --compare old.json
"""


def build_parser() -> argparse.ArgumentParser:
    suites = ", ".join(sorted(p.stem for p in EVALS_DIR.glob("*.yaml")))
    p = argparse.ArgumentParser(
        prog="footnote eval",
        description="Run eval suites against the assistant and report citation-level metrics.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("suites", nargs="*", metavar="SUITE", help=f"suite names ({suites}) or YAML files")
    p.add_argument(
        "--backend", choices=("extractive", "llm", "local"), default="extractive", help="answer backend"
    )
    p.add_argument(
        "--model", metavar="NAME|PATH.gguf", help="llm: the model name; local: the GGUF file (see README)"
    )
    p.add_argument(
        "--fallback",
        action="store_true",
        help="llm/local: answer offline with a notice when the model fails (as users get); "
        "default: a model failure counts as an error",
    )
    p.add_argument(
        "--judge",
        choices=("local", "llm", "off"),
        help="extractive: have a model check the reader's quotes (local: --model PATH.gguf; llm: "
        "OPENAI_BASE_URL, FOOTNOTE_LLM_MODEL); a judge failure counts as an error unless --fallback",
    )
    p.add_argument("--json", type=Path, metavar="PATH", help="write the results as JSON to PATH")
    p.add_argument(
        "--report",
        type=Path,
        metavar="PATH",
        help="folder for report.md, report.html and the plot, or a .md/.html file name "
        "(default: reports/eval-<time>/)",
    )
    p.add_argument("--no-report", action="store_true", help="print the summary only")
    p.add_argument("--compare", type=Path, metavar="PREVIOUS.json", help="show deltas against an earlier run")
    p.add_argument(
        "--fail-on-regression", action="store_true", help="exit 1 when --compare finds a regression"
    )
    p.add_argument("--sample", type=int, metavar="N", help="SQuAD suites: ask N sampled questions (0 = all)")
    p.add_argument("--seed", type=int, help="SQuAD suites: sampling seed")
    p.add_argument(
        "--corpus", choices=("one", "per-article"), help="SQuAD suites: one index or one per article"
    )
    p.add_argument("--cache-dir", type=Path, metavar="DIR", help="where eval indexes are kept")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument(
        "--suggest-floors",
        action="store_true",
        help="print floors for the suite files, one question below what this run measured",
    )
    return p


def _models(args: argparse.Namespace) -> bool:
    """Whether a model answers or judges in this run (so that its failures can be errors)."""
    return args.backend in ("llm", "local") or args.judge in ("local", "llm")


def _report_target(arg: Path | None) -> tuple[Path, str]:
    """(folder, file stem) for the reports."""
    if arg is None:
        return Path("reports") / time.strftime("eval-%Y%m%d-%H%M%S"), "report"
    if arg.suffix.lower() in (".md", ".html", ".htm"):
        return arg.parent, arg.stem
    return arg, "report"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.sample is not None and args.sample < 0:
        print("footnote eval: error: --sample must be 0 (all) or a positive number.", file=sys.stderr)
        return 2
    try:
        return _run(args)
    except FootnoteError as exc:
        print(f"footnote eval: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # e.g. the report folder is not writable
        where = f" {exc.filename}" if exc.filename else ""
        print(f"footnote eval: error: cannot write{where}: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("footnote eval: interrupted.", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    from .compare import case_changes, compare, regressions
    from .report import text_summary, write_reports
    from .results import RunResult
    from .runner import run

    previous = RunResult.load(args.compare) if args.compare else None  # fail early on a bad file
    folder, stem = _report_target(args.report)
    # Fail before the run, not after it, when an output folder cannot be created.
    if not args.no_report:
        folder.mkdir(parents=True, exist_ok=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
    result = run(
        args.suites or list(DEFAULT_SUITES),
        backend=args.backend,
        sample=args.sample,
        seed=args.seed,
        corpus=args.corpus,
        cache_dir=args.cache_dir,
        progress=not args.no_progress,
        # Measure the LLM itself: a failing server is an error here, not a quiet offline answer,
        # unless --fallback asks for what users get (the offline answer with a notice).
        **({"fallback": False} if _models(args) and not args.fallback else {}),
        **({"model": args.model} if args.model else {}),
        **({"judge": args.judge} if args.judge else {}),
    )
    print(text_summary(result))
    deltas = compare(result, previous) if previous else None
    changes = case_changes(result, previous) if previous else None
    if deltas is not None and changes is not None:
        reg = regressions(deltas)
        print(f"\nCompared with {args.compare}: {len(reg)} regression(s).")
        for d in reg:
            print(f"  ▼ {d.suite} {d.metric}: {d.before:.3f} -> {d.after:.3f}")
        for c in changes:
            verdict = "now passes" if c.now_passes else "NOW FAILS"
            print(f"  {verdict}: {c.suite} {c.id}: {c.question}")
    if args.suggest_floors:
        from .floors import as_yaml

        print("\nSuggested floors (review before putting them in the suite files):")
        for suite in result.suites:
            print(as_yaml(suite))
    if args.json:
        print(f"Results: {result.save(args.json)}")
    if not args.no_report:
        if not args.json:
            result.save(folder / "results.json")
        previous_name = str(args.compare) if args.compare else None
        paths = write_reports(result, folder, deltas, previous_name, stem, changes)
        print(f"Report: {paths['markdown']} and {paths['html']}")
    if not result.complete:
        print("footnote eval: interrupted; the results above cover the questions asked.", file=sys.stderr)
        return 130
    if not result.passed:
        return 1
    if args.fail_on_regression and deltas and regressions(deltas):
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
