"""A decline where the offline reader is confident is asked again with only its best paragraph."""

from __future__ import annotations

import pytest

from assistant.citations import ABSTAIN_TEXT
from tests.llm_server import reply
from tests.test_llm import assert_verbatim, given_paragraphs, make_bot

# The seed article's ¶4 says Interfax reported Shoigu's remarks; the offline reader is sure of it.
ASKED = "Which news agency reported Shoigu's remarks about peaceful relations?"
RIGHT = "Shoigu's remarks were reported by the Interfax news agency [¶4]."


def confident(bot, question: str) -> tuple[float, int]:
    passages = bot.retrieve(question)
    confidence, best = bot.backend.offline.closeness(question, passages)
    return confidence, best.number


@pytest.mark.parametrize("stream", [False, True])
def test_a_confident_decline_gets_a_second_look_at_the_best_paragraph(seed_bot, server, stream):
    bot = make_bot(seed_bot, server)
    confidence, best = confident(bot, ASKED)
    assert confidence >= 0.5 and best == 4
    server.add(reply(ABSTAIN_TEXT), reply(RIGHT))
    if stream:
        pieces = list(bot.stream(ASKED))
        ans = pieces[-1]
        assert "".join(pieces[:-1]).startswith("Shoigu's remarks")  # the decline was never shown
    else:
        ans = bot.ask(ASKED)
    assert not ans.abstained and [c.paragraph for c in ans.citations] == [4]
    assert all(c.supported for c in ans.citations)
    first, second = (body["messages"] for body in server.chats)
    assert second[:-1] == first[:-1]  # the same rules and worked examples: a new conversation
    assert given_paragraphs(server.chats[0]) == list(range(1, 10))  # the whole article first
    assert given_paragraphs(server.chats[1]) == [4]  # then only the reader's best paragraph
    assert second[-1]["content"].rstrip().endswith(f"Question: {ASKED}")
    assert_verbatim(bot, ans)


def test_a_second_decline_stands_and_an_unsupported_second_answer_is_not_shown(seed_bot, server):
    bot = make_bot(seed_bot, server, fallback=False)
    server.add(reply(ABSTAIN_TEXT), reply(ABSTAIN_TEXT))
    assert bot.ask(ASKED).abstained
    assert len(server.chats) == 2
    for wrong in ("It was reported by Reuters on the Moon [¶4].", "Pravda reported it [¶2]."):
        server.add(reply(ABSTAIN_TEXT), reply(wrong))
        ans = bot.ask(ASKED)
        assert ans.abstained and ans.text == ABSTAIN_TEXT and not ans.citations
        assert ans.notice is None  # the model's own decline, not a failure
    assert len(server.chats) == 6 and server.unscripted == 0


def test_no_second_look_when_the_reader_doubts_or_it_is_switched_off(seed_bot, server):
    question = "How many submarines will Russia provide?"  # the article does not say
    doubtful = make_bot(seed_bot, server, second_look=0.999)
    assert confident(doubtful, question)[0] < 0.999
    server.add(reply(ABSTAIN_TEXT))
    assert doubtful.ask(question).abstained
    off = make_bot(seed_bot, server, second_look=None)
    server.add(reply(ABSTAIN_TEXT))
    assert off.ask(ASKED).abstained
    assert len(server.chats) == 2 and server.unscripted == 0


def test_a_reply_still_unchecked_after_the_repair_gets_the_second_look_too(seed_bot, server):
    bot = make_bot(seed_bot, server, fallback=False)
    server.add(reply("Tass reported it, on the Moon [¶99]."), reply("Tass reported it [¶2]."), reply(RIGHT))
    ans = bot.ask(ASKED)
    assert not ans.abstained and [c.paragraph for c in ans.citations] == [4]
    assert [given_paragraphs(body) for body in server.chats][2] == [4]  # the third: only ¶4
    assert len(server.chats) == 3 and server.unscripted == 0
