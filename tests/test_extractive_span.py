"""Short answers: the span of the quoted sentence that answers, shown first in the CLI and UI
(the span itself comes from the sentence reader: ``test_extractive_reading``)."""

from __future__ import annotations

from assistant.asking import is_yes_no
from assistant.cli import _print_answer
from assistant.schema import Answer, Citation
from assistant.ui.render import answer_html
from evals.results import CaseResult, aggregate


def _answer(short: str | None) -> Answer:
    quote = "The summit will be held in <b>Oslo</b>."
    citation = Citation("doc", 3, quote, quote, 0, len(quote))
    return Answer("Where?", f"{quote} [¶3]", [citation], abstained=False, backend="extractive", short=short)


def test_cli_prints_the_short_answer_first(capsys):
    _print_answer(_answer("Oslo"), as_json=False)
    assert capsys.readouterr().out.splitlines()[0] == "Oslo — The summit will be held in <b>Oslo</b>. [¶3]"
    _print_answer(_answer(None), as_json=False)
    assert capsys.readouterr().out.splitlines()[0] == "The summit will be held in <b>Oslo</b>. [¶3]"
    _print_answer(_answer("Oslo"), as_json=True)
    assert '"short": "Oslo"' in capsys.readouterr().out


def test_ui_shows_the_short_answer_in_bold_escaped():
    html = answer_html(_answer("<i>Oslo</i>"))
    assert '<strong class="fn-short">&lt;i&gt;Oslo&lt;/i&gt;</strong> — The summit' in html
    assert "fn-short" not in answer_html(_answer(None))


def test_short_f1_is_aggregated_over_answerable_cases():
    cases = [
        CaseResult("a", "who", "Q?", True, "x", gold_answers=["Ana Ruiz"], f1=0.2, short_f1=1.0),
        CaseResult("b", "who", "Q?", True, "x", gold_answers=["Lyon"], f1=0.1, short_f1=0.0),
        CaseResult("c", "who", "Q?", False, "x", short_f1=None),
    ]
    metrics = aggregate(cases)
    assert metrics["short_f1"] == 0.5 and abs(metrics["f1"] - 0.15) < 1e-9


def test_the_reader_gives_a_short_answer_from_its_quote(seed_bot):
    ans = seed_bot.ask("Who is Russia's defence minister?")
    assert not ans.abstained and ans.short
    assert any(ans.short in c.quote for c in ans.citations)
    assert ans.to_dict()["short"] == ans.short
    assert seed_bot.ask("Who won the 2022 World Cup?").short is None


def test_a_yes_no_question_gets_no_short_answer(seed_bot):
    # Answered, with its quote as the answer, and no span of it.
    for question in ("Has North Korea admitted sending weapons to Russia?", "Did Shoigu visit Pyongyang?"):
        ans = seed_bot.ask(question)
        assert not ans.abstained and ans.short is None
    # Choosing between alternatives is answered by a span.
    assert is_yes_no("Is the port in Vladivostok or in Moscow?") is False
    assert is_yes_no("Who denied the arms dealings?") is False
