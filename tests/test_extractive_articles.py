"""Over several articles: one article per answer unless the question asks across them, and
follow-ups staying with the article the previous answer cited (``extractive.articles``)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from assistant.asking import asks_across_articles
from assistant.extractive import ExtractiveBackend, ExtractiveSettings
from assistant.extractive.articles import across_articles, cited_articles, moves_on, named_articles
from tests.test_extractive import paragraph, passage

# Two articles that both answer "When did the Romans cross the Rhine?" nearly as well.
ROME = paragraph(1, ["The Romans crossed the Rhine at night in 55 BC.", "The bridge took ten days."], "rome")
GAUL = paragraph(4, ["The Romans crossed the Rhine again in 53 BC."], "gaul", offset=300)
EVERY = ExtractiveSettings(second_ratio=0.0, second_other_ratio=0.0)  # any runner-up would join


def _passages():
    return [
        dataclasses.replace(passage(ROME, [0.8, 0.3]), title="Caesar's Rhine bridge"),
        dataclasses.replace(passage(GAUL, [0.8], score=9.0), title="Gallic Wars"),
    ]


def test_an_answer_reads_the_top_paragraphs_article_only():
    ans = ExtractiveBackend(EVERY, multi_document=True).answer(
        "When did the Romans cross the Rhine?", _passages()
    )
    assert not ans.abstained
    assert {c.document for c in ans.citations} == {"rome"}
    assert "[rome ¶1]" in ans.text and "gaul" not in ans.text


@pytest.mark.parametrize(
    "question",
    [
        "When did the Romans cross the Rhine, according to both articles?",
        # two subjects named (lower case: capitalised, each name must be in one paragraph)
        "when did the romans cross the rhine: caesar's rhine bridge vs gallic wars?",
    ],
)
def test_a_question_across_articles_may_join_them(question):
    ans = ExtractiveBackend(EVERY, multi_document=True).answer(question, _passages())
    assert {c.document for c in ans.citations} == {"rome", "gaul"}


def test_a_question_names_an_article_by_its_whole_short_title():
    passages = _passages()
    assert named_articles("What happened in the Gallic Wars?", passages) == {"gaul"}
    assert named_articles("What happened in the wars?", passages) == set()


def test_one_article_index_is_unchanged():
    ans = ExtractiveBackend(EVERY).answer("When did the Romans cross the Rhine?", _passages())
    assert {c.document for c in ans.citations} == {"rome", "gaul"}  # the old runner-up rule


@pytest.mark.parametrize(
    "question, across",
    [
        ("Which of the articles mentions Putin?", True),
        ("What do both stories say about the summit?", True),
        ("Does the other article say when?", True),
        ("How do the fees at Model C schools compare to those at other schools?", False),
        ("What did both leaders agree on?", False),
        ("What is the difference between a prime and a composite number?", False),
    ],
)
def test_asks_across_articles(question, across):
    assert asks_across_articles(question) is across
    assert across_articles(question, _passages()) is across


def test_cited_articles_reads_the_markers_most_cited_first():
    docs = {"rome": None, "gaul": None}
    assert cited_articles("A [gaul ¶2]. B [rome ¶1]. C [rome ¶3].", docs) == ["rome", "gaul"]
    assert cited_articles("A [¶2].", docs) == []  # one article: bare markers
    assert cited_articles("A [elsewhere ¶2].", docs) == []


def _retriever():
    paragraphs = [ROME, GAUL, paragraph(0, ["Nairobi is the capital of Kenya."], "kenya", offset=900)]
    documents = {
        "rome": SimpleNamespace(title="Caesar's Rhine bridge"),
        "gaul": SimpleNamespace(title="Gallic Wars"),
        "kenya": SimpleNamespace(title="Kenya"),
    }
    from assistant.lexicon import terms

    frequency: dict[str, int] = {}
    for p in paragraphs:
        for t in set(terms(p.text)):
            frequency[t] = frequency.get(t, 0) + 1
    return SimpleNamespace(
        store=SimpleNamespace(documents=documents, paragraphs=paragraphs),
        query_terms=terms,
        speller=SimpleNamespace(frequency=frequency),
    )


@pytest.mark.parametrize(
    "follow_up, moved",
    [
        ("And how long did the bridge take?", False),  # the previous article's own words
        ("and what about kenya?", True),  # another article's title
        ("What did they do in Nairobi?", True),  # a name only another article holds
        ("What did they do in Atlantis?", False),  # a name no article holds proves nothing
    ],
)
def test_a_follow_up_moves_on_only_when_it_names_another_articles_subject(follow_up, moved):
    assert moves_on(follow_up, ["rome"], _retriever()) is moved
