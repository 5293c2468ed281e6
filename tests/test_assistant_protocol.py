"""The composer knows no backend: it cleans the question, hands over history and retriever,
and verifies every citation whatever the backend claims."""

from __future__ import annotations

import dataclasses

from assistant import Answer, Assistant, PassageBackend
from assistant.citations import cite

from .conftest import SEED


class Recording(PassageBackend):
    """A whole-protocol backend that records what the composer hands it."""

    name = "recording"

    def __init__(self) -> None:
        self.calls: list[tuple[str, list, object]] = []
        self.closed = False

    def answer(self, question, passages):
        p = passages[0]
        good = cite(p, p.paragraph.sentences[0])
        forged = dataclasses.replace(good, quote="Words that the article never printed.")
        return Answer(question, f"{good.quote} [¶{p.number}]", [good, forged], False, self.name, passages)

    def ask(self, question, history, retriever):
        self.calls.append((question, history, retriever))
        return super().ask(question, history, retriever)

    def close(self):
        self.closed = True


class AnswerOnly:
    """The narrow seam only: ``answer(question, passages)``, no ``ask``/``stream``."""

    name = "answer-only"

    def answer(self, question, passages):
        p = passages[0]
        c = cite(p, p.paragraph.sentences[0])
        return Answer(question, c.quote, [c], False, self.name, passages)


def test_ask_hands_the_cleaned_question_history_and_retriever_to_the_backend(seed_index, encoder):
    backend = Recording()
    bot = Assistant.open([SEED], seed_index, backend=backend, encoder=encoder)
    history = [("Where will they meet?", "In Vladivostok [¶8].")]
    ans = bot.ask("  And when?\u200b ", history)
    question, seen_history, retriever = backend.calls[0]
    assert question == "And when?" and seen_history == history and retriever is bot.retriever
    # The forged quote is dropped by the composer, the real one kept.
    assert len(ans.citations) == 1 and ans.removed_citations
    assert all(c.quote in bot.store.paragraph(c.document, c.paragraph).text for c in ans.citations)


def test_stream_checks_the_final_answer_of_any_backend(seed_index, encoder):
    bot = Assistant.open([SEED], seed_index, backend=Recording(), encoder=encoder)
    pieces = list(bot.stream("Where will Kim meet Putin?"))
    final = pieces[-1]
    assert isinstance(final, Answer) and len(final.citations) == 1
    assert "".join(p for p in pieces[:-1]) == final.text


def test_an_answer_only_backend_is_adapted_to_the_protocol(seed_index, encoder):
    bot = Assistant.open([SEED], seed_index, backend=AnswerOnly(), encoder=encoder)
    ans = bot.ask("Where will Kim meet Putin?")
    assert ans.backend == "answer-only" and ans.citations
    assert isinstance(list(bot.stream("Where will Kim meet Putin?"))[-1], Answer)


def test_closing_the_assistant_closes_its_backend(seed_index, encoder):
    backend = Recording()
    with Assistant.open([SEED], seed_index, backend=backend, encoder=encoder) as bot:
        bot.ask("Where will Kim meet Putin?")
    assert backend.closed


def test_model_settings_for_the_offline_backend_are_refused_not_ignored(seed_index, encoder):
    import pytest

    from assistant import ConfigurationError

    with pytest.raises(ConfigurationError, match="llm and local backends"):
        Assistant.open([SEED], seed_index, backend="extractive", encoder=encoder, model="llama3")


def test_a_bad_local_model_is_refused_before_any_index_is_built(tmp_path, encoder):
    import pytest

    from assistant import ConfigurationError

    index = tmp_path / "index"
    with pytest.raises(ConfigurationError, match="does not exist"):
        Assistant.open([SEED], index, backend="local", encoder=encoder, model=str(tmp_path / "missing.gguf"))
    assert not index.exists()
