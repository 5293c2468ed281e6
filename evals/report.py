"""Eval reports: a terminal summary, Markdown, and self-contained HTML with the plot embedded.

The Markdown report holds the summary table (metrics down, suites across, the false
support line among them), per-suite tables by category, the floor check, the comparison with an earlier run when given
(regressions marked), and the failed cases with question, expected, got and cited
paragraphs. The HTML report is the same Markdown rendered by markdown-it-py (raw HTML
in answers is not interpreted) with the PNG inlined as a data URI, so it is one file.
This module does not compute metrics or run anything.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from .compare import CaseChange, Delta
from .results import NEUTRAL, RunResult, SuiteResult

SUMMARY = (
    ("cases", "questions"),
    ("pass_rate", "pass rate"),
    ("answerable_pass_rate", "answerable: pass (facts + right ¶)"),
    ("facts_present", "answerable: required facts present"),
    ("gold_containment", "answerable: gold answer contained"),
    ("f1", "answerable: SQuAD token F1"),
    ("short_f1", "answerable: short-answer token F1"),
    ("short_coverage", "answerable: short answer given"),
    ("short_f1_given", "answerable: short-answer F1 where given"),
    ("citation_recall", "citation recall"),
    ("citation_precision", "citation precision"),
    ("top_citation_gold", "top citation is gold"),
    ("quote_validity", "quotes verbatim"),
    ("abstention_recall", "unanswerable: abstained"),
    ("abstention_precision", "abstention precision"),
    ("false_abstention_rate", "answerable: false abstentions"),
    ("false_support", "false support (cases)"),
    ("false_support_unanswerable", "unanswerable: shown as supported"),
    ("false_support_answerable", "answerable: supported, facts missing"),
    ("hit@1", "retrieval hit@1"),
    ("hit@5", "retrieval hit@5"),
    ("mrr@10", "retrieval MRR@10"),
    ("answer_words", "answer length (words)"),
    ("latency_p50", "latency p50 (ms)"),
    ("latency_p95", "latency p95 (ms)"),
    ("ttft_p50", "first token p50 (ms)"),
    ("ttft_p95", "first token p95 (ms)"),
    ("citations_removed", "citations removed by the checker"),
    ("fallbacks", "answers from a fallback backend"),
    ("fallbacks_silent", "fallbacks without a notice"),
    ("errors", "errors"),
)
CATEGORY = (
    ("cases", "n"),
    ("pass_rate", "pass"),
    ("facts_present", "facts"),
    ("gold_containment", "gold in answer"),
    ("f1", "F1"),
    ("short_f1", "short F1"),
    ("citation_recall", "cite recall"),
    ("top_citation_gold", "top cite gold"),
    ("abstention_recall", "abstained"),
    ("false_abstention_rate", "false abstain"),
    ("false_support", "false support"),
    ("hit@1", "hit@1"),
    ("mrr@10", "MRR@10"),
    ("latency_p50", "p50 ms"),
)
MAX_FAILED_SHOWN = 60
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_STATUS = {"regression": "▼ regression", "improved": "▲ improved", "same": "", "new": "new", "gone": "gone"}


def fmt(metric: str, value) -> str:
    """A metric value for display: rates to 3 decimals, timings in ms, counts as integers."""
    if value is None:
        return "–"
    if metric.startswith(("latency", "ttft")):
        return f"{value * 1000:.0f}" if value >= 0.01 else f"{value * 1000:.1f}"
    if metric in (
        "cases",
        "answerable",
        "unanswerable",
        "errors",
        "citations_removed",
        "fallbacks",
        "fallbacks_silent",
        "false_support",
    ):
        return str(int(value))
    if metric == "answer_words":
        return f"{value:.1f}"
    return f"{value:.3f}"


def esc(text: str) -> str:
    """Text safe to put in Markdown (and in a table cell)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def summary_rows(result: RunResult) -> tuple[list[str], list[list[str]]]:
    """The summary table: one row per metric measured by some suite, one column per suite."""
    header = ["metric", *(s.name for s in result.suites)]
    rows = []
    for key, label in SUMMARY:
        values = [s.metrics.get(key) for s in result.suites]
        if key in ("citations_removed", "fallbacks", "fallbacks_silent") and not any(values):
            continue
        if key != "errors" and all(v is None for v in values):
            continue
        rows.append([label, *(fmt(key, v) for v in values)])
    return header, rows


def text_summary(result: RunResult) -> str:
    """The summary table as aligned plain text for a terminal."""
    header, rows = summary_rows(result)
    table = [header, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = []
    for n, row in enumerate(table):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    for s in result.suites:
        if not s.complete:
            lines.append(f"{s.name}: INTERRUPTED after {len(s.cases)} questions; floors not checked.")
        elif not s.floors_apply:
            lines.append(f"{s.name}: floors not checked (run settings differ from the suite file's).")
        elif s.floor_failures:
            lines.extend(f"{s.name}: FLOOR FAILED: {f}" for f in s.floor_failures)
        elif s.floors or s.ceilings:
            lines.append(f"{s.name}: all {len(s.floors) + len(s.ceilings)} floors met.")
    return "\n".join(lines)


def _category_table(suite: SuiteResult) -> list[str]:
    cols = [
        (k, label) for k, label in CATEGORY if any(m.get(k) is not None for m in suite.categories.values())
    ]
    rows = [[esc(cat), *(fmt(k, m.get(k)) for k, _ in cols)] for cat, m in suite.categories.items()]
    return _table(["category", *(label for _, label in cols)], rows)


def _floors_table(suite: SuiteResult) -> list[str]:
    rows = []
    for bound, limits in (("≥", suite.floors), ("≤", suite.ceilings)):
        for k, limit in limits.items():
            value = suite.metrics.get(k)
            ok = value is not None and (value >= limit - 1e-9 if bound == "≥" else value <= limit + 1e-9)
            rows.append([k, f"{bound} {limit:g}", fmt(k, value), "ok" if ok else "**FAILED**"])
    return _table(["metric", "floor", "measured", "status"], rows)


def _failed_cases(suite: SuiteResult) -> list[str]:
    failed = suite.failed_cases
    out = [f"### Failed cases ({len(failed)} of {len(suite.cases)})", ""]
    if not failed:
        return [*out, "None.", ""]
    for c in failed[:MAX_FAILED_SHOWN]:
        out.append(f"#### {esc(c.id)} ({esc(c.category)}): {esc(c.why or c.error or 'failed')}")
        out.append("")
        for user, bot in c.history:
            out.append(f"- Earlier: *{esc(user)}* → {esc(bot)}")
        out.append(f"- **Question:** {esc(c.question)}")
        out.append(f"- **Expected:** {esc(c.expected)}")
        got = c.error or ("(abstained) " if c.abstained else "") + c.answer
        out.append(f"- **Got:** {esc(got)}")
        for q in c.citations:
            mark = "" if q["quote_valid"] else " (quote NOT verbatim)"
            out.append(f"  - cited {esc(q['document'])} ¶{q['paragraph']}{mark}: “{esc(q['quote'])}”")
        if c.gold:
            retrieved = ", ".join(
                f"¶{n}" if len({d for d, _ in c.retrieved}) <= 1 else f"{d} ¶{n}" for d, n in c.retrieved[:5]
            )
            gold = ", ".join(f"{d} ¶{n}" for d, n in c.gold)
            out.append(f"- **Gold:** {esc(gold)}; retrieved top 5: {esc(retrieved) or '–'}")
        out.append("")
    if len(failed) > MAX_FAILED_SHOWN:
        out += [f"…and {len(failed) - MAX_FAILED_SHOWN} more (see the JSON results).", ""]
    return out


def _changes_section(changes: list[CaseChange]) -> list[str]:
    if not changes:
        return ["No case changed its verdict.", ""]
    rows = [
        [
            esc(c.suite),
            esc(c.id),
            esc(c.question),
            "now passes" if c.now_passes else "**now fails**",
            esc(c.why),
        ]
        for c in changes
    ]
    return [*_table(["suite", "case", "question", "verdict", "failure"], rows), ""]


def _compare_section(
    deltas: list[Delta], previous: str, changes: list[CaseChange] | None = None
) -> list[str]:
    reg = [d for d in deltas if d.status == "regression"]
    out = [f"## Compared with {esc(previous)}", ""]
    out.append(f"{len(reg)} regression(s)." if reg else "No regressions.")
    out.append("")
    if changes is not None:
        out += ["### Cases that changed", "", *_changes_section(changes)]
        out += ["### Metrics", ""]
    shown = [d for d in deltas if d.status != "same" or (d.change and d.metric not in NEUTRAL)]
    rows = [
        [
            d.suite,
            d.metric,
            fmt(d.metric, d.before),
            fmt(d.metric, d.after),
            "–"
            if d.change is None
            else (fmt(d.metric, d.change) if d.change < 0 else "+" + fmt(d.metric, d.change)),
            f"**{_STATUS[d.status]}**" if d.status == "regression" else _STATUS[d.status],
        ]
        for d in shown
    ]
    if not rows:
        return [*out, "No metric changed.", ""]
    table = _table(["suite", "metric", "before", "now", "change", ""], rows)
    return [*out, *table, "", f"{len(deltas) - len(shown)} other metrics unchanged.", ""]


def markdown(
    result: RunResult,
    plot: str | None = None,
    deltas: list[Delta] | None = None,
    previous: str | None = None,
    changes: list[CaseChange] | None = None,
) -> str:
    """The whole report as Markdown; ``plot`` is the image's path (or data URI) if any."""
    total = sum(len(s.cases) for s in result.suites)
    lines = [
        "# footnote eval report",
        "",
        f"Backend **{esc(result.backend)}**, started {esc(result.started)}, "
        f"{total} questions in {result.seconds:.0f} s. "
        + ("All floors met." if result.passed else "**Some floors FAILED.**"),
        "",
        "## Summary",
        "",
        *_table(*summary_rows(result)),
        "",
    ]
    if plot:
        lines += [f"![Metrics by category and latency]({plot})", ""]
    if deltas is not None:
        lines += _compare_section(deltas, previous or "the previous run", changes)
    for s in result.suites:
        lines += [f"## Suite {esc(s.name)}", ""]
        if not s.complete:
            lines += [f"**Interrupted** after {len(s.cases)} questions: the metrics cover those only.", ""]
        if s.description:
            lines += [esc(s.description), ""]
        if s.settings:
            lines += [", ".join(f"{k}: {esc(v)}" for k, v in s.settings.items()), ""]
        lines += ["### By category", "", *_category_table(s), ""]
        if s.floors or s.ceilings:
            note = "" if s.floors_apply else " (not checked: run settings differ from the suite file's)"
            lines += [f"### Floors{note}", "", *_floors_table(s), ""]
        lines += _failed_cases(s)
    return "\n".join(lines)


_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}
img{max-width:100%}
h4{margin-bottom:.2em}
"""


def to_html(markdown_text: str, png: bytes | None = None, plot_ref: str | None = None) -> str:
    """Render the Markdown report as one HTML file, the plot inlined as a data URI."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    body = md.render(markdown_text)
    if png is not None and plot_ref:
        uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        body = body.replace(f'src="{html.escape(plot_ref)}"', f'src="{uri}"')
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>footnote eval report</title><style>{_CSS}</style></head><body>\n{body}</body></html>\n"
    )


def write_reports(
    result: RunResult,
    folder: str | Path,
    deltas: list[Delta] | None = None,
    previous: str | None = None,
    stem: str = "report",
    changes: list[CaseChange] | None = None,
) -> dict[str, Path]:
    """Write ``<stem>.md``, ``<stem>.html`` and ``eval-plot.png`` into ``folder``."""
    from .plot import render_png

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png = render_png(result)
    plot_path = folder / "eval-plot.png"
    plot_path.write_bytes(png)
    text = markdown(result, plot_path.name, deltas, previous, changes)
    md_path = folder / f"{stem}.md"
    md_path.write_text(text + "\n", encoding="utf-8")
    html_path = folder / f"{stem}.html"
    html_path.write_text(to_html(text, png, plot_path.name), encoding="utf-8")
    return {"markdown": md_path, "html": html_path, "plot": plot_path}
