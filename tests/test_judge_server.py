"""The judge over a real HTTP server (the scripted OpenAI-compatible one), through ``Assistant.open``.

What is sent (one reply token, log-probabilities asked for, the prompt file), what is read
back (log-probabilities, or the text when a server sends none), the cache, failures as
notices, and the settings users get wrong refused in one line (also from the CLI).
"""

from __future__ import annotations

import pytest

from assistant import Assistant, ConfigurationError
from assistant.cli import main as cli_main
from assistant.judge import JudgedBackend
from assistant.registry import make_backend
from tests.conftest import SEED
from tests.llm_server import NO, YES, error, reply


def open_judged(seed_index, encoder, server, backend: str = "extractive", **kw) -> Assistant:
    """An ``Assistant`` on the seed whose judge (and, with ``backend="llm"``, answers) come from ``server``."""
    return Assistant.open(
        [SEED],
        seed_index,
        backend=backend,
        judge="llm",
        encoder=encoder,
        base_url=server.url,
        model="test-model",
        max_retries=0,
        timeout=5,
        **kw,
    )


def test_one_short_request_per_quoted_paragraph_with_logprobs(seed_index, encoder, server):
    server.add(*(reply("Yes", logprobs=YES) for _ in range(4)))
    with open_judged(seed_index, encoder, server) as bot:
        assert isinstance(bot.backend, JudgedBackend)
        ans = bot.ask("Where will Kim meet Putin?")
    assert not ans.abstained and ans.checked_by == "test-model"
    body = server.chats[0]
    assert body["max_tokens"] == 1 and body["logprobs"] is True and body["top_logprobs"] >= 5
    assert body["temperature"] == 0 and body["messages"][-1]["content"].rstrip().endswith("Yes or No.")
    assert len(server.chats) == len({c.paragraph for c in ans.citations})


def test_a_no_declines_and_a_server_without_logprobs_is_read_from_its_text(seed_index, encoder, server):
    server.add(*(reply("No") for _ in range(4)))
    with open_judged(seed_index, encoder, server) as bot:
        ans = bot.ask("Where will Kim meet Putin?")
        n = len(server.chats)
        again = bot.ask("Where will Kim meet Putin?")
    assert ans.abstained and ans.rejected and ans.verdicts and max(ans.verdicts) == 0.0
    assert again.abstained and len(server.chats) == n  # cached: nothing sent the second time


def test_threshold_can_be_set(seed_index, encoder, server):
    server.add(*(reply("No", logprobs=[("Yes", -1.2), ("No", -0.4)]) for _ in range(4)))  # P(yes) 0.31
    with open_judged(seed_index, encoder, server, judge_threshold=0.3) as bot:
        assert not bot.ask("Where will Kim meet Putin?").abstained
    with pytest.raises(ConfigurationError, match="judge_threshold"):
        open_judged(seed_index, encoder, server, judge_threshold="high")


def test_server_failure_and_nonsense_become_notices(seed_index, encoder, server):
    server.add(error(500), reply("Perhaps"))
    with open_judged(seed_index, encoder, server) as bot:
        failed = bot.ask("Where will Kim meet Putin?")
        nonsense = bot.ask("Where will Kim and Putin meet?")
    assert not failed.abstained and failed.checked_by is None
    assert "The judge (test-model) failed: The LLM server failed (HTTP 500)" in failed.notice
    assert "neither Yes nor No" in nonsense.notice and not nonsense.abstained


def test_judge_settings_mistakes_are_one_line(seed_index, encoder, tmp_path, monkeypatch):
    with pytest.raises(ConfigurationError, match="OPENAI_BASE_URL"):
        Assistant.open([SEED], seed_index, backend="extractive", judge="llm", encoder=encoder)
    with pytest.raises(ConfigurationError, match="Unknown judge"):
        Assistant.open([SEED], seed_index, judge="maybe", encoder=encoder)
    with pytest.raises(ConfigurationError, match="offline reader"):
        Assistant.open([SEED], seed_index, backend="llm", judge="local", encoder=encoder)
    with pytest.raises(ConfigurationError, match="does not exist"):
        Assistant.open([SEED], seed_index, judge="local", model=str(tmp_path / "no.gguf"), encoder=encoder)
    monkeypatch.setenv("FOOTNOTE_JUDGE", "off")
    assert type(make_backend("extractive", False, None, {})).__name__ == "ExtractiveBackend"


def test_environment_chooses_the_judge_for_the_offline_backend_only(monkeypatch, server):
    monkeypatch.setenv("FOOTNOTE_JUDGE", "llm")
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("FOOTNOTE_LLM_MODEL", "test-model")
    judged = make_backend("extractive", False, None, {})
    assert isinstance(judged, JudgedBackend)
    judged.close()
    plain = make_backend("llm", False, None, {})
    assert not isinstance(plain, JudgedBackend)


def test_cli_judge_mistakes_exit_with_one_line(tmp_path, capsys):
    code = cli_main(
        ["ask", "Where?", "--source", str(SEED), "--judge", "local", "--model", str(tmp_path / "x.gguf")]
    )
    err = capsys.readouterr().err
    assert code == 4 and err.count("\n") == 1 and "does not exist" in err
    code = cli_main(["ask", "Where?", "--source", str(SEED), "--model", "x"])
    assert code == 4 and "--judge" in capsys.readouterr().err


def test_cli_shows_checker_and_the_passage_that_is_not_an_answer(server, monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    server.add(*(reply("No", logprobs=NO) for _ in range(4)))
    code = cli_main(
        [
            "ask",
            "Where will Kim meet Putin?",
            "--source",
            str(SEED),
            "--backend",
            "extractive",
            "--judge",
            "llm",
            "--model",
            "test-model",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "The article doesn't say." in out
    assert "(checked by test-model)" in out and "not an answer: ¶" in out
