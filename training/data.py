"""The xquad-dev corpus for the quality benchmarks: articles on disk, indexes, gold paragraphs.

Writes each SQuAD article as a text file (title line, blank line, paragraphs separated by
blank lines) under ``bench/.corpora/`` (git-ignored) and ingests it through the normal
path (``find_sources`` + ``build_index`` via ``Assistant.open``), so the benchmark measures
exactly what a user gets. Indexes are cached there and reused while the files and the
embedding model are unchanged. Each question's gold paragraph is found by content: every
SQuAD context must match exactly one parsed paragraph. This module does not score.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "bench" / ".corpora"
DATA_CANDIDATES = (
    ROOT / "evals" / "data" / "xquad-en-dev.json",  # the project's copy (a clone works alone)
    Path("/work/shared/datasets/xquad-en-dev.json"),
)


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    answers: tuple[str, ...]
    article: int  # index into the article list
    doc_id: str  # document id of the gold article once ingested
    paragraph: int  # 1-based gold paragraph number (¶N) in that document


@dataclass(frozen=True)
class Article:
    title: str
    slug: str
    contexts: tuple[str, ...]


def dataset_path() -> Path:
    for path in DATA_CANDIDATES:
        if path.exists():
            return path
    raise SystemExit("xquad-en-dev.json not found (looked in evals/data/ and /work/shared/datasets/).")


def load(path: Path | None = None) -> tuple[list[Article], list[tuple[int, int, str, str, tuple[str, ...]]]]:
    """Articles, and raw questions as (article, context index, id, question, answers)."""
    data = json.loads((path or dataset_path()).read_text(encoding="utf-8"))["data"]
    articles, raw = [], []
    for a, art in enumerate(data):
        title = art["title"].replace("_", " ")
        slug = f"{a:02d}-" + "".join(ch if ch.isalnum() else "-" for ch in art["title"].lower()).strip("-")
        contexts = tuple(p["context"].strip() for p in art["paragraphs"])
        articles.append(Article(title, slug, contexts))
        for c, p in enumerate(art["paragraphs"]):
            for qa in p["qas"]:
                answers = tuple(dict.fromkeys(x["text"] for x in qa["answers"]))
                raw.append((a, c, qa["id"], qa["question"], answers))
    return articles, raw


def write_articles(articles: list[Article], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for art in articles:
        path = folder / f"{art.slug}.txt"
        text = art.title + "\n\n" + "\n\n".join(art.contexts) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def open_bot(paths: list[Path], index_dir: Path, encoder, **kwargs):
    from assistant import Assistant

    return Assistant.open(paths, index_dir, backend="extractive", encoder=encoder, **kwargs)


def gold_map(bot, articles: list[Article], raw) -> list[Question]:
    """Map every question to its gold (document, ¶N) by paragraph content."""
    by_text: dict[str, list[tuple[str, int]]] = {}
    for p in bot.store.paragraphs:
        by_text.setdefault(" ".join(p.text.split()), []).append((p.document, p.number))
    where: dict[tuple[int, int], tuple[str, int]] = {}
    for a, art in enumerate(articles):
        for c, ctx in enumerate(art.contexts):
            hits = by_text.get(" ".join(ctx.split()), [])
            if len(hits) != 1:
                raise SystemExit(f"context {a}/{c} of {art.title!r} maps to {len(hits)} parsed paragraphs")
            where[(a, c)] = hits[0]
    return [Question(qid, q, answers, a, *where[(a, c)]) for a, c, qid, q, answers in raw]


def corpus(encoder, name: str = "xquad"):
    """(articles, questions, bot over all articles, article file paths)."""
    articles, raw = load()
    paths = write_articles(articles, CORPORA / name / "articles")
    bot = open_bot(paths, CORPORA / name / "index", encoder)
    return articles, gold_map(bot, articles, raw), bot, paths


def single_article_bot(paths: list[Path], i: int, encoder, **kwargs):
    """An assistant over article ``i`` alone (cached index)."""
    return open_bot([paths[i]], CORPORA / "single" / paths[i].stem, encoder, **kwargs)


def split(questions: list[Question]) -> tuple[list[Question], list[Question]]:
    """Tuning half (even articles) and held-out half (odd articles): no article in both."""
    return (
        [q for q in questions if q.article % 2 == 0],
        [q for q in questions if q.article % 2 == 1],
    )
