"""SQuAD-format data as eval suites: articles become documents, questions become cases.

Each article is written as a plain-text file (title line, then its paragraphs separated
by blank lines) into a cache folder, so it goes through the same reader, parser and
index as any user's article. Gold paragraphs are mapped from SQuAD paragraphs to the
parsed ¶ numbers *by content*, not by position, so a parser that splits or merges a
paragraph cannot silently shift the gold labels. Every question becomes a case whose gold
paragraph is the one it came from and whose gold answers are its answer spans; its
category is its question type (who, when, how many, ...).

Two suite kinds: ``squad`` (one index of all articles, or one index per article) and
``squad-out-of-scope`` (questions from one article asked against an index of a different
article; every one must be abstained on). Sampling is reproducible (seeded). This module
does not run the assistant (see ``runner``).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.loader import load_document
from index.reader import SourceFile, slugify

from .cases import Case, CaseGroup, Suite, SuiteError, _numbers, resolve_path
from .metrics import squad_normalize

_SUITE_KEYS = {
    "name",
    "kind",
    "description",
    "data",
    "corpus",
    "sample",
    "seed",
    "targets",
    "floors",
    "ceilings",
}
_QTYPES = (
    ("how many", r"\bhow (many|much)\b"),
    ("when", r"\b(when|what year|which year|what date|what century|what decade)\b"),
    ("who", r"\b(who|whom|whose)\b"),
    ("where", r"\bwhere\b"),
    ("why", r"\bwhy\b"),
    ("how", r"\bhow\b"),
    ("which", r"\bwhich\b"),
    ("what", r"\bwhat\b"),
)


@dataclass(frozen=True)
class SquadQuestion:
    id: str
    question: str
    answers: tuple[str, ...]
    context: int  # index of its paragraph within the article


@dataclass(frozen=True)
class SquadArticle:
    title: str
    doc_id: str
    contexts: tuple[str, ...]
    questions: tuple[SquadQuestion, ...]

    def text(self) -> str:
        """The article as a plain-text file: title line, blank line, one paragraph per block."""
        # Whitespace inside a context is collapsed so no context can be split by a blank
        # line or a stray line break; the gold answers are compared whitespace-insensitively.
        return "\n\n".join([self.title, *(" ".join(c.split()) for c in self.contexts)]) + "\n"


def question_type(question: str) -> str:
    """A coarse question type used as the case category ('who', 'when', 'how many', ...)."""
    q = question.lower()
    for label, pattern in _QTYPES:
        if re.search(pattern, q):
            return label
    return "other"


def load_squad(path: Path) -> list[SquadArticle]:
    """Read a SQuAD v1-format JSON file into articles with their questions, in file order."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        raw_articles = data["data"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SuiteError(f"{path} is not readable SQuAD-format JSON ({type(exc).__name__}).") from exc
    articles: list[SquadArticle] = []
    used: set[str] = set()
    for a in raw_articles:
        title = " ".join(str(a.get("title") or "Untitled").replace("_", " ").split())
        doc_id = slugify(title)
        while doc_id in used:
            doc_id += "-x"
        used.add(doc_id)
        contexts, questions = [], []
        for ci, p in enumerate(a.get("paragraphs") or []):
            contexts.append(str(p["context"]))
            for qa in p.get("qas") or []:
                answers = tuple(dict.fromkeys(str(x["text"]) for x in qa.get("answers") or []))
                if answers and not qa.get("is_impossible"):
                    questions.append(SquadQuestion(str(qa["id"]), str(qa["question"]).strip(), answers, ci))
        articles.append(SquadArticle(title, doc_id, tuple(contexts), tuple(questions)))
    return articles


def write_articles(articles: list[SquadArticle], folder: Path) -> dict[str, Path]:
    """Write each article as ``<doc_id>.txt`` under ``folder`` (unchanged files are left alone)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for a in articles:
        path = folder / f"{a.doc_id}.txt"
        text = a.text()
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            tmp = path.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        paths[a.doc_id] = path
    return paths


def _squash(text: str) -> str:
    return " ".join(text.split())


def gold_paragraphs(article: SquadArticle, path: Path) -> list[list[int]]:
    """For each SQuAD paragraph of ``article``, the parsed ¶ numbers holding its text.

    Parsed exactly as the index will parse the file. A context split into several
    paragraphs maps to all its pieces; one merged into a bigger paragraph maps to that.
    """
    doc = load_document(SourceFile(path, article.doc_id))
    parsed = [(p.number, _squash(p.text)) for p in doc.paragraphs]
    mapping = []
    for ctx in article.contexts:
        want = _squash(ctx)
        numbers = [n for n, text in parsed if text and text in want]
        if not numbers:
            numbers = [n for n, text in parsed if want in text]
        if not numbers:
            raise SuiteError(f"Could not find a paragraph of {article.title!r} in its parsed text.")
        mapping.append(numbers)
    return mapping


def _gold_for(q: SquadQuestion, numbers: list[int], doc: Any) -> list[int]:
    """Of a context's pieces, those containing a gold answer (all pieces if none does)."""
    if len(numbers) == 1:
        return numbers
    answers = [squad_normalize(a) for a in q.answers]
    with_answer = [
        n for n in numbers if any(a and a in squad_normalize(doc.paragraph(n).text) for a in answers)
    ]
    return with_answer or numbers


def _sample(items: list[Any], n: int | None, seed: int) -> list[Any]:
    if n is None or n >= len(items):
        return list(items)
    chosen = sorted(random.Random(seed).sample(range(len(items)), n))
    return [items[i] for i in chosen]


def squad_cases(
    articles: list[SquadArticle], paths: dict[str, Path], sample: int | None, seed: int
) -> dict[str, list[Case]]:
    """Cases per article (doc id), sampled reproducibly over all questions of all articles."""
    pool = [(a, q) for a in articles for q in a.questions]
    by_doc: dict[str, list[Case]] = {a.doc_id: [] for a in articles}
    mapping: dict[str, tuple[list[list[int]], Any]] = {}
    for a, q in _sample(pool, sample, seed):
        if a.doc_id not in mapping:
            doc = load_document(SourceFile(paths[a.doc_id], a.doc_id))
            mapping[a.doc_id] = (gold_paragraphs(a, paths[a.doc_id]), doc)
        numbers, doc = mapping[a.doc_id]
        gold = _gold_for(q, numbers[q.context], doc)
        by_doc[a.doc_id].append(
            Case(
                id=q.id,
                question=q.question,
                category=question_type(q.question),
                gold_answers=q.answers,
                paragraphs=tuple((a.doc_id, n) for n in gold),
            )
        )
    return by_doc


def out_of_scope_cases(
    articles: list[SquadArticle], sample: int | None, seed: int, targets: int
) -> dict[str, list[Case]]:
    """Questions of one article assigned to a different target article, as unanswerable cases.

    A question is never paired with a target whose text contains one of its gold answers
    (it might then be answerable there); such a pair moves on to the next target.
    """
    if len(articles) < 2:
        raise SuiteError("An out-of-scope suite needs at least two articles.")
    rng = random.Random(seed)
    chosen = rng.sample(articles, min(max(targets, 1), len(articles)))
    if len(chosen) == 1:
        chosen.append(next(a for a in articles if a is not chosen[0]))
    texts = {a.doc_id: squad_normalize(" ".join(a.contexts)) for a in chosen}
    pool = [(a, q) for a in articles for q in a.questions]
    by_doc: dict[str, list[Case]] = {a.doc_id: [] for a in chosen}
    for i, (a, q) in enumerate(_sample(pool, sample, seed)):
        for step in range(len(chosen)):
            target = chosen[(i + step) % len(chosen)]
            if target.doc_id == a.doc_id:
                continue
            if any(squad_normalize(ans) in texts[target.doc_id] for ans in q.answers):
                continue
            by_doc[target.doc_id].append(
                Case(
                    id=f"{q.id}@{target.doc_id}",
                    question=q.question,
                    category=question_type(q.question),
                    answerable=False,
                )
            )
            break
    return by_doc


def _cache_folder(data_path: Path, cache_dir: Path | None) -> Path:
    if cache_dir is None:
        from assistant.config import home

        cache_dir = home() / "evals"
    digest = hashlib.sha256(data_path.read_bytes()).hexdigest()[:12]
    return Path(cache_dir) / f"{slugify(data_path.stem)}-{digest}"


def load_squad_suite(
    data: dict[str, Any],
    path: Path,
    *,
    cache_dir: Path | None = None,
    sample: int | None = None,
    seed: int | None = None,
    corpus: str | None = None,
) -> Suite:
    """A SQuAD suite from its YAML mapping (see the module docstring for the two kinds)."""
    unknown = set(data) - _SUITE_KEYS
    if unknown:
        raise SuiteError(f"Suite {path}: unknown key(s) {', '.join(sorted(unknown))}.")
    if not data.get("data"):
        raise SuiteError(f"Suite {path} must name its SQuAD file under 'data'.")
    data_path = resolve_path(str(data["data"]), path)
    kind = str(data.get("kind"))
    own = {
        "sample": data.get("sample"),
        "seed": int(data.get("seed") or 0),
        "corpus": str(data.get("corpus") or "one"),
        "targets": int(data.get("targets") or 4),
    }
    settings = {
        "sample": own["sample"] if sample is None else (sample or None),
        "seed": own["seed"] if seed is None else seed,
        "corpus": own["corpus"] if corpus is None else corpus,
        "targets": own["targets"],
        "data": str(data["data"]),
    }
    if settings["corpus"] not in ("one", "per-article"):
        raise SuiteError(f"corpus must be 'one' or 'per-article', not {settings['corpus']!r}.")
    if settings["sample"] is not None and int(settings["sample"]) < 1:
        raise SuiteError("sample must be a positive number of questions.")
    articles = load_squad(data_path)
    paths = write_articles(articles, _cache_folder(data_path, cache_dir))
    name = str(data.get("name") or path.stem)
    groups: list[CaseGroup] = []
    if kind == "squad":
        by_doc = squad_cases(articles, paths, settings["sample"], settings["seed"])
        if settings["corpus"] == "one":
            cases = tuple(c for a in articles for c in by_doc[a.doc_id])
            groups.append(CaseGroup(f"{name}: all articles", tuple(paths.values()), cases))
        else:
            groups.extend(
                CaseGroup(f"{name}: {a.doc_id}", (paths[a.doc_id],), tuple(by_doc[a.doc_id]))
                for a in articles
                if by_doc[a.doc_id]
            )
    else:
        by_doc = out_of_scope_cases(articles, settings["sample"], settings["seed"], settings["targets"])
        groups.extend(
            CaseGroup(f"{name}: index of {doc}", (paths[doc],), tuple(cases))
            for doc, cases in by_doc.items()
            if cases
        )
    changed = any(settings[k] != own[k] for k in ("sample", "seed", "corpus"))
    return Suite(
        name=name,
        groups=groups,
        kind=kind,
        description=str(data.get("description") or "").strip(),
        path=path,
        floors=_numbers(data, "floors", path),
        ceilings=_numbers(data, "ceilings", path),
        settings=settings,
        floors_apply=not changed,
    )
