"""Citation forms and declines as real models write them, read into footnote's canonical forms.

Unit tests for ``assistant.llm.forms`` (each marker form, prose numbers left alone, each
decline phrasing) and for the rule ``Verifier.verify`` applies: a reply abstains when a
sentence of it declines and no sentence of it is supported.
"""

from __future__ import annotations

import pytest

from assistant.citations import ABSTAIN_TEXT
from assistant.llm.forms import canonical_markers, is_decline
from assistant.llm.guard import LeakGuard
from assistant.llm.support import Verifier
from assistant.schema import Passage


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In Vladivostok [¶3].", "In Vladivostok [¶3]."),
        ("In Vladivostok [3].", "In Vladivostok [¶3]."),
        ("In Vladivostok (¶3).", "In Vladivostok [¶3]."),
        ("In Vladivostok ¶ 3.", "In Vladivostok [¶3]."),
        ("In Vladivostok ¶3.", "In Vladivostok [¶3]."),
        ("In Vladivostok, paragraph 3.", "In Vladivostok [¶3]."),
        ("In Vladivostok (paragraph 3).", "In Vladivostok [¶3]."),
        ("In Vladivostok (Paragraph 3).", "In Vladivostok [¶3]."),
        ("In Vladivostok (see paragraph 3).", "In Vladivostok [¶3]."),
        ("Arms [¶2, ¶5].", "Arms [¶2][¶5]."),
        ("Arms [¶2][¶5].", "Arms [¶2][¶5]."),
        ("Arms [2, 5].", "Arms [¶2][¶5]."),
        ("Arms (¶¶2-3).", "Arms [¶2][¶3]."),
        ("Arms (paragraphs 2 and 5).", "Arms [¶2][¶5]."),
        ("Arms [paragraph 3, paragraph 4].", "Arms [¶3][¶4]."),
        ("Arms ¶¶2-4.", "Arms [¶2][¶3][¶4]."),
        ("According to paragraph 3, they meet in Vladivostok.", "They meet in Vladivostok [¶3]."),
        ("Paragraph 3 says that they meet in Vladivostok.", "They meet in Vladivostok [¶3]."),
        ("Yes. As mentioned in paragraph 8, it may move.", "Yes. It may move [¶8]."),
        # documents named in the marker (multi-document mode) keep their id
        ("Meet [kim-putin-summit ¶3].", "Meet [kim-putin-summit ¶3]."),
        ("Meet [kim-putin-summit, paragraph 3].", "Meet [kim-putin-summit ¶3]."),
        ("Meet (other-story ¶3, ¶5).", "Meet [other-story ¶3][other-story ¶5]."),
    ],
)
def test_citation_forms_become_canonical_markers(text, expected):
    assert canonical_markers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "He stayed 3 days in 2019.",
        "It was [sic] wrong.",
        "Three steps: (1) ask, (2) cite.",
        "It happened (in 2019) and [1990].",
        "The 70th anniversary of the end of the Korean War.",
        "Rates rose 2-3 percent (2, 3).",
    ],
)
def test_ordinary_numbers_are_left_alone(text):
    assert canonical_markers(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "The article does not mention the population of Vladivostok.",
        "The article doesn't say.",
        "The text does not provide this information.",
        "The article does not specify the date.",
        "There is no information about the deal's value.",
        "The exact date is not mentioned in the article.",
        "The article does not answer the question of what weapons North Korea provides.",
        "It does not specify when.",
        "I don't know.",
        "I cannot answer that from the article.",
    ],
)
def test_decline_phrasings(text):
    assert is_decline(text)


@pytest.mark.parametrize(
    "text",
    [
        "North Korea has denied any arms dealings with Russia.",
        "Kim did not say where he would go.",
        "This is a historical detail that is not mentioned in the article text.",  # a hedge
        "Kim and Putin are expected to meet in Vladivostok.",
    ],
)
def test_not_declines(text):
    assert not is_decline(text)


@pytest.fixture(scope="module")
def verifier(seed_bot):
    store = seed_bot.store
    given = [Passage(p, 0.0, store.documents[p.document].title) for p in store.paragraphs]
    return Verifier(store, seed_bot.retriever.encoder, given, False, LeakGuard("", [], ""))


def test_a_decline_alone_abstains(verifier):
    for text in (
        "The article does not mention the population of Vladivostok.",
        "There is no information about that in the article [¶3].",
        "The population of Vladivostok is 2. However, the population is not stated in the article.",
    ):
        v = verifier.verify(text)
        assert v.abstained and v.text == ABSTAIN_TEXT and v.citations == [], text


def test_a_decline_next_to_a_supported_claim_is_shown(verifier):
    v = verifier.verify(
        "The article does not give the exact date. Kim and Putin are expected to meet in Vladivostok [¶3]."
    )
    assert not v.abstained
    assert v.text.startswith("The article does not give the exact date.")
    assert [(c.paragraph, c.supported) for c in v.citations] == [(3, True)]


def test_a_decline_is_never_cited_to_a_paragraph(verifier):
    checked = verifier.check("The article does not say how many missiles North Korea will deliver.")
    assert checked.text and checked.citations == []


@pytest.mark.parametrize(
    "text",
    [
        "According to paragraph 3, Kim and Putin are expected to meet in Vladivostok.",
        "Kim and Putin are expected to meet in Vladivostok (paragraph 3).",
        "Kim and Putin are expected to meet in Vladivostok [3].",
        "Kim and Putin are expected to meet in Vladivostok ¶ 3.",
    ],
)
def test_real_forms_are_checked_as_citations(verifier, text):
    v = verifier.verify(text)
    assert v.text == "Kim and Putin are expected to meet in Vladivostok [¶3]."
    assert [(c.paragraph, c.supported) for c in v.citations] == [(3, True)]


@pytest.mark.parametrize(
    "claim",
    [
        "The summit was not reported by Chinese media and Kim was assassinated.",
        "There is no indication that Putin will attend, and the talks collapsed.",
        "Weapons were not given to Russia in 2022.",
        "The cause cannot be determined, police said.",
    ],
)
def test_claims_about_the_world_are_not_declines(claim):
    # A negative claim about the world must be checked like any other, never waved through.
    assert not is_decline(claim)


def test_another_texts_paragraph_is_not_a_pointer():
    for text in ("Under paragraph 3 of the law, fines apply.", "Under paragraph 31 of the law, fines apply."):
        assert canonical_markers(text) == text
