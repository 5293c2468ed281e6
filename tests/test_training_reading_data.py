"""The reading model's training examples: spans verbatim, negatives that do not answer, held-out articles kept out."""

from __future__ import annotations

import json
from pathlib import Path

from training.reading_data import (
    READER_QUESTION_ARTICLES,
    excluded_titles,
    file_examples,
    paragraph_examples,
    read_articles,
    retrieved_negatives,
    swapped_questions,
    xquad_titles,
)

CONTEXT = (
    "The summit will take place in Vladivostok next month. "
    "Kim travelled there by armoured train in 2019. "
    "Officials in Moscow have not confirmed the date of the summit."
)


def _qa(qid: str, question: str, answer: str, context: str = CONTEXT) -> dict:
    return {
        "id": qid,
        "question": question,
        "answers": [{"text": answer, "answer_start": context.index(answer)}],
    }


def _squad_file(tmp_path, articles: list[dict]) -> Path:
    path = tmp_path / "squad.json"
    path.write_text(json.dumps({"data": articles}), encoding="utf-8")
    return path


def test_an_answerable_question_gives_its_sentence_with_the_span_and_a_non_answering_sentence():
    qas = [
        {
            "id": "q1",
            "question": "Where will the summit take place?",
            "answers": [{"text": "Vladivostok", "answer_start": CONTEXT.index("Vladivostok")}],
        }
    ]
    rows = list(paragraph_examples("T", CONTEXT, qas, "f.json"))
    pos = [r for r in rows if r["start"] >= 0]
    neg = [r for r in rows if r["start"] < 0]
    assert len(pos) == 1 and pos[0]["context"][pos[0]["start"] : pos[0]["end"]] == "Vladivostok"
    assert pos[0]["context"].startswith("The summit will take place")
    # The most word-sharing other sentence, which does not hold the answer.
    assert len(neg) == 1 and "Vladivostok" not in neg[0]["context"] and "summit" in neg[0]["context"]


def test_an_unanswerable_question_gives_its_plausible_answer_sentence_without_a_span():
    qas = [
        {
            "id": "q2",
            "question": "When did Kim first travel by plane?",
            "answers": [],
            "is_impossible": True,
            "plausible_answers": [{"text": "2019", "answer_start": CONTEXT.index("2019")}],
        }
    ]
    rows = list(paragraph_examples("T", CONTEXT, qas, "f.json"))
    assert rows and all(r["start"] == r["end"] == -1 for r in rows)
    assert "2019" in rows[0]["context"]


def test_a_span_that_does_not_match_its_text_is_dropped():
    qas = [{"id": "q3", "question": "Where?", "answers": [{"text": "Vladivostok", "answer_start": 0}]}]
    assert list(paragraph_examples("T", CONTEXT, qas, "f.json")) == []


def test_the_held_out_and_reader_question_articles_are_excluded(tmp_path):
    titles = xquad_titles()
    excluded = excluded_titles()
    assert excluded >= READER_QUESTION_ARTICLES
    assert all(t in excluded for i, t in enumerate(titles) if i % 4 != 0)
    kept = next(t for i, t in enumerate(titles) if i % 4 == 0 and t not in READER_QUESTION_ARTICLES)
    held = titles[1]
    qa = _qa("x", "Where will the summit take place?", "Vladivostok")
    path = _squad_file(
        tmp_path,
        [{"title": t, "paragraphs": [{"context": CONTEXT, "qas": [qa]}]} for t in (kept, held, "Other")],
    )
    articles = {r["article"] for r in file_examples(path, excluded)}
    assert articles == {kept, "Other"}


def test_a_retrieved_negative_is_the_closest_sentence_of_another_paragraph_that_does_not_answer(tmp_path):
    from index.embedding import MiniLMEncoder

    other = (
        "Vladivostok is a port city on the Pacific coast. "
        "The leaders are expected to discuss where the summit will take place in the coming weeks."
    )
    qa = _qa("q1", "Where will the summit take place?", "Vladivostok")
    path = _squad_file(
        tmp_path,
        [
            {"title": "T", "paragraphs": [{"context": CONTEXT, "qas": [qa]}, {"context": other, "qas": []}]},
            {"title": "Alone", "paragraphs": [{"context": CONTEXT, "qas": [qa]}]},  # no other paragraph
        ],
    )
    rows = list(retrieved_negatives(read_articles(path, set()), path.name, MiniLMEncoder()))
    # One negative, from the other paragraph: the on-topic sentence, not the one naming the answer.
    assert len(rows) == 1 and rows[0]["article"] == "T"
    assert rows[0]["context"].startswith("The leaders are expected to discuss")
    assert rows[0]["start"] == rows[0]["end"] == -1 and rows[0]["id"] == "q1"
    assert list(retrieved_negatives(read_articles(path, {"T"}), path.name, MiniLMEncoder())) == []


def test_a_swapped_question_asks_about_another_name_of_the_article_against_the_same_sentence(tmp_path):
    context = (
        "In 1466, perhaps 40,000 people died of the plague in Paris. "
        "The disease had reached London by 1348, carried on ships."
    )
    qa = _qa("q1", "How many people died of the plague in Paris in 1466?", "40,000", context)
    path = _squad_file(tmp_path, [{"title": "T", "paragraphs": [{"context": context, "qas": [qa]}]}])
    rows = list(swapped_questions(read_articles(path, set()), path.name))
    assert len(rows) == 1
    row = rows[0]
    # The sentence that answered the original question, now without a span...
    assert row["context"] == "In 1466, perhaps 40,000 people died of the plague in Paris."
    assert row["start"] == row["end"] == -1 and row["id"] == "q1-swapped"
    # ...for the question with Paris or 1466 swapped for what only the other sentence holds
    # (a name for a name, a four-digit number for a four-digit number).
    assert row["q"] in {
        "How many people died of the plague in London in 1466?",
        "How many people died of the plague in Paris in 1348?",
    }
    assert list(swapped_questions(read_articles(path, {"T"}), path.name)) == []
