"""The false-support metrics: answers vouched for by a supported citation that are wrong.

Hand-made cases with known outcomes, the report rows, and old results JSON (without the
new fields) still loading and comparing.
"""

from __future__ import annotations

import json

import pytest

from evals import RunResult, compare, markdown, text_summary
from evals import metrics as m
from evals.results import CaseResult, SuiteResult, aggregate, by_category


def _cite(n: int, supported: bool | None = None) -> dict:
    c = {"document": "doc", "paragraph": n, "quote": f"quote {n}", "quote_valid": True}
    if supported is not None:
        c["supported"] = supported
    return c


def _case(id_: str, answerable: bool = True, **kw) -> CaseResult:
    base = {"id": id_, "category": "fact", "question": f"{id_}?", "answerable": answerable, "expected": ""}
    return CaseResult(**{**base, **kw})


def test_shows_support_and_false_support():
    assert m.shows_support(False, [_cite(3)])  # no flag recorded: counted as supported
    assert m.shows_support(False, [_cite(3, False), _cite(4, True)])
    assert not m.shows_support(False, [_cite(3, False)])
    assert not m.shows_support(True, [_cite(3)])  # an abstention shows nothing
    assert not m.shows_support(False, [])
    assert m.false_support(False, True, None)  # unanswerable, shown as supported
    assert not m.false_support(False, False, None)
    assert m.false_support(True, True, False)  # answerable, supported, facts missing
    assert not m.false_support(True, True, True)
    assert not m.false_support(True, True, None)  # nothing to check
    assert not m.false_support(True, False, False)  # wrong but not vouched for


def test_aggregate_counts_false_support_both_ways():
    cases = [
        _case("ok", answer="Vladivostok [¶3].", citations=[_cite(3)], facts_ok=True, has_facts=True),
        _case("wrong", answer="Moscow [¶3].", citations=[_cite(3)], facts_ok=False, has_facts=True),
        _case("gold-miss", answer="x [¶1].", citations=[_cite(1)], contained=False, gold_answers=["y"]),
        _case("flagged", answer="Moscow [¶3].", citations=[_cite(3, False)], facts_ok=False, has_facts=True),
        _case("u-shown", False, answer="500 tanks [¶2].", citations=[_cite(2)]),
        _case("u-abstained", False, abstained=True),
        _case("u-error", False, error="BackendError: down", citations=[_cite(2)]),
        _case("u-uncited", False, answer="Maybe."),
    ]
    got = aggregate(cases)
    assert got["false_support"] == 3  # wrong, gold-miss, u-shown
    assert got["false_support_unanswerable"] == pytest.approx(1 / 4)
    assert got["false_support_answerable"] == pytest.approx(2 / 4)
    assert [c.id for c in cases if c.false_support] == ["wrong", "gold-miss", "u-shown"]
    assert by_category(cases)["fact"]["false_support"] == 3
    none = aggregate([_case("a", abstained=True)])
    assert none["false_support"] == 0
    assert none["false_support_unanswerable"] is None and none["false_support_answerable"] is None


def _run(cases: list[CaseResult]) -> RunResult:
    suite = SuiteResult("seed", "qa", "llm:x", aggregate(cases), by_category(cases), cases)
    return RunResult(backend="llm:x", started="2026-01-01T00:00:00+00:00", seconds=1.0, suites=[suite])


def test_report_rows_show_false_support():
    run = _run(
        [
            _case("wrong", answer="Moscow [¶3].", citations=[_cite(3)], facts_ok=False, has_facts=True),
            _case("u-shown", False, answer="500 tanks [¶2].", citations=[_cite(2)]),
        ]
    )
    text = text_summary(run)
    assert "false support (cases)" in text and "unanswerable: shown as supported" in text
    line = next(ln for ln in text.splitlines() if ln.startswith("false support (cases)"))
    assert line.split()[-1] == "2"
    md = markdown(run)
    assert "| answerable: supported, facts missing | 1.000 |" in md
    assert "| false support |" in md  # the by-category column


def test_old_results_without_the_fields_load_report_and_compare(tmp_path):
    new = _run([_case("u-shown", False, answer="500 tanks [¶2].", citations=[_cite(2)])])
    old = new.to_dict()
    for s in old["suites"]:
        for key in ("false_support", "false_support_unanswerable", "false_support_answerable"):
            s["metrics"].pop(key)
            for cat in s["categories"].values():
                cat.pop(key)
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    previous = RunResult.load(path)
    assert "false support" not in text_summary(previous)
    statuses = {d.metric: d.status for d in compare(new, previous)}
    assert statuses["false_support"] == "new" and statuses["false_support_unanswerable"] == "new"
    # and a later run that shows more false support is a regression
    worse = _run(
        [
            _case("u-shown", False, answer="500 tanks [¶2].", citations=[_cite(2)]),
            _case("u-2", False, answer="2 billion [¶2].", citations=[_cite(2)]),
        ]
    )
    statuses = {d.metric: d.status for d in compare(worse, new)}
    assert statuses["false_support"] == "regression"
