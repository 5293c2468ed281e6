"""Load on the Gradio UI: N concurrent users asking different questions through ``gradio_client``.

    .venv/bin/python bench/ui_load.py [--users 50] [--rounds 3] [--concurrency 2] [--url URL]

Starts ``footnote ui`` in a child process on a free loopback port (or uses ``--url``), then runs
``--rounds`` rounds in which ``--users`` clients (one session each) ask at the same moment.
Reports throughput, p50/p95/max latency, errors, answers that do not match the same
question asked directly (cross-talk: must be 0) and the server process's resident memory
before and after each round. The baseline is the same questions answered by
``Assistant.ask`` in this process, one at a time, so the ratios show what the web layer
and the queue cost. Prints a table and writes ``reports/ui_load.json``. The server's
memory after each round should stay flat after the first (bounded); the clients run in
this process and compete for the same cores, so the throughput is a lower bound. This
script asserts nothing; the tests check correctness (tests/test_ui_load.py).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
LAUNCHER = "import sys; from assistant.ui import main; sys.exit(main(sys.argv[1:]))"


def rss_mb(pid: int) -> float | None:
    """Current resident memory of process ``pid`` in MiB (Linux /proc), if readable."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return round(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except OSError:
        return None


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the UI server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the UI server did not answer at {url} within {timeout:.0f} s")


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

    server = None
    url = args.url
    if url is None:  # the server in its own process, as a user runs it, so its memory is its own
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [
                *(sys.executable, "-c", LAUNCHER, "--port", str(port), "--backend", "extractive"),
                *("--concurrency", str(args.concurrency), "--max-queue", str(args.max_queue)),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/"
        wait_for(url, server)
    rss_before = rss_mb(server.pid) if server else None

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
        rss_rounds.append(rss_mb(server.pid) if server else None)
    rss_after = rss_mb(server.pid) if server else None
    if server is not None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()

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
        "server_rss_before_mb": rss_before,
        "server_rss_after_mb": rss_after,
        "server_rss_after_each_round_mb": rss_rounds,
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
        "server_rss_before_mb",
        "server_rss_after_mb",
        "server_rss_after_each_round_mb",
    ):
        value = report[key]
        print(f"  {key:<32} {value:.3f}" if isinstance(value, float) else f"  {key:<32} {value}")
    out = ROOT / "reports" / "ui_load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"  written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
