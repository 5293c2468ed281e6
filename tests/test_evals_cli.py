"""``footnote eval`` end to end on a small suite, and the runner on the real seed index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import Case, RunResult, SuiteError
from evals.cli import main
from evals.runner import resolve_gold, run_case

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "kim-putin-summit.txt"


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One eval cache (the seed's index) for the module's CLI runs."""
    return tmp_path_factory.mktemp("eval-cache")


def _suite(tmp_path: Path, floors: str) -> Path:
    path = tmp_path / "mini.yaml"
    path.write_text(
        f"""name: mini
sources: [{SEED}]
floors: {floors}
cases:
  - id: venue
    category: fact
    question: Where is the summit expected to take place?
    must_contain: [Vladivostok]
    paragraphs: [3, "Vladivostok is the expected location"]
  - id: world-cup
    category: unanswerable
    question: Who won the 2022 World Cup?
    answerable: false
""",
        encoding="utf-8",
    )
    return path


def test_cli_runs_a_suite_and_writes_json_report_and_comparison(tmp_path, capsys, cache):
    suite = _suite(tmp_path, "{hit@5: 0.5}")
    out = tmp_path / "run1.json"
    code = main(
        [str(suite), "--json", str(out), "--report", str(tmp_path / "rep"), "--cache-dir", str(cache)]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "questions" in printed and "mini" in printed and "all 1 floors met" in printed
    result = RunResult.load(out)
    (mini,) = result.suites
    assert [c.id for c in mini.cases] == ["venue", "world-cup"]
    venue = mini.cases[0]
    assert venue.gold == [["kim-putin-summit", 3], ["kim-putin-summit", 8]]
    assert venue.rank is not None and venue.rank <= 5
    assert venue.latency is not None and venue.latency > 0 and venue.ttft is not None
    assert len(venue.retrieved) == 9  # top 10 of a nine-paragraph article
    assert (tmp_path / "rep" / "report.html").read_text(encoding="utf-8").count("data:image/png;base64,") == 1
    assert (tmp_path / "rep" / "report.md").is_file()

    code = main(
        [str(suite), "--compare", str(out), "--report", str(tmp_path / "rep2.md"), "--cache-dir", str(cache)]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert f"Compared with {out}" in printed
    assert "## Compared with" in (tmp_path / "rep2.md").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "results.json").read_text())["suites"][0]["name"] == "mini"


def test_cli_exits_1_when_a_floor_is_not_met(tmp_path, capsys, cache):
    suite = _suite(tmp_path, "{pass_rate: 1.5}")  # no run can reach this
    code = main([str(suite), "--no-report", "--no-progress", "--cache-dir", str(cache)])
    assert code == 1
    assert "FLOOR FAILED: pass_rate" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["no-such-suite"], "No eval suite 'no-such-suite'"),
        (["seed", "--compare", "missing.json"], "No earlier results at missing.json"),
        (["seed", "--sample", "-3"], "--sample must be 0 (all) or a positive number"),
    ],
)
def test_cli_user_mistakes_end_in_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_rejects_a_broken_suite_file(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"sources: [{SEED}]\ncases:\n  - id: a\n", encoding="utf-8")
    assert main([str(bad), "--no-report"]) == 2
    assert "needs an 'id' and a non-empty 'question'" in capsys.readouterr().err


def test_run_case_scores_facts_citations_and_abstention(seed_bot):
    impossible = Case(
        id="z", question="Where will Kim and Putin meet?", all_of=("zebra crossing",), paragraphs=(3,)
    )
    got = run_case(impossible, seed_bot)
    assert not got.passed and got.facts_ok is False
    assert "required facts missing" in got.why or got.abstained
    assert all(c["quote_valid"] for c in got.citations)

    unanswerable = Case(id="u", question="Who won the 2022 World Cup?", answerable=False)
    got = run_case(unanswerable, seed_bot)
    assert got.passed == got.abstained
    assert got.gold == [] and got.rank is None


def test_gold_paragraphs_resolve_by_number_and_phrase(seed_bot):
    case = Case(id="p", question="q", paragraphs=(2, "the expected location for the future negotiations"))
    assert resolve_gold(case, seed_bot) == [("kim-putin-summit", 2), ("kim-putin-summit", 8)]
    with pytest.raises(SuiteError, match="no paragraph in the index matches"):
        resolve_gold(Case(id="x", question="q", paragraphs=("penguins of madagascar",)), seed_bot)
    with pytest.raises(SuiteError, match="no paragraph"):
        resolve_gold(Case(id="y", question="q", paragraphs=(12,)), seed_bot)


def test_cli_refuses_an_unwritable_report_folder_before_running(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["seed", "--report", str(blocker / "out"), "--cache-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err
    assert not (tmp_path / "indexes").exists()  # nothing was run


def test_an_interrupted_run_keeps_the_questions_already_asked(tmp_path, monkeypatch, cache, capsys):
    import evals.runner as runner

    real, calls = runner.run_case, []

    def interrupt_second(case, bot, label=""):
        calls.append(case.id)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(case, bot, label)

    monkeypatch.setattr(runner, "run_case", interrupt_second)
    out = tmp_path / "partial.json"
    suite = _suite(tmp_path, "{hit@5: 0.5}")
    code = main(
        [str(suite), "seed", "--json", str(out), "--no-report", "--no-progress", "--cache-dir", str(cache)]
    )
    assert code == 130
    result = RunResult.load(out)
    assert [s.name for s in result.suites] == ["mini"]  # the next suite never started
    (mini,) = result.suites
    assert not mini.complete and [c.id for c in mini.cases] == ["venue"]
    assert not mini.floors_apply and mini.floor_failures == []
    assert "INTERRUPTED after 1 questions" in capsys.readouterr().out
