"""Overview questions: recognised by their wording, answered with the article's central sentences."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from assistant.asking import is_overview
from assistant.citations import verify
from assistant.extractive.overview import article_in_question, central_sentences
from assistant.schema import Passage
from index.document import Paragraph


@pytest.mark.parametrize(
    "question",
    [
        "Summarize it",
        "Can you summarise the story?",
        "What is this article about?",
        "what was the piece about",
        "What's it all about?",
        "tl;dr?",
        "Give me the gist",
        "key takeaways please",
        "What is the main point of the article?",
        "In a nutshell?",
        # Phrasings written after the reader-questions overviews were seen, to check the
        # pattern is not fitted to them ("rundown" and "what's this one about" came from there).
        "Can you sum up this story?",
        "sum it up",
        "Give me the highlights",
        "Brief me on this article",
        "What does this article say?",
        "What are the main findings?",
    ],
)
def test_whole_article_questions_are_overviews(question):
    assert is_overview(question)


@pytest.mark.parametrize(
    "question",
    [
        "What is the main reason for the drought?",
        "What is the main point of contention?",
        "What is the summit about?",
        "What did the article say about Brazil?",
        "Who wrote the summary?",  # asks for a name
        "When was the summary published?",
        "What does the WG I Summary for Policymakers say?",  # a name, not a request
    ],
)
def test_questions_about_a_detail_are_not_overviews(question):
    assert not is_overview(question)


def test_central_sentences_cover_different_paragraphs_and_avoid_repeats():
    a, b, c = np.eye(3, dtype=np.float32)
    vectors = np.stack([a + 0.1 * b, a + 0.12 * b, b + 0.5 * a, c + 0.4 * a, a])
    paragraph_of = [0, 0, 1, 2, 0]
    picked = central_sentences(vectors, paragraph_of, [False] * 5, 3)
    assert sorted({paragraph_of[i] for i in picked}) == [0, 1, 2]  # one per paragraph
    # A sentence opening with a pronoun is passed over while another will do.
    leaning = [True, False, False, False, True]
    assert 0 not in central_sentences(vectors, paragraph_of, leaning, 3)
    assert central_sentences(vectors[:2], [0, 0], [False, False], 3) == [0, 1]  # short article: all


def test_the_seed_overview_cites_several_paragraphs_verbatim(seed_bot):
    answer = seed_bot.ask("Summarize it")
    assert not answer.abstained and not answer.removed_citations
    assert answer.text.startswith("“Kim Jong Un to Meet Vladimir Putin")
    cited = {(c.document, c.paragraph) for c in answer.citations}
    assert 2 <= len(cited) == len(answer.citations) <= 4
    for c in answer.citations:
        assert verify(c, seed_bot.store.paragraph(c.document, c.paragraph))
        assert f"[¶{c.paragraph}]" in answer.text
    # A question about a detail is still answered by the reader, not summarised.
    assert "Vladivostok" in seed_bot.ask("Where will they meet?").text


def _para(doc: str, number: int, text: str) -> Paragraph:
    return Paragraph(doc, number, text, 0, len(text))


def test_in_several_articles_the_overview_follows_the_conversation_then_retrieval():
    paragraphs = [_para("oxygen", 1, "Oxygen is an element."), _para("kenya", 1, "Kenya is a country.")]
    docs = {"oxygen": SimpleNamespace(title="Oxygen"), "kenya": SimpleNamespace(title="Kenya")}
    retriever = SimpleNamespace(
        store=SimpleNamespace(documents=docs, paragraphs=paragraphs),
        retrieve=lambda q: [Passage(paragraphs[1 if "Kenya" in q else 0], 1.0)],
    )
    assert (
        article_in_question("summarize it", [("q", "Kenya is a country [kenya ¶1].")], retriever) == "kenya"
    )
    assert article_in_question("summarize the Kenya article", [], retriever) == "kenya"
    # Without citations in the history, its turn is retrieved with the question.
    assert article_in_question("summarize it", [("Where is Kenya?", "In Africa.")], retriever) == "kenya"
    assert article_in_question("summarize it", [], retriever) == "oxygen"
    one = SimpleNamespace(
        store=SimpleNamespace(documents={"kenya": docs["kenya"]}, paragraphs=paragraphs[1:])
    )
    assert article_in_question("summarize it", [], one) == "kenya"
