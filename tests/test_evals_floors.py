"""CI's quality gate: the seed suite, the fixed XQuAD sample and the out-of-scope suite
must meet the floors recorded in their suite files (extractive backend).

The suites run once per session through the Python API (``evals.run``); their indexes
are built in a session temp folder. Floors are set from measured runs and are never
lowered to make a run pass.
"""

from __future__ import annotations

import pytest

import evals

SUITES = ("seed", "seed-probe", "xquad", "xquad-oos")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def eval_run(tmp_path_factory, encoder) -> evals.RunResult:
    return evals.run(
        list(SUITES), backend="extractive", cache_dir=tmp_path_factory.mktemp("eval-cache"), encoder=encoder
    )


@pytest.mark.parametrize("name", SUITES)
def test_suite_meets_its_floors(eval_run, name):
    suite = eval_run.suite(name)
    assert suite.floors, f"{name} records no floors"
    assert suite.floors_apply
    if suite.metrics["answerable"]:
        assert suite.floors.get("quote_validity") == 1.0, "every quote must be verbatim: its floor is 1.0"
    assert suite.metrics["quote_validity"] in (None, 1.0), "a quote was not verbatim in its paragraph"
    assert suite.metrics["errors"] == 0
    details = "\n".join(
        f"  {c.id}: {c.question} -> {c.answer[:120]!r} ({c.why})" for c in suite.failed_cases[:15]
    )
    assert not suite.floor_failures, "\n".join(suite.floor_failures) + "\nfailed cases:\n" + details
