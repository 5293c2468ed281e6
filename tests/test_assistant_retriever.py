"""The retriever on the real seed index: ranking, features, candidate paths, vector cache."""

from __future__ import annotations

import math

import pytest

from assistant.retriever import PARAGRAPH_FEATURES, RetrievalSettings, Retriever


@pytest.fixture(scope="module")
def store(seed_bot):
    return seed_bot.store


def test_passages_are_ranked_and_carry_features_and_sentence_scores(seed_bot):
    passages = seed_bot.retriever.retrieve("Who is Russia's defence minister?", top_k=4)
    assert len(passages) == 4
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    assert passages[0].number == 4  # "Russia's Defence Minister, Sergei Shoigu, ..."
    for p in passages:
        assert set(p.features) == set(PARAGRAPH_FEATURES)
        assert len(p.sentence_scores) == len(p.paragraph.sentences)
        assert all(-1.0 <= s <= 1.0 for s in p.sentence_scores)
        assert math.isclose(p.features["dense_sentence"], max(p.sentence_scores), abs_tol=1e-5)
        assert p.title


def test_paraphrased_question_finds_the_paragraph_without_shared_words(seed_bot):
    # "summit ... take place" shares no content word with ¶3 ("destination ... Vladivostok").
    top = [p.number for p in seed_bot.retriever.retrieve("Where is the summit expected to take place?", 2)]
    assert {3, 8} & set(top)


def test_question_of_stopwords_only_still_ranks_by_meaning(seed_bot):
    passages = seed_bot.retriever.retrieve("What is it?", top_k=3)
    assert len(passages) == 3
    assert all(p.features["bm25_norm"] == 0.0 for p in passages)


def test_candidate_path_agrees_with_scoring_everything(store, encoder):
    whole = Retriever(store, encoder)
    shortlist = Retriever(store, encoder, RetrievalSettings(exhaustive_below=0, candidates=4))
    for q in (
        "When did Kim Jong Il visit Russia?",
        "Which city did Shoigu visit?",
        "Who reported the sanctions?",
    ):
        a, b = whole.retrieve(q, top_k=1)[0], shortlist.retrieve(q, top_k=1)[0]
        assert (a.number, round(a.score, 5)) == (b.number, round(b.score, 5))


def test_vector_cache_stays_bounded_and_is_reused(store, encoder):
    r = Retriever(store, encoder, RetrievalSettings(cache_paragraphs=3))
    first = r.retrieve("Who is Kim Jong Un going to meet?", top_k=5)
    assert len(r._vectors) == 3
    again = r.retrieve("Who is Kim Jong Un going to meet?", top_k=5)
    assert [p.number for p in again] == [p.number for p in first]


def test_more_weight_on_bm25_changes_the_fusion(store, encoder):
    q = "Which newspaper reported that the venue might change?"
    lexical = Retriever(store, encoder, RetrievalSettings(weights=(0, 0, 0, 1, 0, 0, 0)))
    top = lexical.retrieve(q, top_k=1)[0]
    assert top.score == pytest.approx(top.features["bm25_norm"]) == pytest.approx(1.0)


def test_passages_carry_each_sentences_closeness_to_what_is_asked_for(seed_bot):
    passages = seed_bot.retriever.retrieve("What weapons would North Korea provide to Russia?")
    assert all(len(p.focus_scores) == len(p.paragraph.sentences) for p in passages)
    best = max(
        ((v, p.paragraph.sentences[i].text) for p in passages for i, v in enumerate(p.focus_scores)),
        key=lambda x: x[0],
    )
    assert "missiles" in best[1] or "weapons" in best[1]
    assert all(p.focus_scores == () for p in seed_bot.retriever.retrieve("Why is this summit important?"))
