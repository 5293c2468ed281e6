"""Hard answerability checks: an asked-for amount of money, number, duration or date must be in the answer."""

from __future__ import annotations

import pytest

from assistant.extractive.gate import asked_type, has_asked_type, name_terms, names_covered


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many missiles will be delivered?", "number"),
        ("What is the population of Vladivostok?", "number"),
        ("How long have they been allies?", "duration"),
        ("When did the war end?", "date"),
        ("In what year was it founded?", "date"),
        ("On what exact date will the summit take place?", "date"),
        ("What tribe was his wife from when he married at 16?", None),  # 'when' inside a clause
        ("Who is the defence minister?", None),
        ("How much money is the arms deal worth?", "money"),
        ("How much did the bridge cost?", "money"),
        ("What was the price of the tickets?", "money"),
        ("How much food does it eat?", "number"),
        ("hw many missiles?", "number"),  # a misspelt interrogative still asks for a number
        ("Which companies did Washington sanction, by name?", "name"),
        ("What time will the summit start?", "date"),
        ("What is Kim Jong Un's age?", "number"),
        ("What are their names?", "name"),
        ("What is the name of a teacher in Tibetan Buddhism?", None),  # often a common noun
    ],
)
def test_asked_type_reads_the_leading_interrogative(question, kind):
    assert asked_type(question) == kind


def test_numbers_dates_and_durations_in_sentences():
    assert has_asked_type("How many people died?", "About 3,000 people died in the fire.")
    assert has_asked_type("How many people died?", "Several hundred people died.")
    assert not has_asked_type("How many missiles?", "North Korea would exchange anti-tank missiles.")
    # A year is a date, not a count; a number the question already states is not an answer.
    assert not has_asked_type("How many days will he stay?", "He last visited in 2011.")
    assert not has_asked_type("How many of the 12 ships sank?", "Of the 12 ships, some sank.")
    assert has_asked_type("When did he die?", "He died in 2011.")
    assert has_asked_type("When did the glacial start?", "It ran from ~74,000 BP.")
    assert not has_asked_type("When will the summit take place?", "The summit will be in Vladivostok.")
    assert has_asked_type(
        "How long have they been partners?", "Their partnership goes back to the Cold War era."
    )
    assert has_asked_type("Who won?", "Argentina won.")  # no type asked: never blocks


def test_a_vague_quantity_must_count_what_how_many_asks_about():
    q = "How many days will Kim Jong Un stay in Russia?"
    assert not has_asked_type(q, "His father visited Russia a few months before his death.")
    assert has_asked_type(q, "He will stay for several days.")
    assert has_asked_type(q, "He will stay for 3 days.")
    assert has_asked_type("How many missiles were fired?", "Dozens of missiles were fired.")
    # Nothing named to count ("How much has…"): any quantity may answer.
    assert has_asked_type("How much has a Lama agreed to be reborn?", "Often many times.")


def test_a_question_asking_for_names_needs_one_it_does_not_already_hold():
    q = "Which companies did Washington sanction, by name?"
    assert not has_asked_type(q, "Washington has put penalties on groups assisting arms transfers.")
    assert has_asked_type(q, "Washington sanctioned Rosoboronexport and Korea Mining.")


def test_money_needs_a_currency_not_just_any_number():
    q = "How much money is the arms deal worth?"
    assert not has_asked_type(q, "Washington put penalties on groups trading between the two nations.")
    assert has_asked_type(q, "The deal is said to be worth $2 billion.")
    assert has_asked_type(q, "It was valued at 300 million euros.")


def _speller(text: str):
    from assistant.lexicon import Speller, known_words, terms

    frequency: dict[str, int] = {}
    for t in terms(text):
        frequency[t] = frequency.get(t, 0) + 1
    return Speller(frequency, known_words())


ARTICLE = (
    "North Korea's leader Kim Jong Un will meet Russian President Vladimir Putin in Vladivostok. "
    "Shoigu proposed a naval drill involving China. Russia partly annexed Ukraine."
)


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("How did Beijing respond to the drill?", ["Beijing"]),
        ("Who won the 2022 World Cup?", ["World Cup"]),
        ("What did Emmanuel Macron say about Kim?", ["Emmanuel Macron"]),
        ("Where will Kim meet Putin?", []),
        ("What did Shoigu's drill involve?", []),  # possessive
        ("Did Russia take Ukrainian land?", []),  # the same stem start as "Ukraine"
        ("Wich weapons will North Korea send to Rusia?", []),  # a typo of a name the text has
        ("How has the US responded?", []),  # short acronyms may be spelt out in the text
        ("Is China involved?", []),
        ("Why are Americans worried?", []),  # a people, which the text may name by its place
        ("Did the Chinese respond?", []),
    ],
)
def test_unknown_names_are_the_ones_the_text_never_mentions(question, missing):
    from assistant.extractive.gate import unknown_names

    assert unknown_names(question, _speller(ARTICLE)) == missing


def test_a_question_about_a_name_the_article_lacks_is_declined_and_says_why(seed_bot):
    ans = seed_bot.ask("How did Beijing respond to the proposed trilateral naval drill?")
    assert ans.abstained and ans.citations == []
    assert ans.text == "The article doesn't say: it never mentions Beijing."
    assert ans.passages  # the closest paragraphs are still shown
    assert not seed_bot.ask("Wich weapons is North Korea suposed to send to Rusia?").abstained


def test_time_is_not_money():
    assert asked_type("How much time did Kim spend in Russia?") == "number"
    assert has_asked_type("How much time did Kim spend in Russia?", "Kim spent six days in Russia.")


def test_a_two_part_question_answers_the_half_the_article_covers(seed_bot):
    ans = seed_bot.ask("Where will Kim meet Putin, and how did Beijing respond?")
    assert not ans.abstained and "Vladivostok" in ans.text
    assert ans.text.endswith("The article doesn't say: it never mentions Beijing.")


def test_names_are_read_as_phrases_without_titles_or_short_acronyms():
    assert name_terms("What did President Putin tell the leaders of North Korea?") == [
        frozenset({"putin"}),
        frozenset({"north", "korea"}),
    ]
    assert name_terms("What share did TV networks have?") == []  # "TV" may be spelt out
    assert name_terms("What Did The President Say?") == []  # Title Case: no telling capitals


def test_a_paragraph_covers_a_name_by_its_words_or_another_name_of_the_country():
    from assistant.lexicon import terms

    names = name_terms("How long have Moscow and Pyongyang been partners?")
    assert names_covered(names, frozenset(terms("Russia and North Korea share a partnership.")))
    assert not names_covered(names, frozenset(terms("Russia held drills.")))


def test_an_answer_from_a_paragraph_that_never_names_what_was_asked_about_is_declined(seed_bot):
    from assistant.extractive import ExtractiveBackend, ExtractiveSettings

    # China is named in the article (a proposed drill), but nowhere near the summit: the
    # check declines what the scorer alone would answer from a paragraph about the summit.
    for question in ("How did China react to the summit?", "Who is the president of South Korea?"):
        assert seed_bot.ask(question).abstained
        unchecked = ExtractiveBackend(ExtractiveSettings(names_in_answer=False))
        assert not unchecked.answer(question, seed_bot.retrieve(question)).abstained
    # "Moscow and Pyongyang" are Russia and North Korea in the answer's paragraph.
    answer = seed_bot.ask("How long have Moscow and Pyongyang been partners?")
    assert not answer.abstained and "Cold War" in answer.text
