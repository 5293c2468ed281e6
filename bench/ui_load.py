"""Load on the Gradio UI: N concurrent users asking different questions through ``gradio_client``.

    .venv/bin/python bench/ui_load.py [--users 50] [--rounds 3] [--concurrency 2] [--url URL]

Starts the UI in this process on a free loopback port (or uses ``--url``), then runs
``--rounds`` rounds in which ``--users`` clients (one session each) ask at the same moment.
Reports throughput, p50/p95/max latency, errors, answers that do not match the same
question asked directly (cross-talk: must be 0) and the server's resident memory before and
after. The baseline is the same questions answered by ``Assistant.ask`` in this process,
one at a time, so the ratios show what the web layer and the queue cost. Prints a table
and writes ``reports/ui_load.json``. Memory is that of this whole process (server and
clients); the figure after each round should stay flat after the first. This script asserts nothing; the tests check
correctness (tests/test_ui_load.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"


def rss_mb() -> float:
    """Current resident memory of this process in MiB (Linux /proc), else peak RSS."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def questions(bot, n: int) -> list[str]:
    sentences = [s.text for p in bot.store.paragraphs for s in p.sentences if len(s.text) > 30]
    out = list(sentences)
    for prefix in ("According to the article, ", "Is it true that ", "Why does the article say that "):
        out += [prefix + s[0].lower() + s[1:] for s in sentences]
    while len(out) < n:  # more users than distinct sentences: number the repeats
        out.append(f"{out[len(out) % len(sentences)]} (#{len(out)})")
    return out[:n]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=2, help="the UI's answer concurrency limit")
    ap.add_argument("--max-queue", type=int, default=64)
    ap.add_argument("--url", help="use a running UI instead of starting one (no memory figures)")
    args = ap.parse_args(argv)

    from gradio_client import Client

    from assistant import Assistant
    from assistant.ui import build_app, launch

    bot = Assistant.open(backend="extractive")
    qs = questions(bot, args.users)

    # Baseline: the same questions, in-process, one at a time (after one warm-up).
    bot.ask(qs[0])
    direct: list[float] = []
    expected = {}
    for q in qs:
        t = time.perf_counter()
        expected[q] = bot.ask(q)
        direct.append(time.perf_counter() - t)

    app = None
    url = args.url
    if url is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        app = build_app(bot, concurrency_limit=args.concurrency, max_queue=args.max_queue)
        launch(app, port=port, block=False, quiet=True)
        url = f"http://127.0.0.1:{port}/"
    rss_before = rss_mb()

    clients = list(ThreadPoolExecutor(8).map(lambda _: Client(url, verbose=False), qs))
    latencies: list[float] = []
    errors: list[str] = []
    mismatches = 0
    wall = 0.0
    rss_rounds: list[float] = []  # after each round: flat after the first means bounded memory
    for _ in range(args.rounds):

        def user(i: int, barrier: threading.Barrier = threading.Barrier(len(qs))) -> tuple[float, object]:  # noqa: B008
            barrier.wait()
            t = time.perf_counter()
            try:
                result: object = clients[i].predict(qs[i], "", None, api_name="/ask")
            except Exception as exc:  # reported, not raised: this is a measurement
                result = exc
            return time.perf_counter() - t, result

        start = time.perf_counter()
        with ThreadPoolExecutor(len(qs)) as pool:
            results = list(pool.map(user, range(len(qs))))
        wall += time.perf_counter() - start
        for q, (lat, res) in zip(qs, results, strict=True):
            if isinstance(res, Exception):
                errors.append(str(res)[:120])
                continue
            latencies.append(lat)
            want = expected[q]
            if res["question"] != q or res["text"] != want.text:
                mismatches += 1
        rss_rounds.append(round(rss_mb(), 1))
    rss_after = rss_mb()
    if app is not None:
        app.close()

    served = len(latencies)
    report = {
        "users": args.users,
        "rounds": args.rounds,
        "concurrency": args.concurrency,
        "requests": args.users * args.rounds,
        "served": served,
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:3],
        "cross_talk": mismatches,
        "throughput_rps": served / wall if wall else 0.0,
        "latency_p50_s": pct(latencies, 0.5),
        "latency_p95_s": pct(latencies, 0.95),
        "latency_max_s": max(latencies, default=float("nan")),
        "baseline_direct_p50_s": statistics.median(direct),
        "baseline_direct_rps": len(direct) / sum(direct),
        "rss_before_mb": None if args.url else round(rss_before, 1),
        "rss_after_mb": None if args.url else round(rss_after, 1),
        "rss_after_each_round_mb": None if args.url else rss_rounds,
    }
    report["throughput_ratio_vs_direct"] = report["throughput_rps"] / report["baseline_direct_rps"]
    report["p50_ratio_vs_direct"] = report["latency_p50_s"] / report["baseline_direct_p50_s"]

    print(f"UI load: {args.users} users x {args.rounds} rounds, concurrency {args.concurrency}")
    for key in (
        "served",
        "errors",
        "cross_talk",
        "throughput_rps",
        "latency_p50_s",
        "latency_p95_s",
        "latency_max_s",
        "baseline_direct_p50_s",
        "baseline_direct_rps",
        "throughput_ratio_vs_direct",
        "p50_ratio_vs_direct",
        "rss_before_mb",
        "rss_after_mb",
        "rss_after_each_round_mb",
    ):
        value = report[key]
        print(f"  {key:<28} {value:.3f}" if isinstance(value, float) else f"  {key:<28} {value}")
    out = ROOT / "reports" / "ui_load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"  written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
