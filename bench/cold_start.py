"""Cold start: wall time of ``footnote ask "..."`` on an existing index, with a breakdown.

    .venv/bin/python bench/cold_start.py [--paragraphs N] [--runs 5]

Builds the index once (not timed), then runs the real console script several times in
fresh processes and reports the median wall time. A second child process repeats the
same path with timers around each phase (interpreter and imports, finding sources and
checking the manifest, opening the index, building BM25, embedding model load, first
answer) and reports which heavy modules were imported (Gradio must not be). The
baseline is the bare interpreter start (``python -c pass``) in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import machine, median, table  # noqa: E402

QUESTION = "Where is the summit between Kim and Putin expected to take place?"

BREAKDOWN = r"""
import json, sys, time
t0 = time.perf_counter()
marks = {}
from assistant.cli import main as _cli  # what the console script imports first
from assistant.assistant import Assistant
from index.embedding import MiniLMEncoder
from index.reader import find_sources
from index.store import is_current, open_index
from assistant.config import default_index_dir
from assistant.retriever import Retriever
marks["imports"] = time.perf_counter() - t0; t = time.perf_counter()
sources = [sys.argv[1]]
files = find_sources(sources)
index_dir = default_index_dir(files, sources)
enc = MiniLMEncoder()
assert is_current(index_dir, files, enc)
marks["find sources + manifest check"] = time.perf_counter() - t; t = time.perf_counter()
store = open_index(index_dir, enc)
marks["open index (Chroma + catalog)"] = time.perf_counter() - t; t = time.perf_counter()
retriever = Retriever(store, enc)
marks["retriever (BM25 build)"] = time.perf_counter() - t; t = time.perf_counter()
enc.encode(["warm"])
marks["embedding model load"] = time.perf_counter() - t; t = time.perf_counter()
bot = Assistant.open(sources, index_dir, backend="extractive", encoder=enc)
marks["Assistant.open (again, warm)"] = time.perf_counter() - t; t = time.perf_counter()
bot.ask(sys.argv[2])
marks["first ask"] = time.perf_counter() - t
heavy = [m for m in ("gradio", "chromadb", "llama_index.core", "onnxruntime", "bm25s", "openai", "torch") if m in sys.modules]
print(json.dumps({"marks": marks, "imported": heavy}))
"""


def wall(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{cmd} failed: {done.stderr[-2000:]}")
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--paragraphs", type=int, default=0, help="a generated corpus instead of the seed")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    print(f"machine: {machine()}", flush=True)
    footnote = Path(sys.executable).with_name("footnote")
    home = Path(tempfile.mkdtemp(prefix="footnote-cold-"))
    env = {**os.environ, "FOOTNOTE_HOME": str(home)}
    env.pop("FOOTNOTE_CHROMA_URL", None)
    if args.paragraphs:
        from bench.corpus import generate

        source, question = (
            str(generate(args.paragraphs)),
            "Who led the Broncos to victory in Super Bowl XXXIII?",
        )
    else:
        source, question = str(ROOT / "seeds"), QUESTION
    subprocess.run([str(footnote), "ingest", source], env=env, check=True, capture_output=True)

    python = [wall([sys.executable, "-c", "pass"], env) for _ in range(args.runs)]
    ask = [
        wall([str(footnote), "ask", "--backend", "extractive", "--source", source, question], env)
        for _ in range(args.runs)
    ]
    out = subprocess.run(
        [sys.executable, "-c", BREAKDOWN, source, question],
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    rows = [["cold start", "seconds"]]
    rows.append(["baseline: python -c pass (median)", f"{median(python):.2f}"])
    rows.append([f"footnote ask (median of {args.runs}, wall)", f"{median(ask):.2f}"])
    rows.append(["ratio to target 3 s", f"{median(ask) / 3:.2f}"])
    print()
    print(table(rows))
    print()
    rows = [["breakdown (one fresh process)", "seconds"]]
    rows += [[k, f"{v:.2f}"] for k, v in report["marks"].items()]
    print(table(rows))
    print(f"heavy modules imported on this path: {', '.join(report['imported'])}")
    print("gradio imported: " + ("YES (regression)" if "gradio" in report["imported"] else "no"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
