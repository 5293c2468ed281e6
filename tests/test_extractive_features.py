"""Question analysis and sentence features used by the extractive scorer."""

from __future__ import annotations

import pytest

from assistant.asking import answer_type
from assistant.extractive.features import FEATURES, analyse, sentence_features, sentence_text, typed


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many people live there?", "number"),
        ("What percentage of voters agreed?", "number"),
        ("What is the population of the city?", "number"),
        ("When did the war end?", "date"),
        ("In what year was it built?", "date"),
        ("Who founded the company?", "person"),
        ("Which company bought the network?", "person"),
        ("Where was the treaty signed?", "place"),
        ("In which country is the river?", "place"),
        ("What is a prime number?", "other"),
        ("Why did the talks fail?", "other"),
    ],
)
def test_answer_type_from_the_interrogative(question, kind):
    assert answer_type(question) == kind


def test_a_year_is_not_a_count_but_is_a_date():
    many = analyse("How many soldiers crossed the river?")
    when = analyse("When did the soldiers cross the river?")
    year = sentence_text("The soldiers crossed the river in 1812.")
    count = sentence_text("About 4,000 soldiers crossed the river.")
    words = sentence_text("Three hundred soldiers crossed the river.")
    assert typed(many, year) == (-1.0, 0.0)
    assert typed(many, count) == (1.0, 0.0)
    assert typed(many, words) == (1.0, 0.0)
    assert typed(when, year) == (1.0, 0.0)
    assert typed(when, count) == (-1.0, 0.0)


def test_a_name_counts_only_if_the_question_lacks_it():
    q = analyse("Who did Napoleon defeat at Austerlitz?")
    assert typed(q, sentence_text("At Austerlitz, Napoleon defeated Kutuzov and the Austrians."))[1] == 1.0
    assert typed(q, sentence_text("At Austerlitz, the army of Napoleon won the day."))[1] == -1.0
    assert typed(analyse("Why did it rain?"), sentence_text("Napoleon won.")) == (0.0, 0.0)


def test_sentence_features_shares_and_pronoun_context():
    q = analyse("Which river did the Romans cross at night?")
    texts = [sentence_text(t) for t in ("The Romans reached the Rhine.", "They crossed the river at night.")]
    para = texts[0].terms | texts[1].terms
    f = dict(zip(FEATURES, sentence_features(q, texts, 1, 0.5, 0.7, para, 1.0), strict=True))
    assert f["cos"] == 0.5
    assert f["cos_context"] == 0.7  # "They ..." borrows its neighbour's similarity
    assert f["share"] == pytest.approx(3 / 4)  # river, cross, night of romans/river/cross/night
    assert f["share_context"] == f["share_paragraph"] == 1.0
    assert f["passage"] == 1.0
    first = dict(zip(FEATURES, sentence_features(q, texts, 0, 0.4, 0.9, para, 2.0), strict=True))
    assert first["cos_context"] == 0.4  # not a pronoun start: its own similarity


@pytest.mark.parametrize(
    ("question", "fixed"),
    [
        ("wher will kim and putin mett?", "where will kim and putin mett?"),  # a dropped letter
        ("Whre do they live?", "where do they live?"),
        ("hw many ships sank?", "how many ships sank?"),
        ("And whn did it end?", "And when did it end?"),
        ("Where is it?", "Where is it?"),  # already right
        ("That is all?", "That is all?"),  # an English word is never rewritten
        ("Xyzzy is what?", "Xyzzy is what?"),  # too far from any interrogative
    ],
)
def test_a_misspelt_opening_interrogative_is_corrected(question, fixed):
    from assistant.asking import fix_interrogative

    assert fix_interrogative(question) == fixed


def test_a_typo_in_the_interrogative_keeps_the_answer_type():
    assert analyse("wher will they meet?").kind == "place"
    assert analyse("hw many ships sank?").kind == "number"


def test_place_cue_sees_a_named_place_or_a_place_word_the_question_lacks():
    from assistant.extractive.features import place_cue

    q = analyse("Where will Kim meet Putin?")
    assert place_cue(q, sentence_text("Kim is slated to meet with Russian President Vladimir Putin.")) == -1.0
    assert place_cue(q, sentence_text("The chosen destination is Vladivostok, a port city.")) == 1.0
    assert place_cue(q, sentence_text("The meeting might be moved to Moscow.")) == 1.0
    assert place_cue(q, sentence_text("Shoigu visited Pyongyang, where he proposed a drill.")) == 1.0
    assert place_cue(analyse("Who will meet Putin?"), sentence_text("They meet in Moscow.")) == 0.0


def test_local_idf_weights_rare_question_words_above_common_ones():
    from assistant.extractive.features import local_idf

    q = analyse("Which bridge did the Romans build?")
    texts = [
        sentence_text(t) for t in ("The Romans marched.", "The Romans built a bridge.", "The Romans left.")
    ]
    idf = local_idf(q, texts)
    assert idf["bridg"] > idf["roman"] > 0
    assert local_idf(q, []) == dict.fromkeys(q.terms, 0.0)
    para = frozenset().union(*(t.terms for t in texts))
    with_bridge = dict(zip(FEATURES, sentence_features(q, texts, 1, 0.5, 0.5, para, 1.0, idf), strict=True))
    without = dict(zip(FEATURES, sentence_features(q, texts, 0, 0.5, 0.5, para, 1.0, idf), strict=True))
    assert with_bridge["idf_share"] > without["idf_share"] > 0


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("What weapons would North Korea provide to Russia?", "weapons"),
        ("Which news agency reported it?", "news agency"),
        ("What kind of city is Vladivostok?", "city"),
        ("In which year did it end?", "year"),
        ("Where will Kim meet Putin?", "a place or location"),
        ("wher will they meet?", "a place or location"),
        ("When did he die?", "a date or time"),
        # No kind of thing named: what the verb asks about, as a description of such answers.
        ("What is Pyongyang offering?", "an exchange or trade of goods"),
        ("What would North Korea send to Russia?", "an exchange or trade of goods"),
        ("What will Kim and Putin discuss?", "the topic or focus of discussions"),
        ("What are the two leaders going to talk about?", "the topic or focus of discussions"),
        ("What is Kim going to do?", None),
        ("Why did they meet?", None),
    ],
)
def test_focus_is_what_the_question_asks_for(question, wanted):
    from assistant.asking import focus

    assert focus(question) == wanted


def test_overlap_matches_derivations_the_stemmer_keeps_apart():
    from assistant.extractive.features import overlap
    from assistant.lexicon import terms

    q = frozenset(terms("How long have they been partners with Russia?"))
    found = overlap(q, frozenset(terms("A Russian partnership stretching back decades.")))
    assert {"partner", "russia"} <= found
    # A longer word that merely starts the same way is another word.
    assert not overlap(frozenset(terms("Which state?")), frozenset(terms("The statement was read.")))
    assert not overlap(frozenset(terms("The prince")), frozenset(terms("The princess")))


def test_capitalised_acronyms_meet_the_names_they_stand_for():
    from assistant.lexicon import terms

    united_states = terms("the United States")
    assert terms("How has the US responded?")[:2] == united_states
    assert terms("The U.S. Navy")[:2] == united_states
    assert "unit" not in terms("Let us go")  # the pronoun stays a pronoun


def test_a_question_naming_the_us_finds_the_united_states(seed_bot):
    answer = seed_bot.ask("How has the US responded?")
    assert not answer.abstained
    assert any("United States" in c.paragraph_text for c in answer.citations)


def test_a_country_is_matched_by_its_other_names():
    from assistant.extractive.features import matched
    from assistant.lexicon import terms

    q = analyse("How has the US responded?")
    assert {"unit", "state"} <= matched(q, frozenset(terms("Washington has put penalties on groups.")))
    q = analyse("What is Pyongyang offering Russia?")
    found = matched(
        q, frozenset(terms("The exchange of artillery from North Korea for Moscow's satellites."))
    )
    assert {"pyongyang", "russia"} <= found
    assert not matched(analyse("What did China say?"), frozenset(terms("Russia said nothing.")))
