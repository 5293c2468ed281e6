"""BM25 enters the fusion as a share of the question's ideal score, not relative to the best."""

from __future__ import annotations

import numpy as np


def _ideal(retriever, question):
    _, cands, _, x = retriever.features(question)
    from assistant.retriever import PARAGRAPH_FEATURES

    return dict(zip(cands, x[:, PARAGRAPH_FEATURES.index("bm25_ideal")], strict=True))


def test_bm25_ideal_is_a_bounded_absolute_share(seed_bot):
    r = seed_bot.retriever
    scores = _ideal(r, "Vladivostok port city")
    assert all(0.0 <= v <= 1.0 for v in scores.values())
    best = max(scores, key=scores.get)
    assert "port city" in r.store.paragraphs[best].text  # the paragraph holding every word
    # Unlike relative BM25, the best match for words the article lacks stays low.
    weak = _ideal(r, "Which zebras photosynthesise in Vladivostok?")
    assert max(weak.values()) < max(scores.values())
    assert all(v == 0.0 for v in _ideal(r, "zebras photosynthesise").values())


def test_idf_is_highest_for_words_the_index_lacks(seed_bot):
    r = seed_bot.retriever
    assert r.idf("zebra") > r.idf("vladivostok") > r.idf("korea")
    assert np.isfinite(r.idf("korea"))
