"""Reports, comparisons and JSON round trips on hand-made results (no assistant involved)."""

from __future__ import annotations

import base64
import json

from evals import RunResult, compare, markdown, regressions, text_summary, write_reports
from evals.compare import judge
from evals.results import CaseResult, SuiteResult, aggregate, by_category, check_floors


def _case(id_, passed, **kw) -> CaseResult:
    base = {
        "id": id_,
        "category": "fact",
        "question": f"Question {id_}?",
        "answerable": True,
        "expected": "all of: Vladivostok; cite ¶3",
        "gold": [["doc", 3]],
        "rank": 1,
        "latency": 0.02,
        "ttft": 0.01,
        "passed": passed,
    }
    return CaseResult(**{**base, **kw})


def _run(pass_b: bool = False, latency: float = 0.02) -> RunResult:
    cases = [
        _case("a", True, answer="In Vladivostok [¶3].", citations=[_cite(3)], words=2, latency=latency),
        _case(
            "b",
            pass_b,
            category="paraphrase",
            answer="<script>alert(1)</script> | pipes [¶1].",
            citations=[_cite(1)],
            why="" if pass_b else "required facts missing",
            rank=2,
            history=[["Where?", "There [¶3]."]],
        ),
        _case("u", True, category="unanswerable", answerable=False, abstained=True, gold=[], rank=None),
    ]
    suite = SuiteResult(
        name="seed",
        kind="qa",
        backend="extractive",
        metrics=aggregate(cases),
        categories=by_category(cases),
        cases=cases,
        floors={"pass_rate": 0.5},
    )
    return RunResult(backend="extractive", started="2026-01-01T00:00:00+00:00", seconds=1.5, suites=[suite])


def _cite(n: int) -> dict:
    return {"document": "doc", "paragraph": n, "quote": f"quote {n}", "quote_valid": True}


def test_results_round_trip_through_json(tmp_path):
    result = _run()
    path = result.save(tmp_path / "r" / "results.json")
    again = RunResult.load(path)
    assert again.to_dict() == result.to_dict()
    assert (
        json.loads(path.read_text())["suites"][0]["metrics"]["pass_rate"]
        == result.suites[0].metrics["pass_rate"]
    )


def test_text_summary_lists_metrics_down_and_suites_across():
    text = text_summary(_run())
    header = text.splitlines()[0]
    assert header.split() == ["metric", "seed"]
    assert "pass rate" in text and "0.667" in text
    assert "retrieval MRR@10" in text and "0.750" in text


def test_markdown_report_has_summary_categories_floors_and_failed_cases():
    md = markdown(_run(), plot="eval-plot.png")
    for heading in (
        "## Summary",
        "## Suite seed",
        "### By category",
        "### Floors",
        "### Failed cases (1 of 3)",
    ):
        assert heading in md
    assert "![Metrics by category and latency](eval-plot.png)" in md
    failed = md.split("### Failed cases", 1)[1]
    assert "Question b?" in failed and "Question a?" not in failed
    assert "**Expected:** all of: Vladivostok" in failed
    assert "cited doc ¶1: “quote 1”" in failed
    assert "Earlier: *Where?*" in failed
    assert "\\<script\\>" in failed and "\\| pipes" in failed  # escaped, cannot break the page


def test_html_report_is_self_contained_and_does_not_run_answer_html(tmp_path):
    paths = write_reports(_run(), tmp_path / "rep")
    page = paths["html"].read_text(encoding="utf-8")
    png = paths["plot"].read_bytes()
    assert png.startswith(b"\x89PNG")
    assert "data:image/png;base64," + base64.b64encode(png).decode() in page
    assert 'src="eval-plot.png"' not in page
    assert "<script" not in page
    assert "<table>" in page
    assert paths["markdown"].read_text(encoding="utf-8").startswith("# footnote eval report")


def test_compare_marks_regressions_and_improvements():
    before, after = _run(pass_b=True), _run(pass_b=False)
    deltas = compare(after, before)
    status = {d.metric: d.status for d in deltas}
    assert status["pass_rate"] == "regression"
    assert status["cases"] == "same"
    assert status["answerable_pass_rate"] == "regression"
    assert {d.metric for d in regressions(compare(before, after))} == set()
    md = markdown(after, deltas=deltas, previous="old.json")
    assert "## Compared with old.json" in md and "▼ regression" in md
    assert "other metrics unchanged" in md


def test_judge_directions_and_tolerances():
    assert judge("hit@1", 0.90, 0.89) == "regression"
    assert judge("hit@1", 0.90, 0.897) == "same"  # within tolerance
    assert judge("hit@1", 0.90, 0.95) == "improved"
    assert judge("false_abstention_rate", 0.02, 0.05) == "regression"  # lower is better
    assert judge("latency_p50", 0.100, 0.110) == "same"  # timings are noisy
    assert judge("latency_p50", 0.100, 0.200) == "regression"
    assert judge("hit@1", None, 0.9) == "new"
    assert judge("hit@1", 0.9, None) == "gone"


def test_report_on_a_slower_run_flags_latency():
    deltas = compare(_run(latency=0.5), _run(latency=0.02))
    assert "latency_p95" in {d.metric for d in regressions(deltas)}


def test_suggested_floors_sit_just_below_the_measured_values():
    from evals.floors import as_yaml, suggest

    suite = _run().suites[0]  # 3 cases: pass_rate 2/3, answerable pass 1/2, MRR 0.75
    floors, ceilings = suggest(suite)
    assert floors["answerable_pass_rate"] == 0.16  # 0.5 - 1/3, rounded down
    assert floors["mrr@10"] == 0.41
    assert floors["quote_validity"] == 1.0
    assert ceilings == {"false_abstention_rate": 0.34}
    assert all(floors[k] <= suite.metrics[k] for k in floors if k != "quote_validity")
    assert check_floors(suite.metrics, floors, ceilings) == []
    assert as_yaml(suite).startswith("# seed\nfloors:\n")


def test_compare_lists_cases_whose_verdict_flipped():
    from evals import case_changes

    before, after = _run(pass_b=True), _run(pass_b=False)
    (change,) = case_changes(after, before)
    assert (change.suite, change.id, change.now_passes) == ("seed", "b", False)
    assert change.why == "required facts missing"
    assert case_changes(before, after)[0].now_passes
    md = markdown(after, deltas=compare(after, before), previous="old.json", changes=[change])
    assert "### Cases that changed" in md and "**now fails**" in md
    assert case_changes(after, after) == []
