"""The LLM backend with a judge: the model's checked answer is kept only if a cited quote states the answer.

A real HTTP server (the scripted OpenAI-compatible one) answers both the answer request and
the judge's one-token requests, as one model does for ``--backend llm --judge llm``. Asserts
what users see: an accepted answer marked as checked, a decline naming what it read, nothing
streamed before the verdict, a failing judge leaving the checked answer with a notice, and the
judge refused for a backend of another kind.
"""

from __future__ import annotations

import pytest

from assistant import ABSTAIN_TEXT, Assistant, ConfigurationError
from assistant.llm import LLMBackend
from assistant.registry import make_backend
from tests.conftest import SEED
from tests.llm_server import NO, YES, error, reply
from tests.test_judge_server import open_judged

GOOD = (
    "Kim Jong Un and Vladimir Putin are expected to meet in Vladivostok, a port city close to "
    "North Korea [¶3]. North Korea would send artillery and anti-tank missiles in exchange for "
    "Russian satellite and nuclear submarine technology [¶2]."
)


def judged_bot(seed_index, encoder, server, **kw) -> Assistant:
    return open_judged(seed_index, encoder, server, backend="llm", **kw)


def test_an_accepted_answer_is_shown_as_checked(seed_index, encoder, server):
    server.add(reply(GOOD), reply("Yes", logprobs=YES), reply("No", logprobs=NO))
    with judged_bot(seed_index, encoder, server) as bot:
        assert isinstance(bot.backend, LLMBackend) and bot.backend.judge is not None
        ans = bot.ask("Where will Kim and Putin meet?")
    assert not ans.abstained and ans.backend == "llm:test-model" and ans.checked_by == "test-model"
    assert [c.paragraph for c in ans.citations] == [3, 2] and len(ans.verdicts) == 2
    answer_request, *verdicts = server.chats
    assert answer_request["max_tokens"] > 1 and len(verdicts) == 2
    assert all(v["max_tokens"] == 1 and v["logprobs"] is True for v in verdicts)
    assert "Where will Kim and Putin meet?" in verdicts[0]["messages"][-1]["content"]
    assert ans.citations[0].quote in verdicts[0]["messages"][-1]["content"]


def test_answer_none_of_whose_quotes_states_it_is_declined_and_nothing_streamed_first(
    seed_index, encoder, server
):
    server.add(reply(GOOD), reply("No", logprobs=NO), reply("No", logprobs=NO))
    with judged_bot(seed_index, encoder, server) as bot:
        pieces = list(bot.stream("On what exact date will the summit take place?"))
    ans = pieces[-1]
    assert pieces[:-1] == []  # the checked sentences wait for the verdict
    assert ans.abstained and ans.text == ABSTAIN_TEXT and ans.citations == []
    assert ans.checked_by == "test-model" and {c.paragraph for c in ans.rejected} == {2, 3}
    assert all(c.quote in SEED.read_text(encoding="utf-8") for c in ans.rejected)


def test_a_failing_judge_leaves_the_checked_answer_with_a_notice(seed_index, encoder, server):
    server.add(reply(GOOD), error(500, headers={"x-should-retry": "false"}))
    with judged_bot(seed_index, encoder, server) as bot:
        ans = bot.ask("Where will Kim and Putin meet?")
    assert not ans.abstained and ans.checked_by is None and ans.notice.startswith("Not checked:")
    assert [c.paragraph for c in ans.citations] == [3, 2]


def test_declines_are_not_judged(seed_index, encoder, server):
    server.add(reply(ABSTAIN_TEXT), reply(ABSTAIN_TEXT))  # the decline, and the one after a second look
    with judged_bot(seed_index, encoder, server) as bot:
        assert bot.ask("What is the population of Vladivostok?").abstained
    assert len(server.chats) == 2 and server.unscripted == 0


def test_the_judge_of_another_kind_is_refused(server):
    with pytest.raises(ConfigurationError, match="local judge"):
        make_backend("llm", False, None, {"base_url": server.url, "model": "m"}, judge="local")
