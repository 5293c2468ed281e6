"""Memory over thousands of questions in one process: it must stay flat.

    .venv/bin/python bench/memory_growth.py [--questions 3000] [--paragraphs N]

Opens an extractive ``Assistant`` (the seed article, or a generated corpus indexed by
``bench/ingest.py``), asks a warm-up batch, then asks ``--questions`` different
questions (XQuAD dev questions and the seed questions, each made unique by a counter),
sampling the process RSS every 250 questions. It reports the RSS after warm-up, at the
end, the growth and the least-squares slope in MiB per 1,000 questions; the baseline is
the RSS right after opening, in the same process. A leak shows as a steady slope.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import CORPORA  # noqa: E402
from bench.measure import machine, rss_mib, table  # noqa: E402
from bench.query import SEED_QUESTIONS, xquad_questions  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--questions", type=int, default=3000)
    ap.add_argument("--paragraphs", type=int, default=0)
    ap.add_argument("--every", type=int, default=250)
    args = ap.parse_args(argv)
    print(f"machine: {machine()}", flush=True)
    from assistant import Assistant

    if args.paragraphs:
        from bench.corpus import generate

        sources, index_dir = [generate(args.paragraphs)], CORPORA / f"index-{args.paragraphs}"
    else:
        sources, index_dir = [ROOT / "seeds"], Path(tempfile.mkdtemp(prefix="footnote-mem-")) / "index"
    bot = Assistant.open(sources, index_dir, backend="extractive")
    opened = rss_mib()
    pool = xquad_questions(10_000) + SEED_QUESTIONS
    for q in pool[:200]:
        bot.ask(q)
    gc.collect()
    warm = rss_mib()
    samples: list[tuple[int, float]] = [(0, warm)]
    started = time.perf_counter()
    answered = abstained = 0
    for i in range(1, args.questions + 1):
        q = pool[i % len(pool)]
        answer = bot.ask(q if i < len(pool) else f"{q} ({i})")
        answered += not answer.abstained
        abstained += answer.abstained
        if i % args.every == 0:
            samples.append((i, rss_mib()))
            print(f"{i:6d} questions  RSS {samples[-1][1]:7.1f} MiB", flush=True)
    seconds = time.perf_counter() - started
    xs = [s[0] / 1000 for s in samples]
    ys = [s[1] for s in samples]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / max(
        1e-9, sum((x - mx) ** 2 for x in xs)
    )
    rows = [["memory over questions", "value"]]
    rows += [
        ["questions asked", f"{args.questions} ({answered} answered, {abstained} abstained)"],
        ["baseline: RSS right after open", f"{opened:.0f} MiB"],
        ["RSS after 200 warm-up questions", f"{warm:.0f} MiB"],
        ["RSS at the end", f"{ys[-1]:.0f} MiB"],
        ["growth after warm-up", f"{ys[-1] - warm:+.1f} MiB"],
        ["slope", f"{slope:+.2f} MiB per 1,000 questions"],
        ["throughput", f"{args.questions / seconds:.1f} questions/s"],
    ]
    print()
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
