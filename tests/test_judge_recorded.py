"""The judge's mechanics on recorded verdicts of a real 1.5B instruct model (no model runs here).

``tests/data/judge-verdicts.json`` holds, for xquad-dev held-out questions asked as is and with
their answering sentence removed, the top log-probabilities a 1.5B instruct judge gave for
each paragraph the offline reader quoted (see its ``provenance``; recorded by
``training/judge_fit.py``). The tests read them as the product does: the recorded replies
parse to the recorded probabilities, a real HTTP server replaying them gives the same
verdicts through ``Judge``, and the shipped threshold declines more answer-removed questions
than answerable ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.judge import fitted_threshold, open_judge
from assistant.judge.verdict import from_logprobs
from tests.llm_server import ScriptedLLM, reply

FIXTURE = Path(__file__).with_name("data") / "judge-verdicts.json"
DATA = json.loads(FIXTURE.read_text(encoding="utf-8"))
ROWS = [r for r in DATA["rows"] if r["candidates"]]


def decided(row: dict, threshold: float) -> bool:
    """Whether the judged answer stands: some quoted paragraph reaches the threshold."""
    return any(c["p"] >= threshold for c in row["candidates"])


def test_fixture_says_where_it_came_from():
    prov = DATA["provenance"]
    assert "Apache-2.0" in prov["license"] and "judge_fit.py" in prov["recorded_by"] and prov["model"]
    assert prov["threshold"] == fitted_threshold()  # recorded against the shipped fit
    assert {r["variant"] for r in ROWS} == {"single", "sentence"}


def test_recorded_replies_parse_to_the_recorded_probabilities():
    for row in ROWS:
        for c in row["candidates"]:
            assert from_logprobs([tuple(t) for t in c["top_logprobs"]]) == pytest.approx(c["p"], abs=1e-3)


def test_replayed_through_a_server_the_judge_gives_the_same_verdicts():
    rows = ROWS[:12]
    with ScriptedLLM() as server:
        for row in rows:
            for c in row["candidates"]:
                server.add(reply(c["text"] or "", logprobs=[tuple(t) for t in c["top_logprobs"]]))
        judge = open_judge("llm", {"base_url": server.url, "model": "test-model", "max_retries": 0})
        for row in rows:
            got = judge.probabilities(row["question"], [(c["quote"], c["title"]) for c in row["candidates"]])
            assert got == pytest.approx([c["p"] for c in row["candidates"]], abs=1e-3)
            assert any(judge.accepts(p) for p in got) == decided(row, judge.accept_at)
        sent = [m["messages"][0]["content"] for m in server.chats]
    assert all(rows[0]["question"] in sent[0] for _ in [0]) and len(sent) == sum(
        len(r["candidates"]) for r in rows
    )


def test_shipped_threshold_declines_removed_answers_far_more_than_answerable_ones():
    t = fitted_threshold()
    answerable = [r for r in ROWS if r["variant"] == "single"]
    removed = [r for r in ROWS if r["variant"] == "sentence"]
    kept_answerable = sum(decided(r, t) for r in answerable) / len(answerable)
    declined_removed = sum(not decided(r, t) for r in removed) / len(removed)
    assert kept_answerable >= 0.8 and declined_removed >= 0.4
    assert kept_answerable + declined_removed > 1.3  # far from a coin toss
