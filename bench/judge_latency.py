"""The latency a judge adds to the offline reader's answers, against the reader alone in the same process.

    FOOTNOTE_LLM_THREADS=1 .venv/bin/python bench/judge_latency.py --model PATH.gguf [SUITE ...]

For every case of the suites (default: seed and seed-probe), on the same index, the question
is asked twice: by the offline reader alone (baseline) and by the same reader checked by a
judge served locally from ``--model`` (``Assistant.open(judge="local")``), with an empty
verdict cache (each question is judged once: what a user's first ask costs). Prints p50 and
p90 of both, of the difference, the requests sent per question and the share of questions
the judge was asked about, with the load average at start and end (on a shared 2-core
machine every number moves with it). Changes nothing; no network.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("suites", nargs="*", default=["seed", "seed-probe"])
    ap.add_argument("--model", required=True, help="the judge's .gguf file")
    args = ap.parse_args(argv)
    from assistant import Assistant
    from assistant.judge import JudgedBackend, open_judge
    from evals.runner import default_cache_dir, open_group
    from evals.suite import load_suite
    from index.embedding import MiniLMEncoder

    print(
        f"load average at start: {os.getloadavg()}; threads: {os.environ.get('FOOTNOTE_LLM_THREADS', 'default')}"
    )
    encoder = MiniLMEncoder()
    judge = open_judge("local", {"model": args.model})
    plain_ms: list[float] = []
    judged_ms: list[float] = []
    requests: list[int] = []
    try:
        for name in args.suites:
            suite = load_suite(name, cache_dir=default_cache_dir())
            for group in suite.groups:
                bot = open_group(group, default_cache_dir(), "extractive", encoder)
                judged = Assistant(
                    bot.store,
                    bot.retriever,
                    JudgedBackend(judge, multi_document=len(bot.documents) > 1),
                    bot.index_dir,
                )
                bot.ask("warm up")
                for case in group.cases:
                    history = list(case.history)
                    t0 = time.perf_counter()
                    bot.ask(case.question, history)
                    t1 = time.perf_counter()
                    sent = judge.requests
                    judged.ask(case.question, history)
                    t2 = time.perf_counter()
                    plain_ms.append((t1 - t0) * 1000)
                    judged_ms.append((t2 - t1) * 1000)
                    requests.append(judge.requests - sent)
    finally:
        judge.close()
    added = [j - p for p, j in zip(plain_ms, judged_ms, strict=True)]
    asked = [r for r in requests if r]
    print(f"questions: {len(plain_ms)}; judged: {len(asked)} ({len(asked) / max(1, len(requests)):.0%})")
    print(f"reader alone   p50 {percentile(plain_ms, 0.5):8.1f} ms  p90 {percentile(plain_ms, 0.9):8.1f} ms")
    print(
        f"with the judge p50 {percentile(judged_ms, 0.5):8.1f} ms  p90 {percentile(judged_ms, 0.9):8.1f} ms"
    )
    print(f"added          p50 {percentile(added, 0.5):8.1f} ms  p90 {percentile(added, 0.9):8.1f} ms")
    judged_added = [a for a, r in zip(added, requests, strict=True) if r]
    if judged_added:
        print(
            f"added, judged questions only: p50 {percentile(judged_added, 0.5):.1f} ms; "
            f"requests per judged question {statistics.mean(asked):.2f}"
        )
    print(f"load average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
