"""The extractive backend on hand-made passages (the retrieve/answer seam is ours: no index)."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.citations import ABSTAIN_TEXT, verify
from assistant.extractive import ExtractiveBackend, ExtractiveSettings
from assistant.schema import Passage
from index.document import Paragraph, Sentence

# The scorer's own order: these tests are about its rules; the sentence reader's
# reordering (``Reader.reread``) is tested in test_extractive_reading.py.
NEVER = float("inf")
OWN_ORDER = ExtractiveSettings(swap_margin=NEVER)


def paragraph(number: int, sentences: list[str], doc: str = "doc", offset: int = 0) -> Paragraph:
    spans, pos, text = [], 0, ""
    for s in sentences:
        if text:
            text += " "
            pos += 1
        spans.append(Sentence(offset + pos, offset + pos + len(s), s))
        text += s
        pos += len(s)
    return Paragraph(doc, number, text, offset, offset + len(text), None, tuple(spans))


def passage(p: Paragraph, cosines: list[float], score: float = 10.0, dense: float = 0.6) -> Passage:
    return Passage(p, score, title="Doc", sentence_scores=tuple(cosines), features={"dense_paragraph": dense})


RIVER = paragraph(
    1,
    [
        "The expedition left the coast in early spring.",
        "The Romans crossed the Rhine at night in 55 BC.",
        "Caesar later wrote about the bridge in his commentaries.",
    ],
)
OTHER = paragraph(2, ["The harvest that year was poor.", "Grain prices rose sharply."], offset=500)


def test_answers_with_the_sentence_that_holds_the_answer_and_cites_it_verbatim():
    backend = ExtractiveBackend()
    ans = backend.answer(
        "When did the Romans cross the Rhine?",
        [passage(RIVER, [0.35, 0.72, 0.40]), passage(OTHER, [0.10, 0.12], score=5.0)],
    )
    assert not ans.abstained
    assert ans.text == "The Romans crossed the Rhine at night in 55 BC [¶1]."
    (citation,) = ans.citations
    assert citation.quote == RIVER.sentences[1].text
    assert verify(citation, RIVER)
    assert 0.3 < ans.confidence <= 1.0


def test_abstains_on_weak_evidence_without_citations():
    ans = ExtractiveBackend().answer(
        "Who won the football world cup?",
        [passage(OTHER, [0.08, 0.05], dense=0.1), passage(RIVER, [0.1, 0.05, 0.07], score=2.0, dense=0.1)],
    )
    assert ans.abstained
    assert ans.text == ABSTAIN_TEXT
    assert ans.citations == []
    assert ans.confidence < ExtractiveSettings().abstain_below


def test_no_passages_means_abstaining():
    ans = ExtractiveBackend().answer("Anything?", [])
    assert ans.abstained and ans.confidence == 0.0


def test_confidence_grows_with_the_evidence():
    backend = ExtractiveBackend()
    q = "When did the Romans cross the Rhine?"
    low = backend.confidence(q, backend.score_sentences(q, [passage(RIVER, [0.2, 0.3, 0.2], dense=0.3)]))
    high = backend.confidence(q, backend.score_sentences(q, [passage(RIVER, [0.2, 0.8, 0.2], dense=0.7)]))
    assert high > low


def test_two_close_sentences_are_both_given_in_reading_order_best_cited_first():
    backend = ExtractiveBackend(ExtractiveSettings(swap_margin=NEVER, second_ratio=0.0, second_open_ratio=0.0))
    q = "What did Caesar write in his commentaries about the bridge?"
    passages = [passage(RIVER, [0.1, 0.3, 0.9])]
    best = backend.score_sentences(q, passages)[0]
    assert best.index == 2
    ans = backend.answer(q, passages)
    assert len(ans.citations) == 2
    assert ans.citations[0].quote == RIVER.sentences[2].text  # the best is cited first
    assert ans.text.endswith("commentaries [¶1].")  # ... but the text reads in order
    assert ans.text.count("[¶1]") == 2


def test_a_distant_runner_up_is_left_out():
    backend = ExtractiveBackend(ExtractiveSettings(second_ratio=0.99, second_open_ratio=0.99))
    ans = backend.answer("When did the Romans cross the Rhine?", [passage(RIVER, [0.1, 0.8, 0.2])])
    assert len(ans.citations) == 1


def test_an_open_question_takes_a_runner_up_a_typed_one_leaves_out():
    # "What did…write…?" expects no number, date or place: the same paragraph's runner-up
    # joins at the (lower) open ratio; "When…?" keeps the typed ratio and one sentence.
    backend = ExtractiveBackend(ExtractiveSettings(second_ratio=0.99, second_open_ratio=0.0))
    passages = [passage(RIVER, [0.1, 0.3, 0.9])]
    assert len(backend.answer("What did Caesar write in his commentaries about the bridge?", passages).citations) == 2
    assert len(backend.answer("When did the Romans cross the Rhine?", passages).citations) == 1


def test_multi_document_markers_name_the_document():
    backend = ExtractiveBackend(multi_document=True)
    ans = backend.answer("When did the Romans cross the Rhine?", [passage(RIVER, [0.3, 0.8, 0.3])])
    assert "[doc ¶1]" in ans.text


def test_score_sentences_is_sorted_and_limited_to_the_first_passages():
    backend = ExtractiveBackend(ExtractiveSettings(passages_used=1))
    scored = backend.score_sentences(
        "When did the Romans cross?", [passage(OTHER, [0.1, 0.1]), passage(RIVER, [0.9] * 3)]
    )
    assert {s.passage.number for s in scored} == {2}
    assert [s.score for s in scored] == sorted((s.score for s in scored), reverse=True)
    assert all(0.0 <= s.score <= 1.0 for s in scored)


@pytest.mark.parametrize("missing", [0, 1])
def test_missing_sentence_scores_do_not_crash(missing):
    p = passage(RIVER, [0.5, 0.6, 0.4][: 3 - missing - 1])
    ans = ExtractiveBackend().answer("When did the Romans cross the Rhine?", [p])
    assert ans.abstained or all(verify(c, RIVER) for c in ans.citations)


def test_seed_answers_and_abstentions(seed_bot):
    ans = seed_bot.ask("Who is Russia's defence minister?")
    assert not ans.abstained and "Sergei Shoigu" in ans.text and ans.citations[0].paragraph == 4
    assert seed_bot.ask("Who won the 2022 World Cup?").abstained


PRONOUN = paragraph(
    3,
    [
        "Sergei Shoigu travelled to Pyongyang in July.",
        "He proposed a joint naval drill with China there.",
        "The harbour was closed for the visit.",
    ],
    offset=900,
)


def test_a_lone_answer_opening_with_a_pronoun_brings_its_antecedent():
    q = "What naval drill was proposed with China?"
    passages = [passage(PRONOUN, [0.2, 0.8, 0.1])]
    with_context = ExtractiveBackend(ExtractiveSettings(second_ratio=0.99, second_open_ratio=0.99)).answer(q, passages)
    assert with_context.citations[0].quote == PRONOUN.sentences[1].text  # the answer is cited first
    assert with_context.text.startswith("Sergei Shoigu travelled")  # ... after who "he" is
    assert len(with_context.citations) == 2
    bare = ExtractiveBackend(ExtractiveSettings(second_ratio=0.99, second_open_ratio=0.99, pronoun_context=False)).answer(q, passages)
    assert bare.text == "He proposed a joint naval drill with China there [¶3]."


VENUE = paragraph(
    4,
    [
        "Kim is slated to meet Putin this month.",
        "The talks will focus on weapons.",
    ],
    offset=1200,
)
LOCATION = paragraph(
    5, ["For Kim, the chosen venue is Vladivostok, a port city near the border."], offset=1400
)


def test_a_where_answer_without_a_place_adds_the_best_sentence_naming_one():
    q = "Where will Kim meet Putin?"
    passages = [passage(VENUE, [0.7, 0.2], score=12.0), passage(LOCATION, [0.6], score=11.0)]
    ans = ExtractiveBackend(OWN_ORDER).answer(q, passages)
    assert [c.paragraph for c in ans.citations] == [4, 5]  # the best first, then the place
    assert "Vladivostok" in ans.text
    # Not for other questions, and not when the place sentence is too unlikely.
    assert [c.paragraph for c in ExtractiveBackend(OWN_ORDER).answer("Will Kim meet Putin?", passages).citations] == [
        4
    ]
    strict = ExtractiveBackend(ExtractiveSettings(swap_margin=NEVER, place_min=0.99)).answer(q, passages)
    assert [c.paragraph for c in strict.citations] == [4]


def test_a_sentence_close_to_what_is_asked_for_wins_over_one_that_only_shares_words():
    """'What weapons…': the sentence listing artillery and missiles beats one that repeats
    the question's names, once the retriever says how close each is to "weapons"."""
    ties = paragraph(7, ["Russia and North Korea share a long partnership."], offset=2000)
    arms = paragraph(
        2,
        ["The focus is the exchange of artillery and missiles from North Korea."],
        offset=2100,
    )
    q = "What weapons would North Korea provide to Russia?"
    # The article's title names Russia, so both paragraphs name what the question names.
    plain = [
        dataclasses.replace(passage(p, [c], score=v), title="North Korea and Russia")
        for p, c, v in ((ties, 0.55, 9.0), (arms, 0.6, 8.5))
    ]
    assert ExtractiveBackend(OWN_ORDER).answer(q, plain).citations[0].paragraph == 7
    focused = [
        dataclasses.replace(plain[0], focus_scores=(0.05,)),
        dataclasses.replace(plain[1], focus_scores=(0.45,)),
    ]
    assert ExtractiveBackend(OWN_ORDER).answer(q, focused).citations[0].paragraph == 2


def test_the_place_sentence_comes_from_the_answers_own_article_and_keeps_an_antecedent():
    q = "Where will Kim meet Putin?"
    elsewhere = paragraph(
        5, ["For Kim, the chosen venue is Paris, a city on the Seine."], doc="other", offset=0
    )
    passages = [passage(VENUE, [0.7, 0.2], score=12.0), passage(elsewhere, [0.6], score=11.0)]
    assert [c.document for c in ExtractiveBackend(OWN_ORDER).answer(q, passages).citations] == ["doc"]
    one = ExtractiveBackend(ExtractiveSettings(swap_margin=NEVER, max_sentences=1)).answer(
        q, [passages[0], passage(LOCATION, [0.6])]
    )
    assert [c.paragraph for c in one.citations] == [4]  # no room: the best answer is never swapped out
