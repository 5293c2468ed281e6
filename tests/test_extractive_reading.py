"""The sentence reader: the shipped fine-tuned model, run through onnxruntime, and its use by the reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.extractive.reading import FOLDER, SentenceReader, default_reader, gate, provenance
from index.errors import ConfigurationError


def test_it_finds_the_answer_span_and_prefers_the_answering_sentence():
    question = "Where is the summit expected to take place?"
    answering = "While Vladivostok is the expected location, the exact date of the meeting has not been set."
    other = "Kim travelled in his armoured train, accompanied by senior officials."
    a, b = default_reader().read(question, [answering, other])
    assert "Vladivostok" in a.span
    assert a.margin > b.margin


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("When did the leaders last meet?", "The two leaders last met in April 2019 in Vladivostok.", "April 2019"),
        ("How many people died in the fire?", "Officials said 42 people died in the fire on Sunday.", "42"),
        ("Who leads the defence ministry?", "The defence ministry is led by Andrei Belousov, an economist.", "Andrei Belousov"),
    ],
)
def test_short_spans_of_each_type(question, sentence, expected):
    (reading,) = default_reader().read(question, [sentence])
    assert expected in reading.span
    assert len(reading.span.split()) <= len(expected.split()) + 3


def test_spans_are_verbatim_slices_of_their_sentence():
    sentences = [
        "Putin hosted Kim at the Vostochny Cosmodrome, Russia's most modern space launch site.",
        "  Oddly   spaced   text,   with “quotes” and é accents — still a sentence.  ",
        "x" * 3000,  # longer than the model's window: truncated, never out of range
    ]
    for r in default_reader().read("Where did Putin host Kim?", sentences):
        assert r.sentence[r.start : r.end] == r.span
        assert 0 <= r.start <= r.end <= len(r.sentence)


def test_nothing_to_read():
    assert default_reader().read("Where?", []) == []


def test_a_missing_model_is_a_configuration_error(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="missing"):
        SentenceReader(tmp_path / "model.onnx").read("Where?", ["Here."])


def test_the_model_ships_with_its_provenance_and_gate():
    meta = provenance()
    assert "SQuAD" in meta["licence"] and meta["metrics"]["report"]["auc"] > 0.8
    fitted = gate()
    assert fitted is not None and isinstance(fitted["short_above"], float)
    assert json.loads((FOLDER / "gate.json").read_text())["rule"]


def test_the_reader_takes_its_short_answer_from_the_sentence_reader(seed_bot):
    ans = seed_bot.ask("Where is the summit expected to take place?")
    assert ans.short and "Vladivostok" in ans.short
    assert any(ans.short in c.quote for c in ans.citations)


def test_the_reading_rule_declines_below_its_bar_and_only_when_set(seed_bot):
    from dataclasses import replace

    from assistant.extractive.reader import ExtractiveSettings, Reader

    q = "Where is the summit expected to take place?"
    passages = seed_bot.retrieve(q)
    # The margin alone, on the reader's own order.
    base = replace(ExtractiveSettings(), decline_weights=(0.0, 1.0, 0.0), swap_margin=float("inf"))
    off = Reader(replace(base, decline_below=float("-inf")))
    assert not off.answer(q, passages).abstained
    margin = off.reading(q, off.choose(off.score_sentences(q, passages), q)).margin
    assert not Reader(replace(base, decline_below=margin - 1)).answer(q, passages).abstained
    declined = Reader(replace(base, decline_below=margin + 1)).answer(q, passages)
    assert declined.abstained and not declined.citations and declined.short is None


def test_a_span_under_the_short_answer_bar_is_withheld_and_the_sentence_still_answers(seed_bot):
    from dataclasses import replace

    from assistant.extractive.reader import ExtractiveSettings, Reader

    q = "Who reported on the exchange of artillery?"
    passages = seed_bot.retrieve(q)
    base = replace(ExtractiveSettings(), swap_margin=float("inf"))  # the reader's own order
    reader = Reader(base)
    reading = reader.reading(q, reader.choose(reader.score_sentences(q, passages), q))
    shown = Reader(replace(base, short_above=reading.margin)).answer(q, passages)
    withheld = Reader(replace(base, short_above=reading.margin + 0.1)).answer(q, passages)
    assert shown.short == reading.span and shown.short in shown.text
    assert withheld.short is None and withheld.text == shown.text and withheld.citations == shown.citations


def test_the_sentence_reader_reorders_the_two_likeliest_sentences_past_its_margin(seed_bot):
    from dataclasses import replace

    from assistant.extractive.reader import ExtractiveSettings, Reader

    q = "What would Moscow give North Korea in return?"
    passages = seed_bot.retrieve(q)
    reader = Reader(replace(ExtractiveSettings(), swap_margin=float("inf")))
    scored = reader.score_sentences(q, passages)
    assert reader.reread(q, scored) is scored  # never, at inf
    first, second = reader._read(q, scored[:2], {})
    gap = second.margin - first.margin
    below = Reader(replace(ExtractiveSettings(), swap_margin=gap - 0.01)).reread(q, scored)
    above = Reader(replace(ExtractiveSettings(), swap_margin=gap + 0.01)).reread(q, scored)
    assert below[:2] == [scored[1], scored[0]] and below[2:] == scored[2:]
    assert above == scored


def test_reordering_never_turns_a_declined_question_into_an_answer(seed_bot):
    from dataclasses import replace

    from assistant.extractive.reader import ExtractiveSettings, Reader

    q = "On what exact date will the summit take place?"  # the article gives none
    passages = seed_bot.retrieve(q)
    for swap in (float("inf"), float("-inf")):
        assert Reader(replace(ExtractiveSettings(), swap_margin=swap)).answer(q, passages).abstained
