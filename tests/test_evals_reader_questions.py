"""The reader-questions suite: JSON-lines questions about SQuAD articles become the right cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import metrics as m
from evals.results import CaseResult
from evals.runner import _verdict
from evals.suite import SuiteError, load_suite
from index.loader import load_document
from index.reader import SourceFile

ROOT = Path(__file__).resolve().parent.parent
LONG = " ".join(f"Filler sentence number {i} talks about nothing in particular." for i in range(90))
SQUAD = {
    "data": [
        {
            "title": "Tiny_Town",
            "paragraphs": [
                {"context": "Tiny Town has 300 people. It lies on a river.", "qas": []},
                {"context": LONG + " The mayor is Ada Brook.", "qas": []},
                {"context": "The town was founded in 1820 by millers.", "qas": []},
            ],
        },
        {"title": "Other_Place", "paragraphs": [{"context": "Nothing happens here.", "qas": []}]},
    ]
}
ROWS = [
    {
        "article": "Tiny_Town",
        "q": "how many live there",
        "history": [],
        "answerable": True,
        "any_of": ["300"],
        "evidence": [0],
        "evidence_text": ["Tiny Town has 300 people"],
        "kind": "paraphrase",
    },
    {
        "article": "Tiny_Town",
        "q": "who runs it",
        "history": [],
        "answerable": True,
        "any_of": ["Ada Brook"],
        "evidence": [1],
        "evidence_text": ["The mayor is Ada Brook."],
        "kind": "typo",
    },
    {
        "article": "Tiny_Town",
        "q": "summarize it",
        "history": [],
        "answerable": True,
        "any_of": ["river", "millers"],
        "evidence": [0, 2],
        "evidence_text": ["It lies on a river.", "founded in 1820 by millers"],
        "kind": "overview",
    },
    {
        "article": "Tiny_Town",
        "q": "and when?",
        "history": [["Who founded it?", "Millers."]],
        "answerable": True,
        "any_of": ["1820"],
        "evidence": [2],
        "evidence_text": ["founded in 1820"],
        "kind": "follow-up",
    },
    {
        "article": "Tiny_Town",
        "q": "What is the postcode?",
        "history": [],
        "answerable": False,
        "any_of": [],
        "evidence": [],
        "evidence_text": [],
        "kind": "unanswerable",
    },
]


def _suite(tmp_path: Path, rows=ROWS, extra: str = "") -> Path:
    (tmp_path / "small.json").write_text(json.dumps(SQUAD), encoding="utf-8")
    (tmp_path / "q.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    path = tmp_path / "rq.yaml"
    path.write_text(f"name: rq\nkind: reader-questions\ndata: q.jsonl\narticles: small.json\n{extra}")
    return path


def test_questions_become_cases_with_evidence_mapped_by_content(tmp_path):
    suite = load_suite(_suite(tmp_path), cache_dir=tmp_path / "cache")
    # Only the articles the questions name are written, into one index.
    assert len(suite.groups) == 1 and [p.stem for p in suite.groups[0].sources] == ["tiny-town"]
    doc = load_document(SourceFile(suite.groups[0].sources[0], "tiny-town"))
    assert len(doc.paragraphs) > 3  # the long context was split into pieces
    count, mayor, overview, follow, unans = suite.cases
    assert [c.category for c in suite.cases] == [
        "paraphrase",
        "typo",
        "overview",
        "follow-up",
        "unanswerable",
    ]
    assert count.paragraphs == (("tiny-town", 1),) and count.any_of == ("300",) and not count.all_of
    # Of the long context's pieces, the gold is the one holding its excerpt, and the next
    # context is numbered after all the pieces.
    ((_, n),) = mayor.paragraphs
    assert n > 1 and "Ada Brook" in doc.paragraph(n).text
    assert overview.paragraphs[-1] == ("tiny-town", len(doc.paragraphs)) and overview.min_cited == 2
    assert count.min_cited == 0 and "at least 2 paragraphs" in overview.expected()
    assert follow.history == (("Who founded it?", "Millers."),)
    assert not unans.answerable and not unans.paragraphs and not unans.any_of
    for case in suite.cases[:4]:
        texts = [doc.paragraph(n).text for _, n in case.paragraphs]
        assert any(m.facts_present(t, any_of=case.any_of) for t in texts), case.id


def test_per_article_corpus_and_floors(tmp_path):
    rows = [*ROWS, {**ROWS[-1], "article": "Other_Place", "q": "Who lives here?"}]
    path = _suite(tmp_path, rows, "floors: {answerable_pass_rate: 0.5}\n")
    one = load_suite(path, cache_dir=tmp_path / "c")
    assert one.floors_apply and one.floors == {"answerable_pass_rate": 0.5}
    per = load_suite(path, cache_dir=tmp_path / "c", corpus="per-article")
    assert [len(g.cases) for g in per.groups] == [5, 1] and not per.floors_apply


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{**ROWS[0], "article": "Nowhere"}], "no article titled"),
        ([{**ROWS[0], "evidence": [7]}], "is not a paragraph"),
        ([{**ROWS[0], "answer": "x"}], "unknown field"),
        ([{**ROWS[0], "any_of": [], "evidence": []}], "needs any_of or evidence"),
        ([{"q": "x", "kind": "paraphrase"}], "needs 'article'"),
    ],
)
def test_mistakes_in_the_question_file_are_named(tmp_path, rows, message):
    with pytest.raises(SuiteError, match=message):
        load_suite(_suite(tmp_path, rows), cache_dir=tmp_path / "c")


def test_an_overview_needs_two_cited_paragraphs(tmp_path):
    suite = load_suite("reader-questions", cache_dir=tmp_path)
    overview = next(c for c in suite.cases if c.category == "overview")
    gold = list(overview.paragraphs)
    base = dict(
        id="o", category="overview", question="q", answerable=True, expected="", has_facts=True, facts_ok=True
    )
    one = CaseResult(
        **base, citations=[{"document": gold[0][0], "paragraph": gold[0][1], "quote_valid": True}]
    )
    two = CaseResult(
        **base,
        citations=[*one.citations, {"document": gold[1][0], "paragraph": gold[1][1], "quote_valid": True}],
    )
    assert _verdict(overview, one, gold) == (False, "fewer than 2 paragraphs cited")
    assert _verdict(overview, two, gold) == (True, "")


def test_the_shipped_suite_holds_the_data_set(tmp_path):
    suite = load_suite("reader-questions", cache_dir=tmp_path)
    assert len(suite.cases) == 108 and sum(not c.answerable for c in suite.cases) == 24
    assert len(suite.groups) == 6 and all(len(g.sources) == 1 for g in suite.groups)  # per article
    assert sum(c.category == "overview" for c in suite.cases) == 6
    assert all(c.paragraphs for c in suite.cases if c.answerable)
