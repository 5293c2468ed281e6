"""Other names of a country: capital, people (from countryinfo's data)."""

from __future__ import annotations

from assistant.extractive.places import aliases
from assistant.lexicon import terms


def _names(name: str) -> set[frozenset[str]]:
    return set(aliases(frozenset(terms(name))))


def test_a_capital_stands_for_its_country_and_back():
    assert frozenset(terms("North Korea")) in _names("Pyongyang")
    assert frozenset(terms("Pyongyang")) in _names("North Korea")
    assert frozenset(terms("Russia")) in _names("Moscow")
    assert frozenset(terms("Ukraine")) in _names("Kyiv")


def test_a_name_that_is_no_country_has_no_aliases():
    assert aliases(frozenset(terms("Vladivostok"))) == frozenset()
    assert aliases(frozenset()) == frozenset()
