"""End to end on a real on-disk Chroma index of the seed article, offline."""

from __future__ import annotations

import json
import shutil

import pytest

from assistant import Answer, Assistant, Citation, QuestionError
from assistant.citations import verify
from index.errors import SourceError
from tests.conftest import SEED


def _check_citations(bot: Assistant, answer: Answer) -> None:
    source = SEED.read_text(encoding="utf-8")
    for c in answer.citations:
        assert isinstance(c, Citation)
        assert c.document == "kim-putin-summit"
        assert c.quote in c.paragraph_text
        assert source[c.start : c.end] == c.quote
        assert verify(c, bot.store.paragraph(c.document, c.paragraph))


def test_answers_with_a_verbatim_cited_sentence(seed_bot):
    ans = seed_bot.ask("What did Shoigu propose when he visited Pyongyang?")
    assert not ans.abstained
    assert ans.backend == "extractive"
    assert "trilateral naval drill" in ans.text
    assert [c.paragraph for c in ans.citations][:1] == [6]
    assert "[¶6]" in ans.text
    assert ans.citations[0].section == "Regional Involvement"
    _check_citations(seed_bot, ans)


def test_unrelated_question_abstains_without_citations(seed_bot):
    ans = seed_bot.ask("Who won the 2022 World Cup?")
    assert ans.abstained
    assert ans.citations == []
    assert ans.text.startswith("The article doesn't say")
    assert ans.passages  # the closest paragraphs are still reported


def test_retrieve_seam_returns_ranked_passages(seed_bot):
    passages = seed_bot.retrieve("Who is Russia's Defence Minister?", top_k=3)
    assert len(passages) == 3
    assert passages[0].number == 4
    assert passages[0].score >= passages[1].score >= passages[2].score
    assert len(passages[0].sentence_scores) == len(passages[0].paragraph.sentences)


def test_answer_seam_works_on_given_passages(seed_bot):
    passages = seed_bot.retrieve("When did Kim Jong Il die?")
    ans = seed_bot.answer("When did Kim Jong Il die?", passages)
    assert "2011" in ans.text and ans.citations[0].paragraph == 8


def test_forged_citation_is_removed(seed_bot):
    real = seed_bot.ask("What did Shoigu propose when he visited Pyongyang?")
    forged = Citation(**{**real.citations[0].to_dict(), "quote": "Kim surrendered."})
    checked = seed_bot._checked(Answer("q", "t", [forged], False, "fake"))
    assert checked.citations == [] and checked.removed_citations


def test_question_errors_are_raised_before_work(seed_bot):
    with pytest.raises(QuestionError):
        seed_bot.ask("   ")


def test_stream_yields_text_then_answer(seed_bot):
    pieces = list(seed_bot.stream("Who is Russia's Defence Minister?"))
    assert isinstance(pieces[-1], Answer)
    assert "".join(pieces[:-1]) == pieces[-1].text


def test_index_is_reused_and_rebuilt_when_the_source_changes(tmp_path, encoder):
    src = tmp_path / "story.txt"
    shutil.copy(SEED, src)
    bot = Assistant.open([src], encoder=encoder)
    first = bot.store.build_dir
    again = Assistant.open([src], encoder=encoder)
    assert again.store.build_dir == first  # reused, not rebuilt
    src.write_text(SEED.read_text() + "\n\nA new closing paragraph about Moscow talks.", encoding="utf-8")
    changed = Assistant.open([src], encoder=encoder)
    assert changed.store.build_dir != first
    assert len(changed.store.paragraphs) == 10
    # Old builds are cleaned up, keeping at most the one before (readers may hold it open).
    assert len(list(changed.store.build_dir.parent.iterdir())) <= 2


def test_manifest_records_model_and_hashes(seed_index):
    manifest = json.loads((seed_index / "CURRENT" / "manifest.json").read_text())
    assert manifest["model"] and manifest["dimension"] == 384
    assert "kim-putin-summit" in manifest["sources"]


def test_bad_sources_raise_source_errors(tmp_path, encoder):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(SourceError):
        Assistant.open([empty], encoder=encoder)
    headings_only = tmp_path / "h.md"
    headings_only.write_text("# Title\n\n## Section\n")
    with pytest.raises(SourceError, match="no body paragraphs"):
        Assistant.open([headings_only], encoder=encoder)


def test_follow_up_uses_the_previous_turn(seed_bot):
    first = seed_bot.ask("What would Moscow give North Korea in return?")
    follow = seed_bot.ask("And who reported that?", [(first.question, first.text)])
    assert not follow.abstained
    assert "Reuters" in follow.text
    assert follow.citations[0].paragraph in {c.paragraph for c in first.citations}
    assert follow.standalone_question and "North Korea" in follow.standalone_question


def test_follow_up_detection():
    from assistant.condense import is_follow_up

    assert is_follow_up("And who reported that?")
    assert is_follow_up("Could it be moved?")
    assert not is_follow_up("Who is Russia's Defence Minister?")


def test_compound_question_is_answered_in_both_parts(seed_bot):
    ans = seed_bot.ask("Who is Sergei Shoigu, and what did he propose when he was in Pyongyang?")
    assert not ans.abstained
    assert "Defence Minister" in ans.text and "naval drill" in ans.text
    assert {4, 6} <= {c.paragraph for c in ans.citations}
    _check_citations(seed_bot, ans)


def test_compound_split_only_on_a_new_question_word():
    from assistant.condense import split_compound

    assert split_compound("Who is X, and what did he propose there?") == [
        "Who is X?",
        "what did he propose there?",
    ]
    assert split_compound("Who are Kim and Putin?") == ["Who are Kim and Putin?"]


def test_a_follow_up_asking_for_something_else_does_not_repeat_the_answer(seed_bot):
    told = (
        "The chosen destination for this big event is Vladivostok, a port city situated in close "
        "proximity to North Korea"
    )
    history = [("Where will Kim and Putin meet?", f"{told} [¶3].")]
    again = seed_bot.ask("Could it be moved somewhere else?", history)
    assert not again.abstained
    assert all(told not in c.quote for c in again.citations)
    assert "Moscow" in again.text
    # Without "else" the same sentence may well be the answer again.
    same = seed_bot.ask("And who chose it?", history)
    assert any(told in c.quote for c in same.citations) or same.abstained
