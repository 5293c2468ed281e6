"""Ingest throughput, ours vs the plain LlamaIndex pipeline, in one process; and re-ingest.

    .venv/bin/python bench/ingest.py --paragraphs 10000 [--skip-baseline]

On a generated corpus (``bench/corpus.py``) it times, in this order:

1. parsing every file (shared by both pipelines and counted in both totals);
2. the baseline: one ``TextNode`` per paragraph, ``VectorStoreIndex`` over Chroma, the same
   int8 MiniLM run naively (``bench/baseline.py``), LlamaIndex's default batch size;
3. ours: ``build_index`` from scratch (sentence vectors, and paragraph vectors derived
   from them and the section headings; length-bucketed token-budget batches on all
   cores, plain Chroma records);
4. ours again on the unchanged corpus (incremental: nothing to embed);
5. ours after editing one paragraph in 1% of the files.

Ours embeds each sentence and each distinct heading (the model reads the text about once,
as the baseline does, but in sentence-sized pieces) and stores a vector per paragraph and
per sentence; the baseline embeds and stores one text per paragraph. Both paragraphs/s
and texts/s (texts run through the model) are reported. Peak memory is the
process's RSS growth during each phase. The built indexes stay under ``bench/.corpora``
for ``bench/query.py``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.baseline import NaiveMiniLM, naive_embedding, naive_ingest  # noqa: E402
from bench.corpus import CORPORA, generate  # noqa: E402
from bench.measure import Clock, PeakRSS, machine, table  # noqa: E402
from index.embedding import MiniLMEncoder  # noqa: E402
from index.loader import load_document  # noqa: E402
from index.reader import find_sources  # noqa: E402
from index.store import build_index  # noqa: E402


class Stages:
    """A ``build_index`` progress callback that adds up the wall time spent in each stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._stage: str | None = None
        self._since = time.perf_counter()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if self._stage is not None:
            self.seconds[self._stage] = self.seconds.get(self._stage, 0.0) + now - self._since
        self._stage, self._since = stage, now

    def close(self) -> str:
        self("end", 0, 0)
        return ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())


def index_dirs(paragraphs: int) -> tuple[Path, Path]:
    return CORPORA / f"index-{paragraphs}", CORPORA / f"baseline-{paragraphs}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--paragraphs", type=int, default=1000)
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    args = ap.parse_args(argv)

    print(f"machine: {machine()}", flush=True)
    folder = generate(args.paragraphs)
    ours_dir, base_dir = index_dirs(args.paragraphs)
    for d in (ours_dir, base_dir):
        shutil.rmtree(d, ignore_errors=True)
    sources = find_sources([folder])

    with Clock() as parse:
        docs = [load_document(sf) for sf in sources]
    n_par = sum(len(d.paragraphs) for d in docs)
    n_sent = sum(len(p.sentences) for d in docs for p in d.paragraphs)
    print(
        f"corpus: {len(sources)} files, {n_par} paragraphs, {n_sent} sentences; parse {parse.seconds:.1f} s"
    )

    import chromadb  # noqa: F401 (imported before either clock starts: neither pays for it)

    results: dict[str, dict[str, float]] = {}
    if not args.skip_baseline:
        embed = naive_embedding(NaiveMiniLM())
        embed.get_text_embedding("warm up")
        with PeakRSS() as mem, Clock() as clock:
            naive_ingest(docs, base_dir, embed)
        total = clock.seconds + parse.seconds
        results["baseline"] = {"seconds": total, "nodes": n_par, "paragraphs": n_par, "rss": mem.growth}
        print(f"baseline: {total:.1f} s ({n_par / total:.1f} paragraphs/s)", flush=True)
        del embed

    encoder = MiniLMEncoder()
    encoder.encode(["warm up"])
    stages = Stages()
    with PeakRSS() as mem, Clock() as clock:
        fresh = build_index(ours_dir, sources, encoder, stages)
    nodes = fresh.embedded
    results["ours"] = {"seconds": clock.seconds, "nodes": nodes, "paragraphs": n_par, "rss": mem.growth}
    print(
        f"ours: {clock.seconds:.1f} s ({n_par / clock.seconds:.1f} paragraphs/s; {stages.close()})",
        flush=True,
    )

    with Clock() as again:
        unchanged = build_index(ours_dir, find_sources([folder]), encoder)
    assert not unchanged.changed and unchanged.embedded == 0
    results["reingest_unchanged"] = {"seconds": again.seconds}

    files = sorted(folder.glob("*.md"))
    picked = files[:: max(1, len(files) // max(1, len(files) // 100))][: max(1, len(files) // 100)]
    originals = {f: f.read_text(encoding="utf-8") for f in picked}
    try:
        for f, text in originals.items():  # one paragraph edited in 1% of the files
            f.write_text(text.replace(". ", ". An editor's note was added today. ", 1), encoding="utf-8")
        with Clock() as edit:
            edited = build_index(ours_dir, find_sources([folder]), encoder)
    finally:
        for f, text in originals.items():
            f.write_text(text, encoding="utf-8")
    results["reingest_1pct"] = {
        "seconds": edit.seconds,
        "embedded": edited.embedded,
        "reused": edited.reused,
        "changed": len(edited.changed_documents),
    }
    # Put the index back on the pristine corpus for bench/query.py (only the edits change).
    build_index(ours_dir, find_sources([folder]), encoder)

    rows = [
        ["pipeline", "seconds", "paragraphs/s", "texts embedded", "texts/s", "peak RSS +MiB", "ratio (¶/s)"]
    ]
    base = results.get("baseline")
    for name in ("baseline", "ours"):
        if name not in results:
            continue
        r = results[name]
        ratio = (
            (r["paragraphs"] / r["seconds"]) / (base["paragraphs"] / base["seconds"])
            if base
            else float("nan")
        )
        rows.append(
            [
                name,
                f"{r['seconds']:.1f}",
                f"{r['paragraphs'] / r['seconds']:.1f}",
                f"{r['nodes']:.0f}",
                f"{r['nodes'] / r['seconds']:.1f}",
                f"{r['rss']:.0f}",
                f"{ratio:.2f}x",
            ]
        )
    print()
    print(f"Ingest, {n_par} paragraphs ({len(sources)} files):")
    print(table(rows))
    print(
        f"re-ingest unchanged: {again.seconds:.2f} s = {100 * again.seconds / results['ours']['seconds']:.2f}% "
        f"of a fresh ingest (target <= 5%)"
    )
    r = results["reingest_1pct"]
    print(
        f"re-ingest after editing {r['changed']:.0f} files (1%): {edit.seconds:.1f} s, "
        f"{r['embedded']:.0f} texts embedded, {r['reused']:.0f} reused"
    )
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "paragraphs": n_par, **results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
