"""``footnote eval --backend llm`` against the scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals import RunResult
from evals.cli import main
from tests.conftest import SEED
from tests.llm_server import MODEL, ScriptedLLM, error, reply

VENUE = "The summit is expected in Vladivostok, a port city close to North Korea [¶3]."
SUITE = f"""name: mini-llm
sources: [{SEED}]
floors: {{answerable_pass_rate: 0.5}}
cases:
  - id: venue
    category: fact
    question: Where is the summit expected to take place?
    must_contain: [Vladivostok]
    paragraphs: [3, 8]
"""


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("eval-cache")


@pytest.fixture()
def llm_env(monkeypatch):
    with ScriptedLLM() as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
        monkeypatch.setenv("FOOTNOTE_LLM_MODEL", MODEL)
        monkeypatch.setenv("FOOTNOTE_LLM_TIMEOUT", "2")
        monkeypatch.setenv("FOOTNOTE_LLM_MAX_RETRIES", "0")
        yield srv


def _run(tmp_path: Path, cache: Path) -> tuple[int, RunResult]:
    suite = tmp_path / "mini.yaml"
    suite.write_text(SUITE, encoding="utf-8")
    out = tmp_path / "llm.json"
    code = main(
        [
            str(suite),
            "--backend",
            "llm",
            "--json",
            str(out),
            "--no-report",
            "--no-progress",
            "--cache-dir",
            str(cache),
        ]
    )
    return code, RunResult.load(out)


def test_llm_answers_are_scored_and_streamed(llm_env, tmp_path, cache, capsys):
    llm_env.add(*[reply(VENUE, chunk_chars=6) for _ in range(4)])
    code, result = _run(tmp_path, cache)
    assert code == 0, capsys.readouterr().out
    (suite,) = result.suites
    assert suite.backend == f"llm:{MODEL}" and result.backend == f"llm:{MODEL}"
    (case,) = suite.cases
    assert llm_env.chats, "the model was never asked"
    assert case.passed and not case.fell_back and case.error is None
    assert case.citations[0]["paragraph"] == 3 and case.citations[0]["quote_valid"]
    assert 0 < case.ttft <= case.latency
    assert suite.metrics["fallbacks"] == 0 and suite.metrics["errors"] == 0


def test_a_failing_llm_is_an_error_not_a_quiet_offline_answer(llm_env, tmp_path, cache, capsys):
    llm_env.add(*[error(500, headers={"x-should-retry": "false"}) for _ in range(6)])
    code, result = _run(tmp_path, cache)
    (suite,) = result.suites
    (case,) = suite.cases
    assert case.error and not case.passed
    assert suite.metrics["errors"] == 1
    assert case.rank is not None and case.rank <= 5  # retrieval is measured all the same
    assert code == 1  # errors count as failed cases, so the pass-rate floor is not met
    assert "FLOOR FAILED" in capsys.readouterr().out
