"""Retrieval and answer quality on xquad-dev: the standard pipelines and ours, same run.

    .venv/bin/python bench/quality_baselines.py [--quick]

Pipelines (all over the same 32 articles / 160 paragraphs, the same 838 questions):

* ``llamaindex-dense``: LlamaIndex ``VectorStoreIndex`` on an in-memory Chroma collection,
  all-MiniLM-L6-v2 (our ``make_embedding()``), one node per paragraph, top-k;
* ``bm25``: ``bm25s`` with English stopwords (its own tokenizer, no stemming);
* ``rrf``: reciprocal-rank fusion of the two, k=60;
* ``naive-extractive``: the top BM25 paragraph's sentence most similar to the question
  (also shown when handed the gold paragraph, as a ceiling of that method);
* ``ours``: ``Assistant.retrieve`` + the extractive backend, through the normal ingest path.

Metrics: gold-paragraph hit@1, hit@5, MRR@10; answer contains a gold span (case- and
whitespace-insensitive) and mean answer length in words; top citation is the gold paragraph;
out-of-scope abstention (each article's questions against an index of the next article
only) and false abstention on answerable questions (full corpus, and each article alone).
Rows are also given on the held-out half of the articles (odd ones), which no tuned
weight has seen. No timing here: see the scale benchmarks for speed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training.data import Question, corpus, single_article_bot, split

Ranking = list[tuple[str, int]]  # (document, paragraph number), best first


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def contains(answer: str, golds: Sequence[str]) -> bool:
    a = norm(answer)
    return any(norm(g) in a for g in golds)


def words(text: str) -> int:
    return len(text.split())


# -- baselines ---------------------------------------------------------------------------
def llamaindex_dense(bot, encoder) -> Callable[[str, int], Ranking]:
    """The tutorial pipeline: VectorStoreIndex on Chroma, one node per paragraph."""
    import chromadb
    from chromadb.config import Settings
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from index.embedding import make_embedding

    client = chromadb.EphemeralClient(settings=Settings(anonymized_telemetry=False))
    collection = client.get_or_create_collection(
        f"baseline-{time.monotonic_ns()}",
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
    )
    nodes = [
        TextNode(text=p.text, id_=p.id, metadata={"doc": p.document, "paragraph": p.number})
        for p in bot.store.paragraphs
    ]
    storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
    index = VectorStoreIndex(nodes, storage_context=storage, embed_model=make_embedding(encoder))

    def rank(question: str, k: int) -> Ranking:
        hits = index.as_retriever(similarity_top_k=k).retrieve(question)
        return [(h.node.metadata["doc"], int(h.node.metadata["paragraph"])) for h in hits]

    return rank


def bm25_plain(bot) -> tuple[Callable[[str, int], Ranking], Callable[[str], np.ndarray]]:
    import bm25s

    paras = bot.store.paragraphs
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize([p.text for p in paras], stopwords="en", show_progress=False), show_progress=False
    )

    def scores(question: str) -> np.ndarray:
        toks = bm25s.tokenize([question], stopwords="en", return_ids=False, show_progress=False)[0]
        toks = [t for t in toks if t in retriever.vocab_dict]
        if not toks:
            return np.zeros(len(paras))
        return np.asarray(retriever.get_scores(toks))

    def rank(question: str, k: int) -> Ranking:
        s = scores(question)
        order = np.argsort(-s, kind="stable")[:k]
        return [(paras[i].document, paras[i].number) for i in order if s[i] > 0]

    return rank, scores


def rrf(
    *rankers: Callable[[str, int], Ranking], k: int = 60, depth: int = 50
) -> Callable[[str, int], Ranking]:
    def rank(question: str, top: int) -> Ranking:
        score: dict[tuple[str, int], float] = {}
        for r in rankers:
            for pos, key in enumerate(r(question, depth)):
                score[key] = score.get(key, 0.0) + 1.0 / (k + pos + 1)
        return sorted(score, key=lambda key: -score[key])[:top]

    return rank


def naive_answer(bot, encoder, bm25_rank, question: str, gold: tuple[str, int] | None = None) -> str:
    """The sentence of the top BM25 paragraph (or of ``gold``) most similar to the question."""
    key = gold or (bm25_rank(question, 1) or [None])[0]
    if key is None:
        return ""
    para = bot.store.paragraph(*key)
    vecs = encoder.encode([question] + [s.text for s in para.sentences])
    best = int(np.argmax(vecs[1:] @ vecs[0]))
    return para.sentences[best].text


# -- metrics -----------------------------------------------------------------------------
def retrieval_metrics(rank: Callable[[str, int], Ranking], qs: list[Question]) -> dict[str, float]:
    h1 = h5 = rr = 0.0
    for q in qs:
        got = rank(q.text, 10)
        gold = (q.doc_id, q.paragraph)
        if got[:1] == [gold]:
            h1 += 1
        if gold in got[:5]:
            h5 += 1
        if gold in got[:10]:
            rr += 1.0 / (got.index(gold) + 1)
    n = len(qs)
    return {"hit@1": h1 / n, "hit@5": h5 / n, "mrr@10": rr / n}


def fmt(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="skip the out-of-scope and single-article runs")
    args = ap.parse_args(argv)

    from index.embedding import MiniLMEncoder

    encoder = MiniLMEncoder()
    t0 = time.perf_counter()
    articles, questions, bot, paths = corpus(encoder)
    _, held_out = split(questions)
    print(
        f"corpus: {len(articles)} articles, {len(bot.store.paragraphs)} paragraphs, "
        f"{len(questions)} questions ({len(held_out)} held out); ready in {time.perf_counter() - t0:.0f}s"
    )

    dense = llamaindex_dense(bot, encoder)
    bm25_rank, _ = bm25_plain(bot)
    fused = rrf(dense, bm25_rank)

    def ours_rank(question: str, k: int) -> Ranking:
        return [(p.document, p.number) for p in bot.retrieve(question, top_k=k)]

    rows: dict[str, dict[str, float | None]] = {}
    for name, ranker in (
        ("llamaindex-dense", dense),
        ("bm25", bm25_rank),
        ("rrf", fused),
        ("ours", ours_rank),
    ):
        for subset, qs in (("all", questions), ("held-out", held_out)):
            rows[f"{name}|{subset}"] = retrieval_metrics(ranker, qs)

    # Answers: naive extractive vs ours.
    ours_answers = {q.id: bot.ask(q.text) for q in questions}
    for subset, qs in (("all", questions), ("held-out", held_out)):
        naive = [naive_answer(bot, encoder, bm25_rank, q.text) for q in qs]
        gold_naive = [naive_answer(bot, encoder, bm25_rank, q.text, (q.doc_id, q.paragraph)) for q in qs]
        n = len(qs)
        top_is_gold = [bm25_rank(q.text, 1)[:1] == [(q.doc_id, q.paragraph)] for q in qs]
        rows[f"naive-extractive|{subset}"] = {
            "contains": sum(contains(a, q.answers) for a, q in zip(naive, qs, strict=True)) / n,
            "words": float(np.mean([words(a) for a in naive])),
            "cite@1": sum(top_is_gold) / n,
        }
        rows[f"naive-on-gold-¶|{subset}"] = {
            "contains": sum(contains(a, q.answers) for a, q in zip(gold_naive, qs, strict=True)) / n,
            "words": float(np.mean([words(a) for a in gold_naive])),
        }
        answers = [ours_answers[q.id] for q in qs]
        rows[f"ours|{subset}"].update(
            {
                "contains": sum(contains(a.text, q.answers) for a, q in zip(answers, qs, strict=True)) / n,
                "words": float(
                    np.mean([words(_strip_markers(a.text)) for a in answers if not a.abstained] or [0])
                ),
                "cite@1": sum(
                    bool(a.citations)
                    and (a.citations[0].document, a.citations[0].paragraph) == (q.doc_id, q.paragraph)
                    for a, q in zip(answers, qs, strict=True)
                )
                / n,
                "false-abst": sum(a.abstained for a in answers) / n,
            }
        )

    if not args.quick:
        oos, single_fa = out_of_scope(paths, questions, encoder)
        for subset, qs in (("all", questions), ("held-out", held_out)):
            ids = {q.id for q in qs}
            rows[f"ours|{subset}"]["oos-abst"] = float(np.mean([v for k, v in oos.items() if k in ids]))
            rows[f"ours|{subset}"]["false-abst-1doc"] = float(
                np.mean([v for k, v in single_fa.items() if k in ids])
            )

    print_table(rows)
    print(f"\ntotal {time.perf_counter() - t0:.0f}s")
    return 0


_MARKER = re.compile(r"\s*\[[^\]]*¶\s?\d+\]")


def _strip_markers(text: str) -> str:
    return _MARKER.sub("", text)


def out_of_scope(
    paths: list[Path], questions: list[Question], encoder
) -> tuple[dict[str, bool], dict[str, bool]]:
    """Each article's questions against the next article alone (OOS) and against itself."""
    by_article: dict[int, list[Question]] = {}
    for q in questions:
        by_article.setdefault(q.article, []).append(q)
    oos: dict[str, bool] = {}
    fa: dict[str, bool] = {}
    n = len(paths)
    for a in range(n):
        own = single_article_bot(paths, a, encoder)
        for q in by_article.get(a, []):
            fa[q.id] = own.ask(q.text).abstained
        for q in by_article.get((a + n - 1) % n, []):  # the previous article's questions
            oos[q.id] = own.ask(q.text).abstained
    return oos, fa


COLUMNS = (
    "hit@1",
    "hit@5",
    "mrr@10",
    "contains",
    "words",
    "cite@1",
    "oos-abst",
    "false-abst",
    "false-abst-1doc",
)


def print_table(rows: dict[str, dict[str, float | None]]) -> None:
    names = sorted(
        {k.split("|")[0] for k in rows},
        key=lambda s: [
            "llamaindex-dense",
            "bm25",
            "rrf",
            "naive-extractive",
            "naive-on-gold-¶",
            "ours",
        ].index(s),
    )
    for subset in ("all", "held-out"):
        print(f"\n## {subset} questions\n")
        print("| pipeline | " + " | ".join(COLUMNS) + " |")
        print("|---" * (len(COLUMNS) + 1) + "|")
        for name in names:
            row = rows.get(f"{name}|{subset}", {})
            cells = [fmt(row.get(c), 1 if c == "words" else 3) for c in COLUMNS]
            print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    raise SystemExit(main())
