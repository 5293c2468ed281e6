"""Questions about the article itself: answered from its title, dateline or byline (cited as ¶0 or
the byline's paragraph), declined when the article lacks the field."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.citations import verify
from assistant.extractive.metadata import metadata_field
from assistant.ui.render import article_html, para_id
from index.document import front_matter


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("When was this published?", "date"),
        ("when was the article written", "date"),
        ("What's the title?", "title"),
        ("What is the headline of the story?", "title"),
        ("Who wrote this?", "author"),
        ("Who is the author?", "author"),
        ("What is the source?", "source"),
        ("Which newspaper published this?", "source"),
        ("Where is this article from?", "source"),
    ],
)
def test_questions_about_the_article_itself(question, field):
    assert metadata_field(question) == field


@pytest.mark.parametrize(
    "question",
    [
        "When was the museum founded?",
        "Who wrote the letter to Putin?",
        "What is the source of the river?",
        "What is the title of his novel?",
        "Where is the summit?",
        "Which news agency reported the drill?",
    ],
)
def test_questions_about_the_text_are_not_metadata(question):
    assert metadata_field(question) is None


def test_seed_date_and_title_are_cited_from_the_front_matter(seed_bot):
    for question, expected in (
        ("When was this published?", "Thursday, July 25, 2024"),
        ("What's the title?", "Kim Jong Un to Meet Vladimir Putin"),
    ):
        answer = seed_bot.ask(question)
        assert not answer.abstained and not answer.removed_citations, question
        (c,) = answer.citations
        assert c.paragraph == 0 and expected in c.quote and "[¶0]" in answer.text
        assert expected in answer.short and answer.short in c.quote
        assert verify(c, seed_bot.store.paragraph(c.document, 0))
    # The seed has no byline: say so, cite nothing.
    answer = seed_bot.ask("Who wrote this?")
    assert answer.abstained and not answer.citations
    assert answer.text == "The article doesn't say who wrote it."


def test_a_byline_answers_who_wrote_it_and_a_missing_date_is_declined(tmp_path, encoder):
    article = tmp_path / "harbour.txt"
    article.write_text(
        "Harbour festival returns\n\nBy Jane Doe\n\n"
        "The harbour festival returns this summer after a two-year pause, organisers said.\n\n"
        "Boats from twelve towns will take part in the parade on the final day.\n",
        encoding="utf-8",
    )
    bot = Assistant.open([article], tmp_path / "index", backend="extractive", encoder=encoder)
    answer = bot.ask("Who wrote this?")
    assert not answer.abstained and "Jane Doe" in answer.text and answer.short == "Jane Doe"
    (c,) = answer.citations
    assert c.paragraph >= 1 and verify(c, bot.store.paragraph(c.document, c.paragraph))
    when = bot.ask("When was this published?")
    assert when.abstained and when.text == "The article doesn't say when it was published."
    title = bot.ask("What is the headline?")
    assert "Harbour festival returns" in title.text and title.citations[0].paragraph == 0


def test_front_matter_is_a_citable_paragraph_and_the_pane_marks_it(seed_bot):
    front = front_matter("d", "A title", "Monday, May 6, 2024")
    assert front.number == 0 and front.text == "A title\nMonday, May 6, 2024"
    assert [s.text for s in front.sentences] == ["A title", "Monday, May 6, 2024"]
    assert front_matter("d", None, None) is None
    answer = seed_bot.ask("When was this published?")
    info = next(iter(seed_bot.documents.values()))
    html = article_html([(info.id, info.title, info.date)], seed_bot.store.paragraphs, answer)
    head = html[html.index(f'id="{para_id(info.id, 0)}"') - 60 :]
    assert "fn-cited" in head[:120]
    assert '<mark class="fn-quote">Thursday, July 25, 2024</mark>' in html
    assert f'<span class="fn-text">{info.title}</span>' in html  # the title is not marked


def test_over_several_articles_the_answer_names_the_article_it_picked(tmp_path, encoder):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "harbour.txt").write_text(
        "Harbour festival returns\n\nBy Jane Doe\n\nMarch 3, 2023\n\n"
        "The harbour festival returns this summer after a two-year pause, organisers said.\n",
        encoding="utf-8",
    )
    (folder / "library.txt").write_text(
        "Library opens a new wing\n\nThe city library opened a reading wing for children on Monday.\n",
        encoding="utf-8",
    )
    bot = Assistant.open([folder], tmp_path / "index", backend="extractive", encoder=encoder)
    dated = bot.ask("When was the harbour festival article published?")
    assert "“Harbour festival returns” is dated" in dated.text and dated.short == "March 3, 2023"
    undated = bot.ask("When was the library article published?")
    assert undated.abstained and undated.text == "“Library opens a new wing” doesn't say when it was published."
