"""Eval results as data: per case, per suite (with metrics by category) and per run.

Plain dataclasses that round-trip through JSON (``RunResult.save`` / ``RunResult.load``),
so a run can be compared with a later one. ``aggregate`` turns case results into the
suite's metrics; ``check_floors`` compares metrics with a suite's floors and ceilings.
This module does not run the assistant (see ``runner``) or render reports (see ``report``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from . import metrics as m

# Metrics where lower is better; every other metric is better when higher.
LOWER_IS_BETTER = frozenset(
    {
        "false_abstention_rate",
        "latency_p50",
        "latency_p95",
        "ttft_p50",
        "ttft_p95",
        "answer_words",
        "errors",
        "citations_removed",
        "fallbacks",
        "fallbacks_silent",
        "false_support",
        "false_support_unanswerable",
        "false_support_answerable",
    }
)
# Counts and sizes: shown, never judged as regressions.
NEUTRAL = frozenset({"cases", "answerable", "unanswerable"})
RATE_METRICS = (
    "pass_rate",
    "answerable_pass_rate",
    "facts_present",
    "gold_containment",
    "f1",
    "short_f1",
    "short_coverage",
    "short_f1_given",
    "citation_recall",
    "citation_precision",
    "top_citation_gold",
    "quote_validity",
    "abstention_precision",
    "abstention_recall",
    "false_abstention_rate",
    "false_support_unanswerable",
    "false_support_answerable",
    "hit@1",
    "hit@5",
    "mrr@10",
)


@dataclass
class CaseResult:
    """One case as asked: what was expected, what came back, and how it scored."""

    id: str
    category: str
    question: str
    answerable: bool
    expected: str
    group: str = ""
    history: list[list[str]] = field(default_factory=list)
    answer: str = ""
    abstained: bool = False
    # [{"document", "paragraph", "quote", "quote_valid"} (+ "supported" when recorded)], in order
    citations: list[dict[str, Any]] = field(default_factory=list)
    citations_removed: int = 0
    fell_back: bool = False  # answered by another backend than the one under test (e.g. offline)
    notice: str | None = None  # what the answer told the user about how it was made (e.g. a fallback)
    gold: list[list[Any]] = field(default_factory=list)  # [[document, paragraph], ...]
    gold_answers: list[str] = field(default_factory=list)
    has_facts: bool = False
    retrieved: list[list[Any]] = field(default_factory=list)  # top-10 [[document, paragraph], ...]
    rank: int | None = None  # 1-based rank of the first gold paragraph in the top 10
    facts_ok: bool | None = None
    contained: bool | None = None
    f1: float | None = None
    short: str | None = None  # the answer's short span, when it gave one
    short_f1: float | None = None  # token F1 of ``short`` (of the whole text when there is none)
    latency: float | None = None  # seconds, whole streamed answer
    ttft: float | None = None  # seconds to the first streamed piece
    words: int = 0
    passed: bool = False
    why: str = ""
    error: str | None = None

    @property
    def cited(self) -> list[tuple[str, int]]:
        return [(c["document"], int(c["paragraph"])) for c in self.citations]

    @property
    def correct(self) -> bool | None:
        """Did the answer hold the required facts and gold answer (None: nothing to check)?"""
        checks = [v for v in (self.facts_ok, self.contained) if v is not None]
        return all(checks) if checks else None

    @property
    def false_support(self) -> bool:
        """Shown with a supported citation, yet unanswerable or missing the required facts."""
        shown = not self.error and m.shows_support(self.abstained, self.citations)
        return m.false_support(self.answerable, shown, self.correct)

    @property
    def gold_refs(self) -> list[tuple[str, int]]:
        return [(str(d), int(n)) for d, n in self.gold]


def aggregate(cases: list[CaseResult]) -> dict[str, float | int | None]:
    """The suite metrics over ``cases`` (``None`` where a metric has no denominator)."""
    answerable = [c for c in cases if c.answerable]
    with_gold = [c for c in answerable if c.gold]
    answered_gold = [c for c in with_gold if not c.abstained and not c.error]
    hits = [m.citation_hits(c.cited, c.gold_refs) for c in answered_gold]
    cited_total = sum(t for _, t in hits)
    quotes = [q["quote_valid"] for c in cases for q in c.citations]
    answered = [c for c in cases if not c.abstained and not c.error]
    unanswerable = [c for c in cases if not c.answerable]
    checked = [c for c in answerable if c.correct is not None]
    out: dict[str, float | int | None] = {
        "cases": len(cases),
        "answerable": len(answerable),
        "unanswerable": len(cases) - len(answerable),
        "pass_rate": m.mean(float(c.passed) for c in cases),
        "answerable_pass_rate": m.mean(float(c.passed) for c in answerable),
        "facts_present": m.mean(float(bool(c.facts_ok)) for c in answerable if c.has_facts),
        "gold_containment": m.mean(float(bool(c.contained)) for c in answerable if c.gold_answers),
        "f1": m.mean(c.f1 or 0.0 for c in answerable if c.gold_answers),
        "short_f1": m.mean(c.short_f1 or 0.0 for c in answerable if c.gold_answers),
        # A wrong short answer shown in bold is worse than none: how often one is given, and
        # how right it is when it is.
        "short_coverage": m.mean(float(c.short is not None) for c in answerable if c.gold_answers),
        "short_f1_given": m.mean(c.short_f1 or 0.0 for c in answerable if c.gold_answers and c.short),
        "citation_recall": m.mean(m.citation_recall(c.cited, c.gold_refs) for c in answered_gold),
        "citation_precision": sum(h for h, _ in hits) / cited_total if cited_total else None,
        "top_citation_gold": m.mean(
            float(bool(c.cited) and not c.abstained and c.cited[0] in set(c.gold_refs)) for c in with_gold
        ),
        "quote_validity": sum(quotes) / len(quotes) if quotes else None,
        **m.abstention_scores([c.answerable for c in cases], [c.abstained for c in cases]),
        "false_support": sum(c.false_support for c in cases),
        "false_support_unanswerable": m.mean(float(c.false_support) for c in unanswerable),
        "false_support_answerable": m.mean(float(c.false_support) for c in checked),
        "hit@1": m.mean(m.hit_at(c.rank, 1) for c in with_gold),
        "hit@5": m.mean(m.hit_at(c.rank, 5) for c in with_gold),
        "mrr@10": m.mean(m.reciprocal_rank(c.rank, 10) for c in with_gold),
        "latency_p50": m.percentile([c.latency for c in cases if c.latency is not None], 50),
        "latency_p95": m.percentile([c.latency for c in cases if c.latency is not None], 95),
        "ttft_p50": m.percentile([c.ttft for c in cases if c.ttft is not None], 50),
        "ttft_p95": m.percentile([c.ttft for c in cases if c.ttft is not None], 95),
        "answer_words": m.mean(float(c.words) for c in answered),
        "citations_removed": sum(c.citations_removed for c in cases),
        "fallbacks": sum(1 for c in cases if c.fell_back),
        # Users must always be told when another backend answered: this must stay 0.
        "fallbacks_silent": sum(1 for c in cases if c.fell_back and not c.notice),
        "errors": sum(1 for c in cases if c.error),
    }
    return out


def by_category(cases: list[CaseResult]) -> dict[str, dict[str, float | int | None]]:
    cats = sorted({c.category for c in cases})
    return {cat: aggregate([c for c in cases if c.category == cat]) for cat in cats}


def check_floors(
    metrics: dict[str, Any], floors: dict[str, float], ceilings: dict[str, float] | None = None
) -> list[str]:
    """Messages for every metric below its floor or above its ceiling (or not measured)."""
    failures = []
    for name, floor in floors.items():
        value = metrics.get(name)
        if value is None:
            failures.append(f"{name}: not measured (floor {floor:g})")
        elif value < floor - 1e-9:
            failures.append(f"{name} = {value:.3f} is below its floor {floor:g}")
    for name, ceiling in (ceilings or {}).items():
        value = metrics.get(name)
        if value is None:
            failures.append(f"{name}: not measured (ceiling {ceiling:g})")
        elif value > ceiling + 1e-9:
            failures.append(f"{name} = {value:.3f} is above its ceiling {ceiling:g}")
    return failures


@dataclass
class SuiteResult:
    """A suite's metrics overall and by category, its floor check, and every case."""

    name: str
    kind: str
    backend: str
    metrics: dict[str, Any]
    categories: dict[str, dict[str, Any]]
    cases: list[CaseResult]
    floors: dict[str, float] = field(default_factory=dict)
    ceilings: dict[str, float] = field(default_factory=dict)
    floors_apply: bool = True
    floor_failures: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    seconds: float = 0.0
    complete: bool = True  # False when the run was interrupted part-way through the suite

    @property
    def passed(self) -> bool:
        return not self.floor_failures

    @property
    def failed_cases(self) -> list[CaseResult]:
        return [c for c in self.cases if not c.passed]


@dataclass
class RunResult:
    """Everything one ``evals.run`` produced; ``save``/``load`` round-trip it as JSON."""

    backend: str
    started: str
    seconds: float
    suites: list[SuiteResult]

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.suites)

    @property
    def complete(self) -> bool:
        return all(s.complete for s in self.suites)

    def suite(self, name: str) -> SuiteResult:
        for s in self.suites:
            if s.name == name:
                return s
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        case_fields = {f.name for f in fields(CaseResult)}
        suite_fields = {f.name for f in fields(SuiteResult)}
        suites = []
        for s in data.get("suites", []):
            cases = [
                CaseResult(**{k: v for k, v in c.items() if k in case_fields}) for c in s.get("cases", [])
            ]
            kept = {k: v for k, v in s.items() if k in suite_fields and k != "cases"}
            suites.append(SuiteResult(**kept, cases=cases))
        return cls(
            backend=str(data.get("backend", "")),
            started=str(data.get("started", "")),
            seconds=float(data.get("seconds", 0.0)),
            suites=suites,
        )

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> RunResult:
        from index.errors import InputError

        try:
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except FileNotFoundError as exc:
            raise InputError(f"No earlier results at {path}.") from exc
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise InputError(f"{path} is not an eval results JSON file ({type(exc).__name__}).") from exc
