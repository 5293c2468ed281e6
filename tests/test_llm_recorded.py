"""Real replies of a tiny model, recorded, run through the checker: the product's guarantees hold.

``tests/data/smollm2-replies.json`` holds SmolLM2-135M-Instruct's (Apache-2.0) raw replies
to the seed and seed-probe questions with the paragraphs it was given, recorded by
``bench/record_replies.py`` under the shipped prompts and under a looser prompt that asks
for declines in the model's own words. For every reply: each shown citation quotes its
paragraph verbatim, no citation below the support threshold is flagged supported, every
marker in the text names a citation, and a reply that declines (with nothing supported)
becomes the standard abstention.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.citations import ABSTAIN_TEXT, MARKER, verify
from assistant.llm.forms import is_decline
from assistant.llm.guard import LeakGuard
from assistant.llm.support import SUPPORT_THRESHOLD, Verifier, prepare, split_answer, strip_markers
from assistant.schema import Passage

FIXTURE = Path(__file__).resolve().parent / "data" / "smollm2-replies.json"
DATA = json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_fixture_is_attributed_and_varied():
    assert "SmolLM2-135M-Instruct" in DATA["model"] and "Apache-2.0" in DATA["license"]
    replies = DATA["replies"]
    assert len(replies) >= 90
    assert len({r["variant"] for r in replies}) == 2
    assert sum(r["answerable"] for r in replies) and sum(not r["answerable"] for r in replies)


@pytest.fixture(scope="module")
def checked(seed_bot):
    store = seed_bot.store
    out = []
    for r in DATA["replies"]:
        given = []
        for doc, n in r["given"]:
            p = store.paragraph(doc, n)
            assert p is not None and p.text == DATA["articles"][doc][str(n)]
            given.append(Passage(p, 0.0, store.documents[doc].title))
        verifier = Verifier(store, seed_bot.retriever.encoder, given, False, LeakGuard("", [], ""))
        out.append((r, verifier.verify(r["reply"])))
    return out


def test_every_shown_citation_is_verbatim_and_honestly_flagged(checked, seed_bot):
    for r, v in checked:
        for c in v.citations:
            assert verify(c, seed_bot.store.paragraph(c.document, c.paragraph)), r["id"]
            assert c.supported == (c.support is not None and c.support >= SUPPORT_THRESHOLD), r["id"]
        cited = {(c.document, c.paragraph) for c in v.citations}
        for m in MARKER.finditer(v.text):
            assert ("kim-putin-summit" if m.group(1) is None else m.group(1), int(m.group(2))) in {
                (d, n) for d, n in cited
            }, r["id"]


def test_declines_become_abstentions(checked):
    declined = 0
    for r, v in checked:
        sentences = [strip_markers(s) for s in split_answer(prepare(r["reply"]))]
        if any(is_decline(s) for s in sentences) and not v.supported:
            declined += 1
            assert v.abstained and v.text == ABSTAIN_TEXT and v.citations == [], r["id"]
        if v.abstained:
            assert v.text == ABSTAIN_TEXT and not v.citations
    assert declined >= 80  # the tiny model mostly declines; its own-words declines count too


def test_a_hedge_is_not_an_abstention(checked):
    hedged = [
        v
        for r, v in checked
        if re.search(r"^This is .* not mentioned in the article", r["reply"].split(". ")[-1])
    ]
    assert hedged and not any(v.abstained for v in hedged)
