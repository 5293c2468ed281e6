"""Metric functions on hand-made cases with known answers, edge cases included."""

from __future__ import annotations

import pytest

from evals import metrics as m
from evals.results import CaseResult, aggregate, check_floors

D = "doc"


def test_normalize_ignores_case_punctuation_and_apostrophes():
    assert m.normalize("Kim Jong Un’s  TRIP, to Russia!") == "kim jong un s trip to russia"
    assert m.normalize("anti-tank") == "anti tank"
    assert m.squad_normalize("The Denver Broncos") == "denver broncos"


def test_strip_markers_single_and_multi_document():
    assert m.strip_markers("In Vladivostok [¶3].") == "In Vladivostok."
    assert m.strip_markers("Yes [kim-putin-summit ¶12] and no [¶ 4].") == "Yes and no."


def test_contains_is_whole_word_and_insensitive():
    answer = "The summit is in VLADIVOSTOK, a port city [¶3]."
    assert m.contains(answer, "vladivostok")
    assert m.contains(answer, "Port-City")
    assert m.contains("Kim Jong Un’s trip", "Kim Jong Un")
    assert not m.contains(answer, "port cit")  # partial word
    assert not m.contains(answer, "3")  # the citation marker is not answer text
    assert not m.contains(answer, "")  # an empty fact is never "present"


def test_facts_present_all_of_and_any_of():
    answer = "artillery and anti-tank missiles in return for satellite technology"
    assert m.facts_present(answer, all_of=["artillery", "anti-tank missiles"])
    assert not m.facts_present(answer, all_of=["artillery", "nuclear submarine"])
    assert m.facts_present(answer, any_of=["nuclear submarine", "satellite"])
    assert not m.facts_present(answer, any_of=["nuclear submarine", "drones"])
    assert m.facts_present(answer, all_of=["artillery"], any_of=["drones", "satellite"])
    assert m.facts_present(answer)  # nothing required
    assert not m.facts_present("", all_of=["artillery"])  # empty answer


def test_gold_containment_squad_style():
    assert m.gold_contained("It was won by the Denver Broncos [¶1].", ["Denver Broncos"])
    assert m.gold_contained("Won by Denver Broncos.", ["the Denver Broncos"])  # articles dropped
    assert not m.gold_contained("Won by Denver.", ["Denver Broncos"])
    assert m.gold_contained("Despite Manning's problems", ["Manning"])
    assert m.gold_contained("covers 7,000,000 square kilometres (2,700,000 sq mi)", ["(2,70"])
    assert not m.gold_contained("", ["Denver Broncos"])
    assert not m.gold_contained("Denver Broncos", [])


def test_token_f1_known_values():
    assert m.token_f1("Denver Broncos", "Denver Broncos") == 1.0
    assert m.token_f1("the Denver Broncos won", "Denver Broncos") == pytest.approx(0.8)  # p=2/3 r=1
    assert m.token_f1("Carolina Panthers", "Denver Broncos") == 0.0
    assert m.token_f1("", "Denver Broncos") == 0.0
    assert m.token_f1("", "") == 1.0
    assert m.token_f1("Broncos [¶3]", "Broncos") == 1.0  # markers are not tokens
    assert m.best_f1("Denver", ["Carolina", "Denver Broncos"]) == pytest.approx(2 / 3)
    assert m.best_f1("Denver", []) == 0.0


def test_citation_recall_and_precision_with_duplicates_and_none():
    gold = [(D, 3), (D, 8)]
    assert m.citation_recall([(D, 1), (D, 8)], gold) == 1.0
    assert m.citation_recall([(D, 1)], gold) == 0.0
    assert m.citation_recall([], gold) == 0.0  # no citations: no recall
    assert m.citation_precision([(D, 3), (D, 1)], gold) == 0.5
    # A paragraph cited twice counts once, so duplicates cannot inflate precision.
    assert m.citation_precision([(D, 3), (D, 3), (D, 1)], gold) == 0.5
    assert m.citation_hits([(D, 3), (D, 3)], gold) == (1, 1)
    assert m.citation_precision([], gold) is None
    # The same number in another document is not the gold paragraph.
    assert m.citation_recall([("other", 3)], gold) == 0.0


def test_retrieval_rank_hit_and_mrr():
    ranking = [(D, 5), (D, 2), (D, 3)]
    assert m.first_gold_rank(ranking, [(D, 3), (D, 9)]) == 3
    assert m.first_gold_rank(ranking, [(D, 9)]) is None
    assert m.first_gold_rank([], [(D, 9)]) is None
    assert m.hit_at(1, 1) == 1.0 and m.hit_at(3, 1) == 0.0 and m.hit_at(None, 5) == 0.0
    assert m.reciprocal_rank(4) == 0.25
    assert m.reciprocal_rank(11, k=10) == 0.0
    assert m.reciprocal_rank(None) == 0.0


def test_percentile_and_mean():
    assert m.percentile([], 50) is None
    assert m.percentile([5.0], 95) == 5.0
    assert m.percentile([1, 2, 3, 4], 50) == 2.5
    assert m.percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert m.mean([]) is None
    assert m.mean([None, 1.0, 0.0]) == 0.5


def test_word_count_excludes_markers():
    assert m.word_count("In Vladivostok, a port city [¶3].") == 5
    assert m.word_count("") == 0


def test_abstention_scores():
    answerable = [True, True, True, False, False]
    abstained = [False, True, False, True, False]
    s = m.abstention_scores(answerable, abstained)
    assert s["abstention_precision"] == 0.5  # one of two abstentions was right
    assert s["abstention_recall"] == 0.5  # one of two unanswerables abstained on
    assert s["false_abstention_rate"] == pytest.approx(1 / 3)
    none = m.abstention_scores([True, True], [False, False])
    assert none == {"abstention_precision": None, "abstention_recall": None, "false_abstention_rate": 0.0}
    # Abstaining when nothing was unanswerable says nothing about abstention precision.
    assert m.abstention_scores([True], [True])["abstention_precision"] is None
    with pytest.raises(ValueError):
        m.abstention_scores([True], [])


def _case(**kw) -> CaseResult:
    base = {"id": "c", "category": "fact", "question": "q?", "answerable": True, "expected": ""}
    return CaseResult(**{**base, **kw})


def _cite(n: int, valid: bool = True, doc: str = D) -> dict:
    return {"document": doc, "paragraph": n, "quote": "x", "quote_valid": valid}


def test_aggregate_on_hand_made_cases():
    cases = [
        # right paragraph first, plus a duplicate and a wrong one
        _case(id="a", gold=[[D, 3]], citations=[_cite(3), _cite(3), _cite(1)], rank=1, passed=True, words=10),
        # wrong paragraph only, gold retrieved second
        _case(id="b", gold=[[D, 2]], citations=[_cite(5, valid=False)], rank=2, words=20),
        # false abstention, gold not retrieved
        _case(id="c", gold=[[D, 4]], abstained=True, rank=None),
        # unanswerable, abstained: passes
        _case(id="d", answerable=False, abstained=True, passed=True),
        # unanswerable, answered: fails
        _case(id="e", answerable=False, citations=[_cite(7)], words=6),
    ]
    got = aggregate(cases)
    assert got["cases"] == 5 and got["answerable"] == 3 and got["unanswerable"] == 2
    assert got["pass_rate"] == pytest.approx(2 / 5)
    assert got["answerable_pass_rate"] == pytest.approx(1 / 3)
    assert got["citation_recall"] == 0.5  # over the two answered answerable cases
    assert got["citation_precision"] == pytest.approx(1 / 3)  # distinct {3, 1} and {5}: 1 gold of 3
    assert got["top_citation_gold"] == pytest.approx(1 / 3)  # abstention counts as a miss
    assert got["quote_validity"] == 0.8  # 4 of 5 quotes verbatim
    assert got["abstention_recall"] == 0.5
    assert got["abstention_precision"] == 0.5
    assert got["false_abstention_rate"] == pytest.approx(1 / 3)
    assert got["hit@1"] == pytest.approx(1 / 3)
    assert got["hit@5"] == pytest.approx(2 / 3)
    assert got["mrr@10"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert got["answer_words"] == pytest.approx(12.0)  # answered cases only
    assert got["facts_present"] is None and got["gold_containment"] is None


def test_citation_precision_is_micro_over_distinct_citations():
    cases = [
        _case(id="a", gold=[[D, 3]], citations=[_cite(3), _cite(1)]),
        _case(id="b", gold=[[D, 2]], citations=[_cite(2)]),
    ]
    assert aggregate(cases)["citation_precision"] == pytest.approx(2 / 3)


def test_aggregate_of_nothing_and_of_errors():
    empty = aggregate([])
    assert empty["cases"] == 0 and empty["pass_rate"] is None and empty["latency_p50"] is None
    errored = aggregate([_case(gold=[[D, 1]], error="BackendError: down")])
    assert errored["errors"] == 1 and errored["pass_rate"] == 0.0
    assert errored["citation_recall"] is None  # nothing was answered


def test_check_floors_and_ceilings():
    metrics = {"pass_rate": 0.9, "quote_validity": 1.0, "false_abstention_rate": 0.1, "f1": None}
    assert check_floors(metrics, {"pass_rate": 0.9, "quote_validity": 1.0}) == []
    assert check_floors(metrics, {"pass_rate": 0.91}) == ["pass_rate = 0.900 is below its floor 0.91"]
    assert check_floors(metrics, {"f1": 0.1}) == ["f1: not measured (floor 0.1)"]
    assert check_floors(metrics, {}, {"false_abstention_rate": 0.05}) == [
        "false_abstention_rate = 0.100 is above its ceiling 0.05"
    ]


def test_fallbacks_without_a_notice_are_counted():
    told = CaseResult("a", "fact", "Q?", True, "x", fell_back=True, notice="The LLM failed; answered offline.")
    silent = CaseResult("b", "fact", "Q?", True, "x", fell_back=True)
    own = CaseResult("c", "fact", "Q?", True, "x")
    metrics = aggregate([told, silent, own])
    assert metrics["fallbacks"] == 2 and metrics["fallbacks_silent"] == 1


def test_short_answers_report_coverage_and_f1_where_given():
    given = CaseResult("a", "who", "Q?", True, "x", gold_answers=["Ana Ruiz"], short="Ana Ruiz", short_f1=1.0)
    none = CaseResult("b", "who", "Q?", True, "x", gold_answers=["Lyon"], short=None, short_f1=0.2)
    metrics = aggregate([given, none])
    assert metrics["short_coverage"] == 0.5 and metrics["short_f1_given"] == 1.0
    assert metrics["short_f1"] == 0.6
