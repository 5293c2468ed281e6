"""Suite files and SQuAD data become the right cases (no assistant involved)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import metrics as m
from evals.squad import load_squad, question_type
from evals.suite import Case, SuiteError, load_suite, parse_case
from index.loader import load_document
from index.reader import SourceFile

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "kim-putin-summit.txt"


def test_parse_case_reads_facts_history_and_paragraph_refs():
    case = parse_case(
        {
            "id": "x",
            "question": " Could it move? ",
            "category": "follow-up",
            "history": [{"user": "Where?", "assistant": "Vladivostok [¶3]."}, ["And?", "Yes."]],
            "must_contain": {"all": ["Moscow"], "any": ["New York Times", 2011]},
            "paragraphs": [8, "¶3", "other-doc ¶2", "the expected location"],
        },
        "test",
    )
    assert case.question == "Could it move?"
    assert case.history == (("Where?", "Vladivostok [¶3]."), ("And?", "Yes."))
    assert case.all_of == ("Moscow",) and case.any_of == ("New York Times", "2011")
    assert case.paragraphs == (8, 3, ("other-doc", 2), "the expected location")
    assert "Moscow" in case.expected() and "¶8" in case.expected()
    assert parse_case({"id": "y", "question": "q", "must_contain": ["a", "b"]}, "t").all_of == ("a", "b")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"id": "a"}, "needs an 'id' and a non-empty 'question'"),
        ({"id": "a", "question": "q", "answer": "x"}, "unknown key"),
        ({"id": "a", "question": "q", "answerable": "no"}, "'answerable' must be true or false"),
        ({"id": "a", "question": "q"}, "needs must_contain facts or paragraphs"),
        ({"id": "a", "question": "q", "paragraphs": [0]}, "start at 1"),
        ({"id": "a", "question": "q", "must_contain": {"one": ["x"]}}, "takes 'all' and 'any'"),
        ({"id": "a", "question": "q", "paragraphs": [1], "history": ["hi"]}, "history turn"),
        ("just a string", "must be a mapping"),
    ],
)
def test_parse_case_rejects_mistakes_with_a_clear_message(raw, message):
    with pytest.raises(SuiteError, match=message):
        parse_case(raw, "suite.yaml, case 1")


def test_unanswerable_case_needs_no_facts():
    case = parse_case({"id": "u", "question": "How many?", "answerable": False}, "t")
    assert not case.answerable and "abstain" in case.expected()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_load_suite_resolves_sources_and_rejects_bad_files(tmp_path):
    article = _write(tmp_path / "a.txt", "Title\n\nA body paragraph about things.\n")
    good = _write(
        tmp_path / "mine.yaml",
        "name: mine\nsources: [a.txt]\nfloors: {pass_rate: 0.5}\n"
        "cases:\n  - {id: one, question: What is it, must_contain: [things], paragraphs: [1]}\n",
    )
    suite = load_suite(good)
    assert suite.name == "mine" and suite.floors == {"pass_rate": 0.5}
    assert suite.groups[0].sources == (article.resolve(),)
    assert [c.id for c in suite.cases] == ["one"]

    bad = {
        "missing-source.yaml": (
            "sources: [nope.txt]\ncases: [{id: a, question: q, paragraphs: [1]}]\n",
            "not found",
        ),
        "no-sources.yaml": ("cases: [{id: a, question: q, paragraphs: [1]}]\n", "source documents"),
        "dupes.yaml": (
            "sources: [a.txt]\ncases: [{id: a, question: q, paragraphs: [1]}, {id: a, question: r, paragraphs: [1]}]\n",
            "duplicate case id",
        ),
        "not-yaml.yaml": ("cases: [unclosed\n", "not valid YAML"),
        "floors.yaml": (
            "sources: [a.txt]\nfloors: {pass_rate: high}\ncases: [{id: a, question: q, paragraphs: [1]}]\n",
            "floors",
        ),
        "kind.yaml": ("kind: quiz\n", "unknown kind"),
    }
    for name, (text, message) in bad.items():
        with pytest.raises(SuiteError, match=message):
            load_suite(_write(tmp_path / name, text))
    with pytest.raises(SuiteError, match="No eval suite 'no-such-suite'"):
        load_suite("no-such-suite")


def test_seed_suite_meets_the_issue_and_matches_the_article():
    suite = load_suite("seed")
    cases = suite.cases
    answerable = [c for c in cases if c.answerable]
    assert len(cases) >= 40
    assert len(cases) - len(answerable) >= 8
    cats = {c.category for c in cases}
    assert {"fact", "paraphrase", "typo", "multi-paragraph", "date", "follow-up", "unanswerable"} <= cats
    assert any(c.history for c in cases)
    assert suite.groups[0].sources == (SEED.resolve(),)
    # The suite's facts must really be in the paragraphs it says support them (numbering as parsed).
    doc = load_document(SourceFile(SEED, "kim-putin-summit"))
    assert len(doc.paragraphs) == 9
    for case in answerable:
        texts = []
        for ref in case.paragraphs:
            assert isinstance(ref, int) and 1 <= ref <= len(doc.paragraphs), case.id
            texts.append(doc.paragraph(ref).text)
        support = " ".join(texts)
        assert m.facts_present(support, case.all_of, case.any_of), case.id


SMALL_SQUAD = {
    "version": "1.1",
    "data": [
        {
            "title": "First_Article",
            "paragraphs": [
                {
                    # trailing whitespace and a line break inside the context
                    "context": "The red fox lives in the northern woods.\nIt hunts at night. ",
                    "qas": [
                        {
                            "id": "q1",
                            "question": "Where does the red fox live?",
                            "answers": [{"text": "northern woods", "answer_start": 25}],
                        }
                    ],
                },
                {
                    "context": "Owls were counted in 1999 by the survey team.",
                    "qas": [
                        {
                            "id": "q2",
                            "question": "When were owls counted?",
                            "answers": [{"text": "1999", "answer_start": 21}],
                        }
                    ],
                },
            ],
        },
        {
            "title": "Second_Article",
            "paragraphs": [
                {
                    # long enough for the parser to split it into several paragraphs
                    "context": " ".join(["Filler sentence number one goes here."] * 130)
                    + " The harbour opened in 1850 after long delays.",
                    "qas": [
                        {
                            "id": "q3",
                            "question": "When did the harbour open?",
                            "answers": [{"text": "1850", "answer_start": 0}],
                        }
                    ],
                },
                {
                    "context": "Ships from many nations visit the harbour each summer.",
                    "qas": [
                        {
                            "id": "q4",
                            "question": "Who visits the harbour?",
                            "answers": [{"text": "Ships from many nations", "answer_start": 0}],
                        }
                    ],
                },
            ],
        },
    ],
}


def _squad_suite(tmp_path: Path, kind: str = "squad", extra: str = "") -> Path:
    data = tmp_path / "small.json"
    data.write_text(json.dumps(SMALL_SQUAD), encoding="utf-8")
    return _write(tmp_path / f"{kind}.yaml", f"name: small\nkind: {kind}\ndata: small.json\nseed: 1\n{extra}")


def _gold_texts(suite, case: Case) -> list[str]:
    out = []
    for doc_id, number in case.paragraphs:
        path = next(p for g in suite.groups for p in g.sources if p.stem == doc_id)
        out.append(load_document(SourceFile(path, doc_id)).paragraph(number).text)
    return out


def test_squad_articles_become_documents_and_gold_paragraphs_follow_content(tmp_path):
    suite = load_suite(_squad_suite(tmp_path), cache_dir=tmp_path / "cache")
    assert len(suite.groups) == 1 and len(suite.groups[0].sources) == 2  # one corpus
    by_id = {c.id: c for c in suite.cases}
    assert set(by_id) == {"q1", "q2", "q3", "q4"}
    assert by_id["q1"].paragraphs == (("first-article", 1),)
    assert by_id["q2"].paragraphs == (("first-article", 2),)
    # The long context was split; the gold is the piece holding the answer, and the next
    # SQuAD paragraph is numbered after all the pieces.
    assert len(by_id["q3"].paragraphs) == 1 and by_id["q3"].paragraphs[0][1] > 1
    assert by_id["q4"].paragraphs[0][1] == by_id["q3"].paragraphs[0][1] + 1
    for case in suite.cases:
        assert case.gold_answers and case.category == question_type(case.question)
        assert any(m.gold_contained(t, case.gold_answers) for t in _gold_texts(suite, case)), case.id
    first = suite.groups[0].sources[0].read_text(encoding="utf-8")
    assert first.startswith("First Article\n\n")


def test_squad_per_article_and_reproducible_sampling(tmp_path):
    path = _squad_suite(tmp_path, extra="corpus: per-article\n")
    suite = load_suite(path, cache_dir=tmp_path / "cache")
    assert [len(g.sources) for g in suite.groups] == [1, 1] and suite.floors_apply
    one = [c.id for c in load_suite(path, cache_dir=tmp_path / "c", sample=2, seed=7).cases]
    again = [c.id for c in load_suite(path, cache_dir=tmp_path / "c", sample=2, seed=7).cases]
    assert len(one) == 2 and one == again
    assert not load_suite(path, cache_dir=tmp_path / "c", sample=2).floors_apply


def test_out_of_scope_suite_never_asks_an_article_its_own_questions(tmp_path):
    suite = load_suite(_squad_suite(tmp_path, "squad-out-of-scope", "targets: 2\n"), cache_dir=tmp_path / "c")
    assert suite.cases and all(not c.answerable for c in suite.cases)
    for group in suite.groups:
        (source,) = group.sources
        text = m.squad_normalize(source.read_text(encoding="utf-8"))
        for case in group.cases:
            qid, target = case.id.split("@")
            assert target == source.stem
            own = next(
                a for a in SMALL_SQUAD["data"] for p in a["paragraphs"] for q in p["qas"] if q["id"] == qid
            )
            assert source.stem != own["title"].lower().replace("_", "-")
            answers = [
                a["text"] for p in own["paragraphs"] for q in p["qas"] if q["id"] == qid for a in q["answers"]
            ]
            assert not any(m.squad_normalize(a) in text for a in answers)


def test_xquad_data_maps_every_question_to_a_gold_paragraph_holding_its_answer(tmp_path):
    articles = load_squad(ROOT / "evals" / "data" / "xquad-en-dev.json")
    assert len(articles) == 32 and sum(len(a.questions) for a in articles) == 838
    suite = load_suite("xquad", cache_dir=tmp_path, sample=0)
    assert len(suite.cases) == 838 and not suite.floors_apply
    docs = {p.stem: load_document(SourceFile(p, p.stem)) for p in suite.groups[0].sources}
    assert sum(len(d.paragraphs) for d in docs.values()) == 160  # one parsed ¶ per SQuAD paragraph
    for case in suite.cases:
        texts = [docs[d].paragraph(n).text for d, n in case.paragraphs]
        assert any(m.gold_contained(t, case.gold_answers) for t in texts), case.id
    fixed = load_suite("xquad", cache_dir=tmp_path)
    assert fixed.floors_apply and len(fixed.cases) == fixed.settings["sample"]
