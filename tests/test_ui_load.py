"""Many users at once through the Gradio API: no cross-talk, and a clear "busy" past the queue limit.

Correctness only; throughput and latency under the same load are measured by
``bench/ui_load.py`` (never by timed asserts here).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client

from assistant import Assistant
from assistant.ui import build_app
from tests.conftest import SEED
from tests.test_ui_support import EchoBackend, index_factory, serve

pytestmark = pytest.mark.slow
USERS = 50


def questions_from(bot, n: int) -> list[str]:
    """``n`` different questions about the seed: its sentences, then reworded variants."""
    sentences = [s.text for p in bot.store.paragraphs for s in p.sentences if len(s.text) > 30]
    out = list(sentences)
    for prefix in ("According to the article, ", "Is it true that ", "Why does the article say that "):
        out += [prefix + s[0].lower() + s[1:] for s in sentences]
    return out[:n]


def run_users(url: str, jobs: list[tuple], api_name: str = "/ask") -> list[tuple[str, object]]:
    """One ``Client`` (one session) per user; all submit at once; return (status, result) each."""
    clients = list(ThreadPoolExecutor(8).map(lambda _: Client(url, verbose=False), jobs))
    start = threading.Barrier(len(jobs))

    def user(i: int):
        start.wait()
        try:
            return "ok", clients[i].predict(*jobs[i], api_name=api_name)
        except Exception as exc:
            return "error", str(exc)

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(user, range(len(jobs))))


def test_50_concurrent_users_each_get_their_own_answer(seed_bot, encoder, tmp_path):
    app = build_app(seed_bot, factory=index_factory(tmp_path, encoder, [SEED]), uploads_dir=tmp_path / "up")
    url = serve(app)
    try:
        questions = questions_from(seed_bot, USERS)
        assert len(set(questions)) == USERS
        # What each question gets when asked alone, in this process.
        expected = {q: seed_bot.ask(q) for q in questions}
        results = run_users(url, [(q, "", None) for q in questions])
    finally:
        app.close()
    errors = [r for status, r in results if status != "ok"]
    assert errors == []  # the default queue holds 50 waiting users
    for q, (_status, got) in zip(questions, results, strict=True):
        want = expected[q]
        assert got["question"] == q
        assert got["text"] == want.text
        assert [(c["paragraph"], c["quote"]) for c in got["citations"]] == [
            (c.paragraph, c.quote) for c in want.citations
        ]


def test_past_the_queue_limit_users_get_a_clear_busy_error(seed_index, encoder, tmp_path):
    slow = EchoBackend(delay=1.0)  # long enough that all users arrive while the first is answered
    bot = Assistant.open([SEED], seed_index, backend=slow, encoder=encoder)
    app = build_app(
        bot,
        factory=index_factory(tmp_path, encoder, [SEED]),
        uploads_dir=tmp_path / "up",
        concurrency_limit=1,
        max_queue=2,
    )
    url = serve(app)
    users = 12
    try:
        results = run_users(url, [(f"Question number {i} about Kim?", "", None) for i in range(users)])
    finally:
        app.close()
    ok = [(i, r) for i, (status, r) in enumerate(results) if status == "ok"]
    busy = [r for status, r in results if status == "error"]
    assert ok and busy, results
    assert len(ok) <= 1 + 2 + 2  # running + queued (+ slack for users who arrive after others finish)
    for message in busy:
        assert "queue is full" in message.lower() or "busy" in message.lower(), message
    for i, r in ok:
        assert r["question"] == f"Question number {i} about Kim?"  # no cross-talk either
        assert f"You asked: Question number {i} about Kim?" in r["text"]
