"""The LLM backend end to end: real openai client + LlamaIndex OpenAILike against a scripted server.

Each test scripts what the "model" replies (or how the server fails) and asserts what the
user gets: verified citations, removed or flagged ones, abstentions, follow-up rewriting,
streaming, and the offline fallback with a notice for every failure, within a time bound.
"""

from __future__ import annotations

import json
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant import Answer, Assistant, BackendError, ConfigurationError
from assistant.citations import ABSTAIN_TEXT, verify
from assistant.cli import main as cli_main
from assistant.llm import LLMBackend
from tests.conftest import SEED
from tests.llm_server import MODEL, ScriptedLLM, Step, error, reply

GOOD = (
    "Kim Jong Un and Vladimir Putin are expected to meet in Vladivostok, a port city close to "
    "North Korea [¶3]. North Korea would send artillery and anti-tank missiles in exchange for "
    "Russian satellite and nuclear submarine technology [¶2]."
)
FAST = {"timeout": 2.0, "max_retries": 1}


def make_bot(seed_bot, srv: ScriptedLLM, **settings) -> Assistant:
    """An Assistant on the shared seed index whose backend talks to ``srv``."""
    config = {"base_url": srv.url, "model": MODEL, "api_key": "sk-test-key", **FAST, **settings}
    backend = LLMBackend.from_env(multi_document=False, **config)
    return Assistant(seed_bot.store, seed_bot.retriever, backend, seed_bot.index_dir)


def user_message(body: dict) -> str:
    """The message with the article and the question: the last one (worked examples come before)."""
    return [m["content"] for m in body["messages"] if m["role"] == "user"][-1]


def given_paragraphs(body: dict) -> list[int]:
    return [int(n) for n in re.findall(r"^\[¶(\d+)\]", user_message(body), re.M)]


def assert_verbatim(bot: Assistant, answer: Answer) -> None:
    source = SEED.read_text(encoding="utf-8")
    for c in answer.citations:
        assert verify(c, bot.store.paragraph(c.document, c.paragraph))
        assert source[c.start : c.end] == c.quote


def assert_offline(answer: Answer, *words: str) -> None:
    assert answer.backend == "extractive"
    assert answer.notice and "offline" in answer.notice
    for w in words:
        assert w in answer.notice
    assert answer.citations or answer.abstained


# -- answers and their checks ------------------------------------------------------------


def test_good_answer_has_verified_supported_citations(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply(GOOD))
    ans = bot.ask("Where will Kim and Putin meet, and what is being exchanged?")
    assert ans.backend == f"llm:{MODEL}" and not ans.abstained and ans.notice is None
    assert [c.paragraph for c in ans.citations] == [3, 2]
    assert all(c.supported and c.support >= 0.5 for c in ans.citations)
    assert "Vladivostok" in ans.citations[0].quote and "artillery" in ans.citations[1].quote
    assert ans.text.count("[¶3]") == 1 and ans.text.count("[¶2]") == 1
    assert ans.removed_citations == []
    assert_verbatim(bot, ans)


def test_request_is_bounded_delimited_and_has_no_tools(seed_bot, server):
    bot = make_bot(seed_bot, server, max_tokens=300)
    server.add(reply(GOOD))
    bot.ask("Where will Kim and Putin meet?")
    (body,) = server.chats
    assert body["model"] == MODEL and body["max_tokens"] == 300
    assert "tools" not in body and "tool_choice" not in body and "functions" not in body
    roles = [m["role"] for m in body["messages"]]
    assert roles[0] == "system" and roles[-1] == "user" and "assistant" in roles  # worked examples
    assert "Vladivostok" not in str(body["messages"][:-1])  # the examples are about another article
    text = user_message(body)
    assert text.count("<article ") == 1 and text.count("</article>") == 1
    assert text.index("<article ") < text.index("[¶1]") < text.index("[¶9]") < text.index("</article>")
    assert given_paragraphs(body) == list(range(1, 10))  # the whole article fits: all of it
    assert text.rstrip().endswith("Question: Where will Kim and Putin meet?")  # the question last
    assert "sk-test-key" not in str(body)
    assert server.requests[0]["headers"]["authorization"] == "Bearer sk-test-key"


def test_questions_about_one_article_share_the_prompt_up_to_the_question(seed_bot, server):
    """Everything before the question is identical, so a caching server reads only the question."""
    bot = make_bot(seed_bot, server)
    server.add(reply(GOOD), reply(GOOD))
    bot.ask("Where will Kim and Putin meet?")
    bot.ask("What weapons would North Korea provide?")
    first, second = (body["messages"] for body in server.chats)
    assert first[:-1] == second[:-1]  # system rules and worked examples
    head, question = first[-1]["content"].rsplit("Question:", 1)
    assert second[-1]["content"].startswith(head) and "</article>" in head and "Kim Jong Un" in head
    assert "Where will Kim" in question and "Where will Kim" not in head


def test_citation_to_a_missing_paragraph_is_removed_and_reported(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply(GOOD.replace("[¶2]", "[¶2][¶99]")))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert ans.backend.startswith("llm:")
    assert "¶99" not in ans.text and "[¶2]" in ans.text
    assert "¶99: no such paragraph" in ans.removed_citations
    assert {c.paragraph for c in ans.citations} == {2, 3}
    assert_verbatim(bot, ans)


def test_the_offline_fallback_keeps_the_offline_policies(seed_bot, server):
    # An uncited reply about something the article never mentions: the offline answer that
    # replaces it declines with the name, as the offline backend alone would.
    bot = make_bot(seed_bot, server)
    server.add(reply("The Security Council condemned the talks."))
    ans = bot.ask("What did the UN Security Council say?")
    assert_offline(ans, "could not be checked")
    assert ans.abstained and not ans.citations and "never mentions" in ans.text


def test_only_invalid_citations_fall_back_offline(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply("They will meet on the Moon [¶99]."))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert_offline(ans, "could not be checked")
    assert "¶99: no such paragraph" in ans.removed_citations
    assert "Moon" not in ans.text
    assert_verbatim(bot, ans)


@pytest.mark.parametrize("stream", [False, True])
def test_a_reply_that_cites_nothing_checkable_gets_one_repair_request(seed_bot, server, stream):
    bot = make_bot(seed_bot, server)
    server.add(reply("They will meet on the Moon [¶99]."), reply(GOOD))
    question = "Where will Kim and Putin meet?"
    if stream:
        pieces = list(bot.stream(question))
        ans = pieces[-1]
        assert "".join(pieces[:-1]).startswith("Kim Jong Un and Vladimir Putin")  # only the repaired text
    else:
        ans = bot.ask(question)
    assert ans.backend.startswith("llm:") and not ans.abstained and ans.notice is None
    assert [c.paragraph for c in ans.citations] == [3, 2] and all(c.supported for c in ans.citations)
    first, second = (body["messages"] for body in server.chats)
    assert second[: len(first)] == first  # the same conversation: a caching server reads only the end
    assert second[len(first)] == {"role": "assistant", "content": "They will meet on the Moon [¶99]."}
    assert second[-1]["role"] == "user" and "marker" in second[-1]["content"]
    assert_verbatim(bot, ans)


def test_repair_is_asked_once_and_can_be_switched_off(seed_bot, server):
    bot = make_bot(seed_bot, server, second_look=None)
    server.add(reply("They will meet on the Moon [¶99]."), reply("On the Moon, I said [¶98]."))
    assert_offline(bot.ask("Where will Kim and Putin meet?"), "could not be checked")
    assert len(server.chats) == 2 and server.unscripted == 0
    off = make_bot(seed_bot, server, repair=False, second_look=None)
    server.add(reply("They will meet on the Moon [¶99]."))
    assert_offline(off.ask("Where will Kim and Putin meet?"), "could not be checked")
    assert len(server.chats) == 3


def test_declines_and_supported_answers_are_not_repaired(seed_bot, server):
    bot = make_bot(seed_bot, server, second_look=None)
    server.add(reply(ABSTAIN_TEXT), reply(GOOD))
    assert bot.ask("What is the population of Vladivostok?").abstained
    assert not bot.ask("Where will Kim and Putin meet?").abstained
    assert len(server.chats) == 2


def test_citation_to_a_paragraph_not_given_is_removed(seed_bot, server):
    # A small context window: only retrieved paragraphs are sent, not the whole article.
    bot = make_bot(seed_bot, server, context_window=1300, max_tokens=100, top_k=2)
    server.add(
        lambda body: reply(GOOD + f" Russia and North Korea go back to the Cold War [¶{missing(body)}].")
    )
    ans = bot.ask("Where will Kim and Putin meet?")
    given = given_paragraphs(server.chats[0])
    assert 0 < len(given) < 9
    absent = missing(server.chats[0])
    assert f"¶{absent}: not among the paragraphs given to the model" in ans.removed_citations
    assert all(c.paragraph in given for c in ans.citations)


def missing(body: dict) -> int:
    return next(n for n in range(1, 10) if n not in given_paragraphs(body))


def test_unsupported_claim_is_flagged_with_a_verbatim_quote(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply(GOOD + " The summit will be held in Beijing next spring [¶3]."))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert ans.backend.startswith("llm:")
    flagged = ans.unsupported
    assert len(flagged) == 1 and flagged[0].paragraph == 3
    assert flagged[0].support < 0.5 and flagged[0].quote in flagged[0].paragraph_text
    assert any("does not support" in r and "Beijing" in r for r in ans.removed_citations)
    assert ans.notice and "flagged" in ans.notice
    assert_verbatim(bot, ans)


def test_a_miscited_claim_gets_the_supporting_paragraph_added(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply("Shoigu visited Pyongyang and proposed a trilateral naval drill involving China [¶4]."))
    ans = bot.ask("What did Shoigu propose in Pyongyang?")
    assert ans.backend.startswith("llm:") and ans.text.endswith("[¶4] [¶6].")
    # The supporting citation comes first; the flagged one the model wrote stays visible.
    assert [(c.paragraph, c.supported) for c in ans.citations] == [(6, True), (4, False)]
    assert "¶6 supports it: citation added" in ans.removed_citations
    assert_verbatim(bot, ans)


def test_answer_without_markers_is_cited_by_the_checker(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply("They are expected to meet in Vladivostok, a port city near North Korea."))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert ans.backend.startswith("llm:")
    assert [c.paragraph for c in ans.citations] == [3] and ans.citations[0].supported
    assert ans.text.endswith("[¶3].")
    assert_verbatim(bot, ans)


def test_uncited_unsupported_answer_falls_back(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply("The leaders will meet in Paris to sign a trade pact worth 9 billion euros."))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert_offline(ans)
    assert "Paris" not in ans.text
    assert any("no paragraph supports" in r for r in ans.removed_citations)


@pytest.mark.parametrize("text", [ABSTAIN_TEXT, "The article does not mention what Biden said."])
def test_model_abstention_is_kept_without_citations(seed_bot, server, text):
    bot = make_bot(seed_bot, server, second_look=None)
    server.add(reply(text))
    ans = bot.ask("What did Biden say about the summit?")
    assert ans.abstained and ans.citations == [] and ans.text == ABSTAIN_TEXT
    assert ans.backend.startswith("llm:") and len(server.chats) == 1


def test_no_support_in_retrieval_abstains_without_calling_the_model(seed_bot, server):
    bot = make_bot(seed_bot, server)
    ans = bot.ask("How do I bake sourdough bread?")
    assert ans.abstained and ans.citations == [] and ans.passages
    assert server.chats == []


def test_whole_article_questions_reach_the_model(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply(GOOD))
    ans = bot.ask("Summarise the article.")
    assert len(server.chats) == 1 and not ans.abstained and ans.citations


def test_answer_seam_uses_only_the_given_passages(seed_bot, server, encoder):
    backend = LLMBackend.from_env(base_url=server.url, model=MODEL, **FAST)
    backend._encoder = encoder
    passages = seed_bot.retrieve("Where will Kim and Putin meet?", top_k=3)
    server.add(reply(GOOD))
    ans = backend.answer("Where will Kim and Putin meet?", passages)
    assert given_paragraphs(server.chats[0]) == sorted(p.number for p in passages)
    assert {c.paragraph for c in ans.citations} <= {p.number for p in passages}
    assert ans.citations and all(c.supported for c in ans.citations if c.paragraph == 3)


ANSWERS = {
    "Where will Kim and Putin meet?": ("They are expected to meet in Vladivostok, a port city [¶3].", 3),
    "Who is Russia's Defence Minister?": ("Russia's Defence Minister is Sergei Shoigu [¶4].", 4),
    "When did Kim Jong Il die?": ("Kim Jong Il died in 2011, months after visiting Russia [¶8].", 8),
    "What did Shoigu propose in Pyongyang?": ("Shoigu proposed a trilateral naval drill with China [¶6].", 6),
}


def test_concurrent_questions_get_their_own_answers(seed_bot, server):
    def by_question(body: dict):
        question = re.search(r"Question: (.+)", user_message(body)).group(1)
        return reply(ANSWERS[question.replace("&#x27;", "'")][0], delay=0.05)

    bot = make_bot(seed_bot, server)
    questions = list(ANSWERS) * 3
    server.add(*[by_question] * len(questions))
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(bot.ask, questions))
    for question, ans in zip(questions, answers, strict=True):
        assert ans.backend.startswith("llm:") and ans.question == question
        assert [c.paragraph for c in ans.citations] == [ANSWERS[question][1]]
    assert len(server.chats) == len(questions)


# -- follow-ups and history ----------------------------------------------------------------


def test_follow_up_is_rewritten_before_retrieval(seed_bot, server):
    bot = make_bot(seed_bot, server)
    history = [("What will North Korea give Russia?", "Artillery and anti-tank missiles [¶2].")]
    server.add(
        reply("What does Russia give North Korea in return for the artillery and missiles?"),
        reply("In return, Moscow would provide advanced satellite and nuclear submarine technologies [¶2]."),
    )
    ans = bot.ask("And what does Russia give in return?", history)
    condense, answer = server.chats
    assert "And what does Russia give in return?" in user_message(condense)
    assert "What will North Korea give Russia?" in user_message(condense)
    assert (
        ans.standalone_question
        == "What does Russia give North Korea in return for the artillery and missiles?"
    )
    assert f"Question: {ans.standalone_question}" in user_message(answer)
    assert ans.passages[0].number == 2
    assert [c.paragraph for c in ans.citations] == [2] and ans.citations[0].supported


def test_history_is_trimmed_to_a_budget(seed_bot, server):
    bot = make_bot(seed_bot, server, history_turns=3, history_chars=1500)
    history = [(f"Old question number {i}?", "A long answer. " * 80) for i in range(20)]
    server.add(reply("Where will Kim Jong Un and Vladimir Putin meet?"), reply(GOOD))
    bot.ask("And where?", history)
    text = user_message(server.chats[0])
    assert "Old question number 19?" in text and "Old question number 16?" not in text
    assert len(text) < 1500 + 1200  # the budget plus the prompt itself


def test_unusable_rewrite_falls_back_to_joining_the_questions(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply("They meet in Vladivostok [¶3]. " * 3), reply(GOOD))
    ans = bot.ask("And where?", [("Where will Kim and Putin meet?", "In Vladivostok [¶3].")])
    assert ans.standalone_question == "Where will Kim and Putin meet? And where?"


# -- streaming ---------------------------------------------------------------------------------


def test_stream_yields_checked_sentences_then_the_answer(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply(GOOD + " Also they will sign a pact on Mars [¶99].", chunk_chars=7))
    pieces = list(bot.stream("Where will Kim and Putin meet?"))
    final = pieces[-1]
    assert isinstance(final, Answer) and final.backend.startswith("llm:")
    text = "".join(p for p in pieces[:-1] if isinstance(p, str))
    assert len(pieces) >= 3  # one piece per checked sentence, not the whole reply at once
    assert text == final.text and "Mars" not in text and "¶99" not in text
    assert server.chats[0]["stream"] is True
    assert_verbatim(bot, final)


def test_a_reader_leaving_mid_stream_closes_it_cleanly(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply(GOOD, chunk_chars=5), reply(GOOD))
    pieces = bot.stream("Where will Kim and Putin meet?")
    assert isinstance(next(pieces), str)
    pieces.close()  # the UI stopped reading (the user left)
    ans = bot.ask("Where will Kim and Putin meet?")  # the backend is still fine
    assert ans.backend.startswith("llm:") and len(server.chats) == 2


def test_stream_cut_mid_answer_keeps_the_checked_part(seed_bot, server):
    bot = make_bot(seed_bot, server)
    cut = GOOD.index("North Korea would") + 25
    server.add(reply(GOOD, cut_after=cut))
    pieces = list(bot.stream("Where will Kim and Putin meet?"))
    final = pieces[-1]
    assert isinstance(final, Answer) and final.backend.startswith("llm:")
    assert final.incomplete and final.notice and "broke" in final.notice
    assert final.text.endswith("[¶3].") and [c.paragraph for c in final.citations] == [3]


def test_stream_that_stalls_past_the_timeout_keeps_the_checked_part(seed_bot, server):
    bot = make_bot(seed_bot, server, timeout=0.5, max_retries=0)
    server.add(reply(GOOD, chunk_chars=10, pause_after=GOOD.index("North Korea would") + 10, pause=5))
    started = time.monotonic()
    pieces = list(bot.stream("Where will Kim and Putin meet?"))
    final = pieces[-1]
    assert time.monotonic() - started < 4  # the server would stay quiet for 5 s
    assert final.backend.startswith("llm:") and final.incomplete
    assert final.notice and "stopped sending" in final.notice
    assert [c.paragraph for c in final.citations] == [3] and pieces[0] == final.text


def test_stream_cut_before_any_sentence_falls_back(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply(GOOD, cut_after=20))
    pieces = list(bot.stream("Where will Kim and Putin meet?"))
    assert pieces[:-1] == []
    assert_offline(pieces[-1], "broke")


# -- failures --------------------------------------------------------------------------------


def test_bad_key_is_a_clear_configuration_notice_without_retries(seed_bot, server):
    bot = make_bot(seed_bot, server, max_retries=2)
    server.add(error(401, "Incorrect API key provided", code="invalid_api_key"))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert_offline(ans, "misconfigured", "OPENAI_API_KEY", "401")
    assert len(server.chats) == 1


def test_unknown_model_is_a_clear_configuration_notice(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(error(404, "model 'test-model' not found", code="model_not_found"))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert_offline(ans, "misconfigured", "FOOTNOTE_LLM_MODEL", "404")


def test_strict_mode_raises_configuration_and_backend_errors(seed_bot, server):
    bot = make_bot(seed_bot, server, fallback=False, max_retries=0)
    server.add(error(401))
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        bot.ask("Where will Kim and Putin meet?")
    server.add(error(503))
    with pytest.raises(BackendError, match="503"):
        bot.ask("Where will Kim and Putin meet?")


def test_strict_mode_declines_a_reply_that_cannot_be_checked(seed_bot, server):
    bot = make_bot(seed_bot, server, fallback=False)
    server.add(reply("They will meet on the Moon [¶99]."), reply("On the Moon, I said [¶98]."))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert ans.abstained and ans.text == ABSTAIN_TEXT and not ans.citations
    assert ans.backend.startswith("llm:") and "could not be checked" in ans.notice
    assert "¶98: no such paragraph" in ans.removed_citations and "Moon" not in str(ans.to_dict())


def test_rate_limit_then_success_is_retried_by_the_client(seed_bot, server):
    bot = make_bot(seed_bot, server, max_retries=2)
    server.add(error(429, "slow down"), reply(GOOD))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert ans.backend.startswith("llm:") and ans.notice is None
    assert len(server.chats) == 2


def test_rate_limit_retry_after_is_honoured_then_falls_back(seed_bot, server):
    bot = make_bot(seed_bot, server, max_retries=1)
    server.add(*[error(429, headers={"retry-after": "1"}) for _ in range(2)])
    started = time.monotonic()
    ans = bot.ask("Where will Kim and Putin meet?")
    elapsed = time.monotonic() - started
    assert_offline(ans, "429")
    assert len(server.chats) == 2 and 0.9 <= elapsed < 6


def test_server_errors_are_retried_a_bounded_number_of_times_then_fall_back(seed_bot, server):
    bot = make_bot(seed_bot, server, max_retries=2)
    server.add(*[error(500) for _ in range(5)])
    started = time.monotonic()
    ans = bot.ask("Where will Kim and Putin meet?")
    assert_offline(ans, "HTTP 500", "2 retries")
    assert len(server.chats) == 3 and time.monotonic() - started < 6
    assert_verbatim(bot, ans)


def test_timeout_falls_back_within_the_time_bound(seed_bot, server):
    bot = make_bot(seed_bot, server, timeout=0.5, max_retries=1)
    server.add(*[reply(GOOD, delay=5) for _ in range(2)])
    started = time.monotonic()
    ans = bot.ask("Where will Kim and Putin meet?")
    elapsed = time.monotonic() - started
    assert_offline(ans, "did not answer within 0.5 s")
    assert len(server.chats) == 2 and elapsed < 4


def test_question_budget_bounds_a_slow_server(seed_bot, server):
    # Three attempts of up to 30 s each would take minutes; the 1.5 s budget is shared.
    bot = make_bot(seed_bot, server, timeout=30, max_retries=2, budget=1.5)
    server.add(*[reply(GOOD, delay=10) for _ in range(3)])
    history = [("Where will Kim and Putin meet?", "In Vladivostok [¶3].")]
    started = time.monotonic()
    ans = bot.ask("And when?", history)
    assert_offline(ans)
    assert time.monotonic() - started < 5


def test_unreachable_server_falls_back(seed_bot):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    backend = LLMBackend.from_env(
        base_url=f"http://127.0.0.1:{port}/v1", model=MODEL, timeout=1, max_retries=1
    )
    bot = Assistant(seed_bot.store, seed_bot.retriever, backend, seed_bot.index_dir)
    started = time.monotonic()
    ans = bot.ask("Where will Kim and Putin meet?")
    assert_offline(ans, "Could not reach", f"127.0.0.1:{port}")
    assert time.monotonic() - started < 5


def test_context_length_error_shrinks_the_context_once(seed_bot, server):
    bot = make_bot(seed_bot, server)
    too_long = error(
        400, "This model's maximum context length is 4096 tokens.", code="context_length_exceeded"
    )
    server.add(too_long, reply(GOOD))
    ans = bot.ask("Where will Kim and Putin meet?")
    first, second = (given_paragraphs(b) for b in server.chats)
    assert len(first) == 9 and 0 < len(second) < len(first)
    assert ans.backend.startswith("llm:") and all(c.paragraph in second for c in ans.citations)


def test_context_length_error_twice_falls_back(seed_bot, server):
    bot = make_bot(seed_bot, server)
    # llama.cpp's wording, without OpenAI's error code
    server.add(*[error(400, "the request exceeds the available context size") for _ in range(3)])
    ans = bot.ask("Where will Kim and Putin meet?")
    assert_offline(ans, "context window")
    assert len(server.chats) == 2


def test_other_bad_request_is_not_retried(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(error(400, "temperature must be a number"), reply(GOOD))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert_offline(ans, "HTTP 400")
    assert len(server.chats) == 1


@pytest.mark.parametrize("body", [b"<html>502 Bad Gateway</html>", b'{"choices": "nope"}', b""])
def test_garbage_from_a_proxy_falls_back(seed_bot, server, body):
    bot = make_bot(seed_bot, server, max_retries=0)
    server.add(Step(body=body))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert_offline(ans)


def test_reasoning_blocks_are_not_part_of_the_answer(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply("<think>The user wants the venue. Maybe Beijing? No.</think>" + GOOD))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert ans.backend.startswith("llm:") and "Beijing" not in ans.text and "think" not in ans.text


def test_truncated_reply_is_marked_incomplete(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply(GOOD[: GOOD.index("North Korea would") + 30], finish_reason="length"))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert ans.backend.startswith("llm:") and ans.incomplete
    assert ans.notice and "cut off" in ans.notice
    assert ans.text.endswith("[¶3].")  # the half sentence is not shown


def test_truncated_stream_is_marked_incomplete(seed_bot, server):
    bot = make_bot(seed_bot, server)
    server.add(reply(GOOD[: GOOD.index("North Korea would") + 30], finish_reason="length"))
    pieces = list(bot.stream("Where will Kim and Putin meet?"))
    final = pieces[-1]
    assert final.incomplete and final.backend.startswith("llm:")
    assert pieces[:-1] == [final.text] and final.text.endswith("[¶3].")  # no half sentence streamed


# -- configuration -----------------------------------------------------------------------------


def test_check_lists_the_servers_models(server):
    assert LLMBackend.from_env(base_url=server.url, model=MODEL).check() is None
    problem = LLMBackend.from_env(base_url=server.url, model="llama9").check()
    assert "does not list model 'llama9'" in problem and MODEL in problem
    assert server.requests[-1]["path"] == "/v1/models" and server.chats == []
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert "Could not reach" in LLMBackend.from_env(base_url=f"http://127.0.0.1:{port}/v1", model="m").check()


def test_prompts_dir_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FOOTNOTE_PROMPTS_DIR", str(tmp_path))
    assert LLMBackend.from_env(base_url="http://127.0.0.1:9/v1", model="m").settings.prompts_dir == str(
        tmp_path
    )


def test_a_responses_only_model_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="FOOTNOTE_LLM_MODEL"):
        LLMBackend.from_env(api_key="sk-x", model="gpt-5.2-pro")


def test_nothing_configured_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        LLMBackend.from_env()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OPENAI_BASE_URL": "http://localhost:11434/v1"}, "FOOTNOTE_LLM_MODEL"),
        ({"OPENAI_BASE_URL": "localhost:11434", "FOOTNOTE_LLM_MODEL": "m"}, "http"),
        ({"OPENAI_API_KEY": "sk-x", "FOOTNOTE_LLM_TIMEOUT": "soon"}, "FOOTNOTE_LLM_TIMEOUT"),
        ({"OPENAI_API_KEY": "sk-x", "FOOTNOTE_LLM_MAX_RETRIES": "99"}, "between"),
    ],
)
def test_invalid_settings_are_explained(monkeypatch, env, message):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ConfigurationError, match=message):
        LLMBackend.from_env()


def test_environment_selects_and_configures_the_llm_backend(monkeypatch, seed_index, encoder, server):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("FOOTNOTE_LLM_MODEL", MODEL)
    monkeypatch.setenv("FOOTNOTE_LLM_TIMEOUT", "2")
    monkeypatch.setenv("FOOTNOTE_LLM_MAX_TOKENS", "200")
    bot = Assistant.open([SEED], seed_index, encoder=encoder)  # auto: an LLM is configured
    assert bot.backend.name == f"llm:{MODEL}"
    assert bot.backend.settings.timeout == 2 and bot.backend.settings.max_tokens == 200
    server.add(reply(GOOD))
    ans = bot.ask("Where will Kim and Putin meet?")
    assert ans.backend == f"llm:{MODEL}" and server.chats[0]["max_tokens"] == 200
    assert server.requests[0]["headers"]["authorization"] == "Bearer no-key-needed"


def test_cli_ask_with_the_llm_backend(monkeypatch, seed_index, server, capsys):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("FOOTNOTE_LLM_MODEL", MODEL)
    server.add(reply(GOOD + " The summit will be held in Beijing next spring [¶3]."))
    code = cli_main(
        ["ask", "Where will Kim and Putin meet?", "--backend", "llm", "--index-dir", str(seed_index)]
    )
    out = capsys.readouterr().out
    assert code == 0 and "Vladivostok" in out
    assert "¶3: “The chosen destination" in out and "[unsupported]" in out
    server.add(reply(GOOD))
    code = cli_main(["ask", "Where will Kim and Putin meet?", "--json", "--index-dir", str(seed_index)])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["backend"] == f"llm:{MODEL}"
    assert [c["paragraph"] for c in data["citations"]] == [3, 2] and all(
        c["supported"] for c in data["citations"]
    )
