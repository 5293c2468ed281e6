"""Child processes for the live-archive tests: a reader that asks in a loop, a writer that ingests.

Run as ``python -m tests.live_children reader|writer ...`` from the project root. Both use
``HashEncoder`` (the encoder seam is ours); everything else is the product: real index files,
real locks, real Chroma. The reader prints one JSON line per answer (or per error); the
writer prints one line per progress report and can pause just before the swap (``--pause-at-swap``)
so a test can kill it there.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from tests.index_fakes import HashEncoder

QUESTION = "What did the council discuss about the harbour budget?"


def reader(index_dir: Path, corpus: Path, stop: Path, fresh: bool) -> None:
    from assistant import Assistant

    enc = HashEncoder()
    live = Assistant.open([corpus], index_dir, backend="extractive", encoder=enc)
    print(json.dumps({"ready": True}), flush=True)
    i = 0
    while not stop.exists():
        bots = [("live", live)]
        try:
            if fresh:  # a new `footnote ask --source` each time: opens (and maybe waits) anew
                bots.append(("fresh", Assistant.open([corpus], index_dir, backend="extractive", encoder=enc)))
            for kind, bot in bots:
                answer = bot.ask(f"{QUESTION} ({i})")
                record = {
                    "kind": kind,
                    "version": bot.store.version,
                    "documents": len(bot.documents),
                    "paragraphs": len(bot.store.paragraphs),
                    "notice": answer.notice,
                    "cited": len(answer.citations),
                    "abstained": answer.abstained,
                    "t": time.time(),
                }
                print(json.dumps(record), flush=True)
        except Exception as exc:  # the tests require none: report it, do not stop
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}", "t": time.time()}), flush=True)
        finally:
            for kind, bot in bots:
                if kind == "fresh":
                    bot.close()
        i += 1


def writer(index_dir: Path, corpus: Path, delay: float, pause_at_swap: bool) -> None:
    from index.reader import find_sources
    from index.store import build_index

    if pause_at_swap:
        real = os.replace

        def replace(src, dst, *a, **k):
            if str(dst).endswith("CURRENT"):
                print("swap 0 1", flush=True)
                time.sleep(60)
            return real(src, dst, *a, **k)

        os.replace = replace

    def progress(stage: str, done: int, total: int) -> None:
        print(stage, done, total, flush=True)

    summary = build_index(index_dir, find_sources([corpus]), HashEncoder(delay=delay), progress)
    print("finished", summary.documents, summary.paragraphs, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["reader", "writer"])
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--stop", type=Path)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--pause-at-swap", action="store_true")
    args = parser.parse_args()
    if args.role == "reader":
        reader(args.index_dir, args.corpus, args.stop, args.fresh)
    else:
        writer(args.index_dir, args.corpus, args.delay, args.pause_at_swap)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
