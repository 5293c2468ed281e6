"""``JudgedBackend`` over the seed article with a scripted judge client (our own seam).

The judge's client is a fake that answers each prompt with log-probabilities chosen by the
test; everything else is real: the reader, the candidates, the judge's cache and threshold,
the composer's citation check. Asserts what users see: accepted quotes unchanged, a decline
naming the closest passage, overviews and metadata unjudged, a failing judge leaving the
reader's answer with a notice.
"""

from __future__ import annotations

import math
from types import SimpleNamespace as NS

import pytest

from assistant import ABSTAIN_TEXT, Assistant, BackendError
from assistant.citations import verify, with_marker
from assistant.judge import Judge, JudgedBackend
from index.errors import JudgeError

SETTINGS = NS(model="fake-judge", prompts_dir=None, server="http://127.0.0.1", timeout=1.0, max_retries=0)


class FakeClient:
    """``chat.completions.create`` answering P(yes) = ``decide(message)`` as log-probabilities."""

    def __init__(self, decide):
        self.decide = decide
        self.messages: list[str] = []
        self.chat = NS(completions=NS(create=self.create))

    def create(self, **body):
        message = body["messages"][0]["content"]
        self.messages.append(message)
        p = self.decide(message)
        if isinstance(p, Exception):
            raise p
        top = [
            NS(token="Yes", logprob=math.log(max(p, 1e-9))),
            NS(token="No", logprob=math.log(max(1 - p, 1e-9))),
        ]
        return NS(
            choices=[
                NS(
                    message=NS(content="Yes" if p >= 0.5 else "No"),
                    logprobs=NS(content=[NS(token="Yes", logprob=top[0].logprob, top_logprobs=top)]),
                )
            ]
        )

    def close(self):
        pass


def judged_bot(seed_bot, decide, **kw) -> tuple[Assistant, FakeClient]:
    client = FakeClient(decide)
    judge = Judge(client, SETTINGS, accept_at=0.5, **kw)
    return Assistant(seed_bot.store, seed_bot.retriever, JudgedBackend(judge), seed_bot.index_dir), client


def test_accepted_answer_is_the_readers_own_marked_as_checked(seed_bot):
    plain = seed_bot.ask("Where will Kim meet Putin?")
    bot, client = judged_bot(seed_bot, lambda m: 0.9)
    ans = bot.ask("Where will Kim meet Putin?")
    assert not ans.abstained and ans.text == plain.text and ans.citations == plain.citations
    assert ans.checked_by == "fake-judge" and all(p == pytest.approx(0.9) for p in ans.verdicts)
    assert "Where will Kim meet Putin?" in client.messages[0]
    assert bot.backend_label == "offline extractive, checked by fake-judge"


def test_rejected_answer_declines_and_names_the_closest_passage(seed_bot):
    plain = seed_bot.ask("Where will Kim meet Putin?")
    bot, _ = judged_bot(seed_bot, lambda m: 0.1)
    ans = bot.ask("Where will Kim meet Putin?")
    assert ans.abstained and ans.text == ABSTAIN_TEXT and ans.citations == [] and ans.short is None
    assert ans.rejected and ans.rejected[0] == plain.citations[0]
    assert all(verify(c, seed_bot.store.paragraph(c.document, c.paragraph)) for c in ans.rejected)
    assert ans.to_dict()["rejected"][0]["quote"] == plain.citations[0].quote


def test_partly_accepted_keeps_only_accepted_paragraphs_verbatim(seed_bot):
    question = "Has Russia talked about holding joint military exercises with North Korea?"
    plain = seed_bot.ask(question)
    paragraphs = {c.paragraph for c in plain.citations}
    if len(paragraphs) < 2:
        pytest.skip("the reader quotes one paragraph here")
    keep = plain.citations[-1]
    bot, _ = judged_bot(seed_bot, lambda m: 0.9 if keep.quote in m else 0.1)
    ans = bot.ask(question)
    assert not ans.abstained and {c.paragraph for c in ans.citations} == {keep.paragraph}
    assert ans.text == with_marker(keep.quote, f"[¶{keep.paragraph}]")
    assert all(c.quote in c.paragraph_text for c in ans.citations) and ans.rejected


def test_overviews_metadata_and_reader_declines_are_not_judged(seed_bot):
    bot, client = judged_bot(seed_bot, lambda m: 0.0)
    for question in (
        "What is this article about?",
        "When was this published?",
        "Who won the 2022 World Cup?",
    ):
        ans = bot.ask(question)
        assert ans.checked_by is None
    assert client.messages == []


def test_verdicts_are_cached(seed_bot):
    bot, client = judged_bot(seed_bot, lambda m: 0.9)
    bot.ask("Where will Kim meet Putin?")
    sent = len(client.messages)
    again = bot.ask("Where will Kim meet Putin?")
    assert len(client.messages) == sent and again.checked_by == "fake-judge"


def test_follow_up_is_judged_as_its_standalone_question(seed_bot):
    bot, client = judged_bot(seed_bot, lambda m: 0.9)
    first = bot.ask("What did Sergei Shoigu propose in Pyongyang?")
    ans = bot.ask(
        "And how did the United States react?", [("What did Sergei Shoigu propose in Pyongyang?", first.text)]
    )
    if ans.standalone_question:
        assert ans.standalone_question in client.messages[-1]


def test_a_failing_judge_leaves_the_readers_answer_with_a_notice(seed_bot):
    plain = seed_bot.ask("Where will Kim meet Putin?")
    bot, _ = judged_bot(seed_bot, lambda m: ValueError("garbled"))
    ans = bot.ask("Where will Kim meet Putin?")
    assert ans.text == plain.text and ans.checked_by is None
    assert ans.notice.startswith("Not checked: The judge (fake-judge) failed")
    strict, _ = judged_bot(seed_bot, lambda m: ValueError("garbled"), fallback=False)
    with pytest.raises(JudgeError) as err:
        strict.ask("Where will Kim meet Putin?")
    assert isinstance(err.value, BackendError) and "\n" not in str(err.value)
