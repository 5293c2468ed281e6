"""Child processes for the live-archive tests: a reader that asks in a loop, a writer that ingests.

Run as ``python -m tests.live_children reader|writer ...`` from the project root. Both use
``HashEncoder`` (the encoder seam is ours); everything else is the product: real index files,
real locks, real Chroma. The reader prints one JSON line per answer (or per error); the
writer prints one line per progress report and can pause just before the swap (``--pause-at-swap``)
so a test can kill it there. ``Child`` runs any command and collects its output lines.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.index_fakes import HashEncoder

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "What did the council discuss about the harbour budget?"


class Child:
    """A child process whose stdout lines are collected by a thread."""

    def __init__(self, argv: list[str]) -> None:
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    @classmethod
    def of(cls, *args: str) -> Child:
        """This module run as a child: ``reader`` or ``writer`` (see ``main``)."""
        return cls([sys.executable, "-m", "tests.live_children", *args])

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def wait_for(self, test, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            for line in self.lines[seen:]:
                if test(line):
                    return line
            seen = len(self.lines)
            if self.proc.poll() is not None and seen == len(self.lines):
                self._thread.join(1)
                for line in self.lines[seen:]:
                    if test(line):
                        return line
                raise AssertionError(f"child exited ({self.proc.returncode}): {self.lines[-5:]}")
            time.sleep(0.02)
        raise AssertionError(f"timed out; last lines: {self.lines[-5:]}")

    def records(self) -> list[dict]:
        return [json.loads(x) for x in list(self.lines) if x.startswith("{")]

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self._thread.join(5)


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
