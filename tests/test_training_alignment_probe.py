"""The token-alignment probe: question words matched to a sentence's words by MiniLM token vectors."""

import numpy as np

from training.alignment_probe import NAMES, alignment, token_words


def test_a_sentence_holding_the_question_words_aligns_better_than_an_unrelated_one(encoder):
    question = "When did the museum close the musical instruments gallery?"
    holds = "The museum closed the musical instruments gallery in February 2010."
    unrelated = "Oxygen is the third most abundant element in the universe."
    vectors = token_words(encoder, [question, holds, unrelated])
    words, content, slot = vectors[question]
    assert words.shape[1] == 384 and np.allclose(np.linalg.norm(words, axis=1), 1, atol=1e-4)
    assert content.tolist() == [False, False, False, True, True, False, True, True, True, False]
    assert slot[0] and not slot[3:].any()  # "when" (and the auxiliary after it) is the slot
    near = dict(zip(NAMES, alignment(question, [holds], vectors), strict=True))
    far = dict(zip(NAMES, alignment(question, [unrelated], vectors), strict=True))
    assert near["al1_mean"] > 0.8 > far["al1_mean"]
    assert near["al1_min"] > far["al1_min"]
