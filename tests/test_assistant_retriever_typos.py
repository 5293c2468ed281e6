"""Typo tolerance of query terms (assistant.lexicon.Speller) and its use by the retriever."""

from __future__ import annotations

from assistant.lexicon import Speller, terms

VOCAB = {"meet": 3, "met": 1, "russia": 9, "weapon": 4, "north": 5, "korea": 5, "send": 2, "tank": 2}


def test_misspelt_words_map_to_the_closest_vocabulary_stem():
    s = Speller(VOCAB)
    assert s.terms("Wich weapons will North Korea send to Rusia?") == [
        "weapon",
        "north",
        "korea",
        "send",
        "russia",
    ]


def test_ties_go_to_the_more_frequent_stem_and_misspelt_stopwords_are_dropped():
    s = Speller(VOCAB)
    assert s.terms("wher will they mett?") == ["meet"]  # "meet" (3 ¶) over "met" (1 ¶)


def test_known_words_short_words_and_numbers_are_left_alone():
    s = Speller(VOCAB, known=frozenset({"talk"}))
    # "talk" is a real word the index lacks: it must not become "tank".
    assert s.terms("talk") == terms("talk")
    assert s.terms("tnk 1999") == terms("tnk 1999")  # too short to correct; a number
    assert s.terms("weapons") == ["weapon"]


def test_retriever_finds_the_paragraph_despite_typos(seed_bot):
    clean = seed_bot.retriever.retrieve("Where will Kim and Putin meet?", top_k=1)[0]
    typo = seed_bot.retriever.retrieve("Wher will Kim and Puttin meeet?", top_k=1)[0]
    assert typo.paragraph.id == clean.paragraph.id
    assert seed_bot.retriever.query_terms("Wher will Kim and Puttin meeet?") == terms("Kim Putin meet")


def test_fix_rewrites_misspelt_words_as_the_text_spells_them():
    s = Speller(VOCAB, known=frozenset({"will", "they"}), surface={"meet": "meet", "russia": "russia"})
    assert s.fix("Wher will they mett in Rusia?") == "where will they meet in russia?"
    assert s.fix("Will they meet?") == "Will they meet?"
