"""Before the first question, a local model's server reads the prompt up to the question."""

from __future__ import annotations

import time

from tests.llm_server import error, reply
from tests.test_llm import GOOD, make_bot


def warming(seed_bot, srv, **settings):
    bot = make_bot(seed_bot, srv, **settings)
    bot.backend.warms = True  # as LocalBackend: the server caches prompts and tokens are free
    return bot


def test_the_warm_up_sends_everything_before_the_question(seed_bot, server):
    bot = warming(seed_bot, server)
    server.add(reply("."), reply(GOOD))
    bot.backend.warm(bot.retriever).join(timeout=30)
    answer = bot.ask("Where will Kim and Putin meet?")
    assert not answer.abstained and answer.citations
    warm, asked = server.chats
    assert warm["max_tokens"] == 1 and asked["max_tokens"] > 1
    assert warm["messages"][:-1] == asked["messages"][:-1]  # system rules and worked examples
    head = warm["messages"][-1]["content"]
    assert "</article>" in head and asked["messages"][-1]["content"].startswith(head.rstrip())
    assert "Where will Kim" not in head


def test_assistant_warm_returns_at_once_and_survives_a_failing_server(seed_bot, server):
    bot = warming(seed_bot, server)
    server.add(error(500, "boom"), error(500, "boom"), reply(GOOD))  # max_retries=1: two attempts
    started = time.monotonic()
    bot.warm()
    assert time.monotonic() - started < 1.0
    deadline = time.monotonic() + 30
    while len(server.chats) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    assert len(server.chats) == 2
    assert not bot.ask("Where will Kim and Putin meet?").abstained  # nothing of it leaks into answers
    assert server.unscripted == 0


def test_no_warm_up_for_a_paid_api_or_when_the_article_does_not_fit(seed_bot, server):
    remote = make_bot(seed_bot, server)
    assert remote.backend.warm(remote.retriever) is None
    small = warming(seed_bot, server, context_window=1300, max_tokens=100, top_k=2)
    assert small.backend.warm(small.retriever) is None  # each question gets its own paragraphs
    remote.warm()
    small.warm()
    time.sleep(0.2)
    assert server.chats == []
