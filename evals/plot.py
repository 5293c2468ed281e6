"""The report's figure: key metrics by category for each suite, and latency per suite (PNG).

Drawn with matplotlib's non-interactive Agg backend, so it works without a display.
This module does not compute metrics (see ``results``) or write reports (see ``report``).
"""

from __future__ import annotations

import io
from pathlib import Path

from .results import RunResult

# Shown per category when the suite measures them (a metric missing everywhere is skipped).
PLOTTED = (
    ("pass_rate", "pass"),
    ("citation_recall", "citation recall"),
    ("top_citation_gold", "top citation gold"),
    ("hit@1", "hit@1"),
    ("abstention_recall", "abstained (unanswerable)"),
)


def render_png(result: RunResult) -> bytes:
    """The figure as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    suites = result.suites
    rows = len(suites) + 1
    fig, axes = plt.subplots(rows, 1, figsize=(12, 3.1 * rows), squeeze=False)
    for ax, suite in zip(axes[:, 0], suites, strict=False):
        cats = list(suite.categories)
        shown = [
            (key, label)
            for key, label in PLOTTED
            if any(suite.categories[c].get(key) is not None for c in cats)
        ]
        width = 0.8 / max(len(shown), 1)
        for j, (key, label) in enumerate(shown):
            values = [suite.categories[c].get(key) for c in cats]
            xs = [i + (j - (len(shown) - 1) / 2) * width for i in range(len(cats))]
            ax.bar(xs, [v if v is not None else 0 for v in values], width, label=label)
        ax.set_xticks(range(len(cats)))
        ax.set_xticklabels([f"{c}\n(n={suite.categories[c]['cases']})" for c in cats], fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("share")
        ax.set_title(f"{suite.name}: metrics by category ({suite.backend}, {len(suite.cases)} questions)")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax = axes[-1, 0]
    names = [s.name for s in suites]
    series = (("latency_p50", "p50"), ("latency_p95", "p95"), ("ttft_p50", "first token p50"))
    width = 0.8 / len(series)
    for j, (key, label) in enumerate(series):
        values = [(s.metrics.get(key) or 0.0) * 1000 for s in suites]
        xs = [i + (j - (len(series) - 1) / 2) * width for i in range(len(suites))]
        ax.bar(xs, values, width, label=label)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names)
    ax.set_ylabel("ms per question")
    ax.set_title("Latency (whole streamed answer) and time to first token")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()


def save_png(result: RunResult, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_png(result))
    return path
