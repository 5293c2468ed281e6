"""Warm query latency: ``Assistant.ask`` (extractive, end to end) vs LlamaIndex retrieval alone.

    .venv/bin/python bench/query.py --paragraphs 10000      # index from bench/ingest.py
    .venv/bin/python bench/query.py --seed                    # the seed article

Questions are the XQuAD dev questions (the generated corpora are made of those articles'
sentences, so the questions have real answers in them), or hand-written ones for the seed.
After a few warm-up questions it reports p50 and p95 of: our full ``ask`` (embed the
question, dense paragraph + sentence search, BM25, fusion, extractive answer, citation
check), our ``retrieve`` alone, and the baseline's retrieval alone (``VectorStoreIndex``
retriever, top 5, over the one-node-per-paragraph Chroma collection ``bench/ingest.py``
built). It also times opening the index (catalog load, BM25 build) and reports RSS.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.baseline import NaiveMiniLM, naive_embedding, naive_ingest  # noqa: E402
from bench.corpus import CORPORA, XQUAD, generate  # noqa: E402
from bench.measure import Clock, machine, percentile, rss_mib, table  # noqa: E402

SEED_QUESTIONS = [
    "Where is the summit between Kim and Putin expected to take place?",
    "What weapons could North Korea supply to Russia?",
    "What does Moscow offer in return?",
    "Who is Sergei Shoigu?",
    "What did South Korean intelligence report?",
    "How did the United States react to the arms talks?",
    "When did North Korea support the annexation of parts of Ukraine?",
    "What drill did Shoigu propose?",
    "Which newspaper reported the possible change of venue?",
    "What is the historical relationship between Russia and North Korea?",
]


def xquad_questions(limit: int) -> list[str]:
    path = XQUAD if XQUAD.exists() else ROOT / "evals" / "data" / "xquad-en-dev.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    qs = [qa["question"] for a in data["data"] for p in a["paragraphs"] for qa in p["qas"]]
    return qs[::3][:limit]


class StandInEncoder:
    """Same name and dimension as MiniLM, vectors from hashed words: only for timing a big index.

    Embedding 100k paragraphs for real takes hours on 2 cores; query latency depends on
    the index's size, not on what its vectors mean. Questions are still embedded by the
    real model at query time, so every step of ``ask`` is timed for real.
    """

    def __init__(self) -> None:
        from index.embedding import DIMENSION, MODEL_NAME

        self.name, self.dimension = MODEL_NAME, DIMENSION

    def encode(self, texts, progress=None):
        import re
        import zlib

        import numpy as np

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w+", t.lower()):
                out[i, zlib.crc32(w.encode()) % self.dimension] += 1.0
            out[i, 0] += 1e-3
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        if progress is not None:
            progress(len(texts))
        return out


def timed(fn, questions: list[str]) -> list[float]:
    out = []
    for q in questions:
        t = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--paragraphs", type=int, default=1000)
    ap.add_argument("--seed", action="store_true", help="the seed article instead of a generated corpus")
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument(
        "--stand-in",
        action="store_true",
        help="if the index is missing, build it with stand-in vectors (timing only, see StandInEncoder)",
    )
    args = ap.parse_args(argv)
    print(f"machine: {machine()}", flush=True)

    import chromadb
    from chromadb.config import Settings
    from llama_index.core import VectorStoreIndex
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from assistant import Assistant
    from index.loader import load_document
    from index.reader import find_sources

    tmp = Path(tempfile.mkdtemp(prefix="footnote-bench-"))
    if args.seed:
        sources = [ROOT / "seeds"]
        index_dir, base_dir = tmp / "index", tmp / "baseline"
        questions = (SEED_QUESTIONS * (1 + args.questions // len(SEED_QUESTIONS)))[: args.questions]
        label = "seed article"
    else:
        sources = [generate(args.paragraphs)]
        index_dir, base_dir = CORPORA / f"index-{args.paragraphs}", CORPORA / f"baseline-{args.paragraphs}"
        questions = xquad_questions(args.questions)
        label = f"{args.paragraphs} paragraphs"
        if not (index_dir / "CURRENT").exists():
            from index.store import build_index

            if args.stand_in:
                print(f"building {index_dir} with stand-in vectors (timing only)...", flush=True)
                with Clock() as built:
                    build_index(index_dir, find_sources(sources), StandInEncoder())
                print(f"built in {built.seconds:.0f} s", flush=True)
            else:
                print(f"note: {index_dir} missing, building it now (run bench/ingest.py to time that)")
        if args.stand_in:
            label += " (stand-in stored vectors; see --help)"

    rss0 = rss_mib()
    with Clock() as opening:
        bot = Assistant.open(sources, index_dir, backend="extractive")
    n = len(bot.store.paragraphs)
    print(f"opened {n} paragraphs in {opening.seconds:.2f} s (RSS +{rss_mib() - rss0:.0f} MiB)", flush=True)

    embed = naive_embedding(NaiveMiniLM())
    if not (base_dir / "chroma.sqlite3").exists():
        docs = [load_document(sf) for sf in find_sources(sources)]
        if args.stand_in:  # same stand-in vectors for the baseline's nodes
            from bench.baseline import standin_ingest

            standin_ingest(docs, base_dir, StandInEncoder())
        else:
            naive_ingest(docs, base_dir, embed)
    client = chromadb.PersistentClient(str(base_dir), settings=Settings(anonymized_telemetry=False))
    base_store = ChromaVectorStore(
        chroma_collection=client.get_collection("baseline", embedding_function=None)
    )
    base = VectorStoreIndex.from_vector_store(base_store, embed_model=embed).as_retriever(similarity_top_k=5)

    for q in questions[:5]:  # warm caches, lazy imports and ONNX sessions on both sides
        bot.ask(q)
        base.retrieve(q)
    ask = timed(bot.ask, questions)
    retrieve = timed(bot.retrieve, questions)
    baseline = timed(base.retrieve, questions)

    rows = [["warm query, " + label, "p50 ms", "p95 ms", "p50 ratio vs baseline retrieval"]]
    b50 = percentile(baseline, 50)
    for name, values in (
        ("ours: Assistant.ask (extractive, end to end)", ask),
        ("ours: retrieve only", retrieve),
        ("baseline: VectorStoreIndex retriever only", baseline),
    ):
        rows.append(
            [
                name,
                f"{percentile(values, 50):.1f}",
                f"{percentile(values, 95):.1f}",
                f"{percentile(values, 50) / b50:.2f}x",
            ]
        )
    print()
    print(table(rows))
    print(
        f"{len(questions)} questions; open (catalog + BM25) {opening.seconds:.2f} s; RSS {rss_mib():.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
