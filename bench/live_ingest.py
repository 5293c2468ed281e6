"""Ask latency while another process ingests into the same index, against the same machine idle.

    .venv/bin/python bench/live_ingest.py                   # 4 articles, then 200 more (2,000 paragraphs)
    .venv/bin/python bench/live_ingest.py --paragraphs 500  # quicker

An index of 4 articles of the ``bench/corpus.py`` corpus is built and opened as an
``Assistant`` (offline extractive backend, the real MiniLM). It answers XQuAD questions
idle (the baseline, same process, same index), then the rest of the corpus is copied into
the folder and ``footnote ingest`` runs in a child process while the same ``Assistant``
keeps asking; only answers given while the writer runs count (all come from the 4-article
version, which the notice names). Prints p50/p95 of both phases and their ratios, how many
questions were answered (and refused: none expected) during the ingest, and the time of
the first question after the swap, which opens the new version. No timed assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import XQUAD, generate  # noqa: E402
from bench.measure import machine, percentile, table  # noqa: E402


def questions(n: int = 200) -> list[str]:
    data = json.loads(XQUAD.read_text(encoding="utf-8"))["data"]
    out = [qa["question"] for a in data for p in a["paragraphs"] for qa in p["qas"]]
    return out[:: max(1, len(out) // n)][:n]


def ask(bot, qs: list[str], i: int) -> tuple[float, str | None]:
    t0 = time.perf_counter()
    answer = bot.ask(qs[i % len(qs)])
    return time.perf_counter() - t0, answer.notice


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--paragraphs", type=int, default=2000, help="corpus size; 4 articles are indexed first")
    ap.add_argument("--idle", type=int, default=150, help="questions asked idle (the baseline)")
    args = ap.parse_args(argv)
    print(machine())
    corpus = generate(args.paragraphs + 40)
    articles = sorted(corpus.glob("*.md"))
    work = Path(tempfile.mkdtemp(prefix="footnote-live-"))
    os.environ["FOOTNOTE_HOME"] = str(work / "home")
    folder, index = work / "news", work / "index"
    folder.mkdir()
    for a in articles[:4]:
        shutil.copy(a, folder)
    from assistant import Assistant

    bot = Assistant.open([folder], index, backend="extractive")
    qs = questions()
    for i in range(5):
        ask(bot, qs, i)
    idle = [ask(bot, qs, i)[0] for i in range(args.idle)]

    for a in articles[4:]:
        shutil.copy(a, folder)
    writer = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ingest", str(folder), "--index-dir", str(index)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    from index.versions import writer_active

    started = time.perf_counter()
    while not writer_active(index) and writer.poll() is None:
        time.sleep(0.01)
    during, notices, refused, i = [], set(), 0, 0
    while writer.poll() is None:
        try:
            seconds, notice = ask(bot, qs, i)
        except Exception as exc:  # what the issue reported: questions refused during an ingest
            refused += 1
            print(f"refused: {type(exc).__name__}: {exc}")
            continue
        finally:
            i += 1
        if writer.poll() is None:  # answered while the writer was still at work
            during.append(seconds)
            notices.add(notice)
    ingest_s = time.perf_counter() - started
    print(writer.stdout.read().strip())
    first_after, _ = ask(bot, qs, i)
    after_docs = len(bot.documents)
    bot.close()

    rows = [["phase", "questions", "p50 ms", "p95 ms"]]
    rows.append(["idle (same index, same process)", str(len(idle)), f"{percentile(idle, 50) * 1000:.1f}",
                 f"{percentile(idle, 95) * 1000:.1f}"])
    rows.append([f"during the ingest ({ingest_s:.0f} s, another process)", str(len(during)),
                 f"{percentile(during, 50) * 1000:.1f}", f"{percentile(during, 95) * 1000:.1f}"])
    print(table(rows))
    print(
        f"ratio during/idle: p50 {percentile(during, 50) / percentile(idle, 50):.2f}x, "
        f"p95 {percentile(during, 95) / percentile(idle, 95):.2f}x; refused during the ingest: {refused}"
    )
    print(f"notice: {sorted(n for n in notices if n) or notices}")
    print(f"first question after the swap (opens the {after_docs}-article version): {first_after * 1000:.0f} ms")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
