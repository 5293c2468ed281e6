"""footnote's eval suite: scripted and SQuAD-derived questions, citation-level metrics, reports.

    import evals
    result = evals.run(["seed", "xquad"], backend="extractive")
    result.suite("seed").metrics["answerable_pass_rate"]
    result.save("results.json")

The public API is what ``__all__`` lists; the command line is ``footnote eval``
(``evals.cli``).
"""

from .cases import Case, CaseGroup, Suite, SuiteError
from .compare import CaseChange, Delta, case_changes, compare, regressions
from .report import markdown, text_summary, to_html, write_reports
from .results import CaseResult, RunResult, SuiteResult, aggregate, check_floors
from .runner import run, run_suite
from .squad import SquadArticle, SquadQuestion, load_squad
from .suite import load_suite

__all__ = [
    "Case",
    "CaseChange",
    "CaseGroup",
    "CaseResult",
    "Delta",
    "RunResult",
    "SquadArticle",
    "SquadQuestion",
    "Suite",
    "SuiteError",
    "SuiteResult",
    "aggregate",
    "case_changes",
    "check_floors",
    "compare",
    "load_squad",
    "load_suite",
    "markdown",
    "regressions",
    "run",
    "run_suite",
    "text_summary",
    "to_html",
    "write_reports",
]
