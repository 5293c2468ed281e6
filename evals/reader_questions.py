"""Reader-style questions about SQuAD articles as an eval suite (``kind: reader-questions``).

The data is a JSON-lines file (``evals/data/reader-questions/``): one question per line with
the exact title of the SQuAD article it is about, its ``kind`` (paraphrase, typo,
two-paragraph, overview, unanswerable, follow-up), the strings a right answer contains one
of (``any_of``), the 0-based indexes of its supporting paragraphs (``evidence``) with a
short verbatim excerpt of each (``evidence_text``), and, for follow-ups, the earlier turn.

The articles it names are written as documents the way ``squad`` writes them (same cache
folder, same text), and ``evidence`` indexes are mapped to parsed ¶ numbers *by content*
(a context the parser split maps to the pieces holding its excerpt). ``any_of`` becomes
``must_contain: {any: ...}``, ``kind`` the case category, and an overview must cite at
least two paragraphs (``Case.min_cited``). ``corpus: one`` asks everything against one
index of all the named articles; ``per-article`` against an index of its own article.
This module does not run the assistant (see ``runner``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .cases import Case, CaseGroup, Suite, SuiteError, _numbers, resolve_path
from .metrics import normalize
from .squad import SquadArticle, _cache_folder, gold_paragraphs, load_squad, write_articles

_SUITE_KEYS = {"name", "kind", "description", "data", "articles", "corpus", "floors", "ceilings"}
_FIELDS = {"article", "q", "history", "answerable", "any_of", "evidence", "evidence_text", "kind"}
OVERVIEW_MIN_CITED = 2


def read_questions(path: Path) -> list[dict[str, Any]]:
    """The question records of a JSON-lines file, checked for the fields a case needs."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SuiteError(f"Cannot read questions {path}: {exc.strerror or exc}.") from exc
    rows = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise SuiteError(f"{path}, line {n}: not valid JSON.") from exc
        if not isinstance(row, dict) or not {"article", "q", "kind"} <= set(row):
            raise SuiteError(f"{path}, line {n}: needs 'article', 'q' and 'kind'.")
        unknown = set(row) - _FIELDS
        if unknown:
            raise SuiteError(f"{path}, line {n}: unknown field(s) {', '.join(sorted(unknown))}.")
        if row.get("answerable", True) and not (row.get("any_of") or row.get("evidence")):
            raise SuiteError(f"{path}, line {n}: an answerable question needs any_of or evidence.")
        rows.append(row)
    if not rows:
        raise SuiteError(f"{path} holds no questions.")
    return rows


def _evidence_numbers(
    pieces: list[int], excerpt: str | None, doc_path: Path, article: SquadArticle
) -> list[int]:
    """Of the ¶ numbers a context was parsed into, those holding ``excerpt`` (all if none does)."""
    if len(pieces) == 1 or not excerpt:
        return pieces
    from index.loader import load_document
    from index.reader import SourceFile

    doc = load_document(SourceFile(doc_path, article.doc_id))
    want = normalize(excerpt)
    found = [n for n in pieces if want in normalize(doc.paragraph(n).text)]
    return found or pieces


def reader_cases(
    rows: list[dict[str, Any]], articles: dict[str, SquadArticle], paths: dict[str, Path], where: Path
) -> list[tuple[str, Case]]:
    """(doc id, case) for every question record, in file order."""
    mapping: dict[str, list[list[int]]] = {}
    out: list[tuple[str, Case]] = []
    counters: dict[str, int] = {}
    for row in rows:
        article = articles.get(str(row["article"]))
        if article is None:
            raise SuiteError(f"{where}: no article titled {row['article']!r} in the SQuAD file.")
        doc = article.doc_id
        if doc not in mapping:
            mapping[doc] = gold_paragraphs(article, paths[doc])
        counters[doc] = counters.get(doc, 0) + 1
        kind = str(row["kind"])
        answerable = bool(row.get("answerable", True))
        excerpts = list(row.get("evidence_text") or [])
        refs: list[tuple[str, int]] = []
        for i, index in enumerate(row.get("evidence") or []):
            if not 0 <= int(index) < len(mapping[doc]):
                raise SuiteError(f"{where}: evidence {index} is not a paragraph of {row['article']!r}.")
            excerpt = excerpts[i] if i < len(excerpts) else None
            refs.extend(
                (doc, n) for n in _evidence_numbers(mapping[doc][int(index)], excerpt, paths[doc], article)
            )
        history = tuple((str(u), str(a)) for u, a in row.get("history") or [])
        out.append(
            (
                doc,
                Case(
                    id=f"{doc}-{counters[doc]:02d}",
                    question=str(row["q"]).strip(),
                    category=kind,
                    answerable=answerable,
                    history=history,
                    any_of=tuple(str(s) for s in row.get("any_of") or []) if answerable else (),
                    paragraphs=tuple(dict.fromkeys(refs)) if answerable else (),
                    min_cited=OVERVIEW_MIN_CITED if kind == "overview" else 0,
                ),
            )
        )
    return out


def load_reader_suite(
    data: dict[str, Any], path: Path, *, cache_dir: Path | None = None, corpus: str | None = None
) -> Suite:
    """A ``kind: reader-questions`` suite from its YAML mapping (see the module docstring)."""
    unknown = set(data) - _SUITE_KEYS
    if unknown:
        raise SuiteError(f"Suite {path}: unknown key(s) {', '.join(sorted(unknown))}.")
    if not data.get("data") or not data.get("articles"):
        raise SuiteError(f"Suite {path} must name its questions ('data') and SQuAD file ('articles').")
    questions_path = resolve_path(str(data["data"]), path)
    articles_path = resolve_path(str(data["articles"]), path)
    own_corpus = str(data.get("corpus") or "one")
    chosen = own_corpus if corpus is None else corpus
    if chosen not in ("one", "per-article"):
        raise SuiteError(f"corpus must be 'one' or 'per-article', not {chosen!r}.")
    rows = read_questions(questions_path)
    by_title = {a.title: a for a in load_squad(articles_path)}
    # Questions name articles by their SQuAD title ("Amazon_rainforest"); load_squad spaces it.
    titles = {" ".join(str(r["article"]).replace("_", " ").split()): str(r["article"]) for r in rows}
    missing = sorted(t for t in titles if t not in by_title)
    if missing:
        raise SuiteError(
            f"Suite {path}: no article titled {', '.join(map(repr, missing))} in {articles_path}."
        )
    articles = {raw: by_title[spaced] for spaced, raw in titles.items()}
    used = list(dict.fromkeys(articles.values()))
    paths = write_articles(used, _cache_folder(articles_path, cache_dir))
    cases = reader_cases(rows, articles, paths, path)
    name = str(data.get("name") or path.stem)
    if chosen == "one":
        groups = [CaseGroup(f"{name}: all articles", tuple(paths.values()), tuple(c for _, c in cases))]
    else:
        groups = [
            CaseGroup(f"{name}: {a.doc_id}", (paths[a.doc_id],), tuple(c for d, c in cases if d == a.doc_id))
            for a in used
        ]
    return Suite(
        name=name,
        groups=groups,
        kind="reader-questions",
        description=str(data.get("description") or "").strip(),
        path=path,
        floors=_numbers(data, "floors", path),
        ceilings=_numbers(data, "ceilings", path),
        settings={"corpus": chosen, "data": str(data["data"]), "articles": str(data["articles"])},
        floors_apply=chosen == own_corpus,
    )
