"""Compare two eval runs metric by metric and flag regressions.

A metric regresses when it moved the wrong way by more than a tolerance: 0.005 for
rates (so a single question out of a few hundred is not noise we hide, but float
round-off is), and for timings 25% *and* 5 ms (timings on a shared machine are noisy).
Counts (cases, answerable, ...) are shown but never judged. This module does not run
anything or render reports.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .results import LOWER_IS_BETTER, NEUTRAL, RunResult

RATE_TOLERANCE = 0.005
TIME_RELATIVE = 0.25
TIME_ABSOLUTE = 0.005  # seconds
_TIMINGS = frozenset({"latency_p50", "latency_p95", "ttft_p50", "ttft_p95"})


@dataclass(frozen=True)
class Delta:
    """One metric of one suite in two runs; ``status`` is regression/improved/same/new/gone."""

    suite: str
    metric: str
    before: float | None
    after: float | None
    status: str

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def to_dict(self) -> dict:
        return {**asdict(self), "change": self.change}


def judge(metric: str, before: float | None, after: float | None) -> str:
    """Whether ``after`` is a regression, an improvement or the same as ``before``."""
    if before is None and after is None:
        return "same"
    if before is None:
        return "new"
    if after is None:
        return "gone"
    if metric in NEUTRAL:
        return "same"
    worse = after - before if metric in LOWER_IS_BETTER else before - after
    if metric in _TIMINGS:
        tolerance = max(TIME_ABSOLUTE, TIME_RELATIVE * abs(before))
    elif metric in ("answer_words",):
        tolerance = max(1.0, 0.1 * abs(before))
    elif metric in ("errors", "citations_removed", "fallbacks", "fallbacks_silent"):
        tolerance = 0.0
    else:
        tolerance = RATE_TOLERANCE
    if worse > tolerance:
        return "regression"
    if -worse > tolerance:
        return "improved"
    return "same"


def compare(current: RunResult, previous: RunResult) -> list[Delta]:
    """Deltas for every metric of every suite present in ``current`` (suites matched by name)."""
    before = {s.name: s.metrics for s in previous.suites}
    out = []
    for suite in current.suites:
        old = before.get(suite.name)
        if old is None:
            continue
        for metric, value in suite.metrics.items():
            prior = old.get(metric)
            out.append(Delta(suite.name, metric, prior, value, judge(metric, prior, value)))
    return out


def regressions(deltas: list[Delta]) -> list[Delta]:
    return [d for d in deltas if d.status == "regression"]


@dataclass(frozen=True)
class CaseChange:
    """A case (matched by suite and id) that passed in one run and failed in the other."""

    suite: str
    id: str
    question: str
    now_passes: bool
    why: str  # the failure reason of the failing run


def case_changes(current: RunResult, previous: RunResult) -> list[CaseChange]:
    """Cases whose verdict flipped between the runs: newly failing first, then newly passing."""
    before = {(s.name, c.id): c for s in previous.suites for c in s.cases}
    out = []
    for suite in current.suites:
        for c in suite.cases:
            old = before.get((suite.name, c.id))
            if old is not None and old.passed != c.passed:
                why = old.why if c.passed else c.why
                out.append(CaseChange(suite.name, c.id, c.question, c.passed, why))
    return sorted(out, key=lambda x: x.now_passes)
