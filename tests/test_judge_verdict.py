"""The judge's prompt and the reading of its replies: P(yes) from log-probabilities, else from text."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

import prompts
from assistant.judge import VerdictCache
from assistant.judge.verdict import from_logprobs, from_text, probability, prompt, request


def choice(text: str | None, top: list[tuple[str, float]] | None = None):
    content = None
    if top is not None:
        tops = [NS(token=t, logprob=lp) for t, lp in top]
        content = [NS(token=top[0][0], logprob=top[0][1], top_logprobs=tops)] if top else []
    return NS(message=NS(content=text), logprobs=NS(content=content) if content is not None else None)


def test_probability_is_yes_share_of_yes_and_no_mass_whatever_the_spelling():
    p = from_logprobs([("Yes", -0.5), (" no", -1.5), ("YES", -3.0), ("The", -0.1)])
    import math

    yes, no = math.exp(-0.5) + math.exp(-3.0), math.exp(-1.5)
    assert p == pytest.approx(yes / (yes + no))
    assert from_logprobs([("The", -0.1), ("Answer", -2.0)]) is None


def test_text_is_read_when_the_server_gives_no_logprobs():
    assert probability(choice("Yes.")) == 1.0
    assert probability(choice(" no")) == 0.0
    assert probability(choice("Maybe")) is None
    assert from_text("") is None and from_text(None) is None
    # log-probabilities win over the text when both are there
    assert probability(choice("No", [("No", -0.7), ("Yes", -0.7)])) == pytest.approx(0.5)
    # logprobs without Yes/No among them: the text decides
    assert probability(choice("Yes", [("Sure", -0.1)])) == 1.0


def test_prompt_is_the_file_rendered_strictly_with_the_question_last():
    message = prompt("Where will {they} meet?", "Vladivostok is\nexpected.", "Kim {and} Putin")
    assert "Where will {they} meet?" in message and "Vladivostok is expected." in message
    assert message.rstrip().endswith("Answer Yes or No.")
    assert message.index("Vladivostok") < message.index("Where will")
    assert "judge" in prompts.NAMES
    other = prompt("Who won?", "Vladivostok is expected.", "Kim {and} Putin")
    shared = next(i for i, (a, b) in enumerate(zip(message, other, strict=False)) if a != b)
    assert shared > len("Here is a passage")  # a fixed start the server can cache


def test_prompt_override_must_keep_the_placeholders(tmp_path):
    (tmp_path / "judge.md").write_text("Q: {question}\nP: {quote}\n", encoding="utf-8")
    with pytest.raises(prompts.PromptError, match="title"):
        prompt("q", "quote", "t", str(tmp_path))
    (tmp_path / "judge.md").write_text("{title} {quote} {question} Yes or No?", encoding="utf-8")
    assert prompt("q?", "a.", "T", str(tmp_path)) == "T a. q? Yes or No?"


def test_request_asks_for_one_token_and_the_top_logprobs():
    body = request("m", "hello")
    assert body["max_tokens"] == 1 and body["temperature"] == 0
    assert body["logprobs"] is True and body["top_logprobs"] >= 5
    assert body["messages"] == [{"role": "user", "content": "hello"}]


def test_cache_is_bounded_and_keyed_by_model_and_message():
    cache = VerdictCache(size=2)
    cache.put("m", "a", 0.1)
    cache.put("m", "b", 0.2)
    assert cache.get("m", "a") == 0.1 and cache.get("other", "a") is None
    cache.put("m", "c", 0.3)  # "b" was least recently used
    assert cache.get("m", "b") is None and cache.get("m", "c") == 0.3 and len(cache) == 2
