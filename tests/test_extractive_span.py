"""Short answers: the span of the quoted sentence that answers, shown first in the CLI and UI."""

from __future__ import annotations

from assistant.asking import is_yes_no
from assistant.cli import _print_answer
from assistant.extractive.span import Question, candidates, scored_spans, short_answer, tokens
from assistant.schema import Answer, Citation
from assistant.ui.render import answer_html
from evals.results import CaseResult, aggregate


def test_short_answers_of_each_type():
    # Hand-written sentences (no eval question): the span holding what the question asks for.
    assert short_answer("When did the mill close?", ["The mill closed in March 1998 after a strike."]) == (
        "March 1998"
    )
    assert short_answer("Who founded the bakery?", ["The bakery was founded by Ana Ruiz, a chemist."]) == (
        "Ana Ruiz"
    )
    assert short_answer("Where will the summit be held?", ["The summit will be held in Oslo next week."]) == (
        "Oslo"
    )
    assert short_answer("How many ships were sunk?", ["Three ships were sunk in the raid."]) == "Three"
    assert short_answer("How long did the strike last?", ["The strike lasted 12 days, the union said."]) == (
        "12 days"
    )


def test_a_count_leaves_the_counted_noun_and_a_which_question_takes_its_noun():
    # Hand-written: the count without the question's own noun, the name that holds the noun asked for.
    assert (
        short_answer("How many people lost their jobs?", ["About 4,000 people lost their jobs."]) == "4,000"
    )
    assert (
        short_answer(
            "Which party won the vote in Leeds?",
            ["In Leeds the vote was won by the Green Party, ahead of Labour."],
        )
        == "Green Party"
    )
    assert Question.of("Which party won the vote?").focus == "parti"
    assert Question.of("Where is it?").focus == ""  # a described kind names no noun


def test_a_span_never_is_only_the_questions_own_words():
    spans = scored_spans("Where did Ana Ruiz study?", ["Ana Ruiz studied chemistry in Lyon."])
    assert spans and all(s.text not in ("Ana Ruiz", "Ana", "Ruiz") for s in spans)
    assert spans[0].text == "Lyon"
    assert abs(sum(s.probability for s in spans) - 1.0) < 1e-9  # a softmax over the candidates


def test_candidates_are_phrases_within_clause_punctuation():
    toks = tokens("Ships left Santa Clara, California; then (briefly) they docked.")
    texts = {" ".join(t.text for t in toks[i:j]) for i, j in candidates(toks)}
    assert "Santa Clara , California" in texts  # a comma before a capitalised word stays inside
    assert not any(";" in t or "(" in t for t in texts)  # clause punctuation ends a span
    assert not any(
        t.split()[0] in ("then", "they") or t.split()[-1] == "then" for t in texts
    )  # no stopword edge


def test_no_short_answer_without_a_candidate():
    assert short_answer("What happened?", ["It is what it is."]) is None
    assert short_answer("Who?", []) is None


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


def test_a_yes_no_question_gets_no_short_answer():
    sentence = ["Officials in Pyongyang have denied any arms dealings, Reuters reported."]
    assert short_answer("Has the government admitted the arms dealings?", sentence) is None
    assert short_answer("didn't they deny it?", sentence) is None
    # Choosing between alternatives is answered by a span.
    assert is_yes_no("Is the port in Vladivostok or in Moscow?") is False
    assert is_yes_no("Who denied the arms dealings?") is False
