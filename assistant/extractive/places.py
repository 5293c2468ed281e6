"""Other names news writing uses for a country: its capital, its people.

"Pyongyang is offering Moscow…" means North Korea and Russia; a check that asks
whether a paragraph names what a question names must accept either. ``aliases(stems)``
gives, for a name's content-word stems, the stems of every other name of the same
country: its English names (``countryinfo``'s data: name, alternative spellings, capital,
demonym). A hand list of seats of government ("Kremlin", "White House") was retired: it
changed no answer on xquad-dev or the reader-questions set, only one on the seed suite it
was written from.

This module only relates names; it does not decide what a question asks or a text says.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..lexicon import terms

_ENGLISH = re.compile(r"^[A-Za-z][A-Za-z .,'’-]+$")


@lru_cache(maxsize=1)
def _table() -> dict[frozenset[str], frozenset[frozenset[str]]]:
    from countryinfo import all_countries

    groups: list[set[str]] = []
    for country in all_countries():
        fields = [country.name(), country.capital(), country.demonym(), country.alt_spellings()]
        names = [n for f in fields for n in (f if isinstance(f, list | tuple) else [f]) if isinstance(n, str)]
        # English names only; two- and three-letter codes are left to the acronym rules.
        groups.append({n.replace(" D.C.", "") for n in names if n and _ENGLISH.match(n) and len(n) > 3})
    table: dict[frozenset[str], set[frozenset[str]]] = {}
    for group in groups:
        keys = {frozenset(terms(n)) for n in group} - {frozenset()}
        for key in keys:
            table.setdefault(key, set()).update(keys - {key})
    return {k: frozenset(v) for k, v in table.items()}


def aliases(stems: frozenset[str]) -> frozenset[frozenset[str]]:
    """Stems of the other names of the country ``stems`` names (empty when it names none)."""
    return _table().get(stems, frozenset())
