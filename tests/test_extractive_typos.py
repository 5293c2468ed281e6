"""Misspelt question words meet the passages' words in the sentence scorer."""

from __future__ import annotations

from assistant.extractive.features import analyse


def test_analyse_maps_misspelt_words_onto_the_searched_vocabulary():
    vocabulary = {"satellit": 2, "technolog": 1, "moscow": 3, "period": 4}
    q = analyse("What satelite tehnology does Moscow offer?", vocabulary)
    assert {"satellit", "technolog", "moscow"} <= q.terms
    assert analyse("What satelite tehnology does Moscow offer?").terms.isdisjoint({"satellit", "technolog"})


def test_real_words_the_text_lacks_are_not_rewritten():
    q = analyse("Which period did the treaty cover?", {"perio": 1, "treati": 2})
    assert "period" in q.terms and "perio" not in q.terms


def test_a_typo_question_gets_the_same_answer_as_the_clean_one(seed_bot):
    clean = seed_bot.ask("What does North Korea get in return from Moscow?")
    typo = seed_bot.ask("What does Nrth Korea get in retrun from Mosow?")
    assert not clean.abstained and not typo.abstained
    assert [c.quote for c in typo.citations] == [c.quote for c in clean.citations]
