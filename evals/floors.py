"""Suggest floors (and ceilings) for a suite file from a measured run.

A floor sits about one question below what was measured (measured minus one over the
number of cases, rounded down to two decimals), so the same run passes and a run that
loses a question or two fails; quote validity is always floored at 1.0 (unless the suite
only has questions to abstain on, where there may be no quote to check). Ceilings for lower-is-better rates sit one question above.
Used by ``footnote eval --suggest-floors``; a human decides what goes into the suite
file (floors are raised when quality improves, never lowered to make a run pass). This
module does not edit suite files.
"""

from __future__ import annotations

import math

from .results import SuiteResult

FLOORED = (
    "answerable_pass_rate",
    "facts_present",
    "gold_containment",
    "f1",
    "citation_recall",
    "citation_precision",
    "top_citation_gold",
    "abstention_recall",
    "hit@1",
    "hit@5",
    "mrr@10",
)
CEILINGED = ("false_abstention_rate",)


def suggest(suite: SuiteResult) -> tuple[dict[str, float], dict[str, float]]:
    """(floors, ceilings) one question's worth away from the measured metrics."""
    step = 1.0 / max(len(suite.cases), 1)
    floors: dict[str, float] = {}
    for name in FLOORED:
        value = suite.metrics.get(name)
        if value is not None:
            floors[name] = max(0.0, math.floor((value - step) * 100) / 100)
    if suite.metrics.get("quote_validity") is not None or suite.metrics.get("answerable"):
        floors["quote_validity"] = 1.0  # every quote verbatim, always
    ceilings: dict[str, float] = {}
    for name in CEILINGED:
        value = suite.metrics.get(name)
        if value is not None:
            ceilings[name] = min(1.0, math.ceil((value + step) * 100) / 100)
    return floors, ceilings


def as_yaml(suite: SuiteResult) -> str:
    """The suggestion as suite-file YAML lines."""
    floors, ceilings = suggest(suite)

    def block(key: str, values: dict[str, float]) -> list[str]:
        return [f"{key}:", *(f"  {k}: {v:g}" for k, v in values.items())] if values else []

    return "\n".join([f"# {suite.name}", *block("floors", floors), *block("ceilings", ceilings)])
