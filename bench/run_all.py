"""Run the scale benchmarks in sequence and print their tables (``make bench``).

    .venv/bin/python bench/run_all.py            # quick: seed + 1k paragraphs (~15 min on 2 cores)
    .venv/bin/python bench/run_all.py --full     # adds 10k paragraphs (about an hour on 2 cores)

Each script runs in its own process (so one's caches and memory do not flatter the
next) and prints its own comparison against the baseline it measured in that process.
The quality benchmarks (``bench/quality_baselines.py``) and the UI load benchmark
(``bench/ui_load.py``) are run on their own.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--full", action="store_true", help="also the 10k-paragraph corpus")
    args = ap.parse_args(argv)
    sizes = [1000, 10000] if args.full else [1000]
    runs: list[list[str]] = [["cold_start.py"], ["query.py", "--seed"]]
    for n in sizes:
        runs += [["ingest.py", "--paragraphs", str(n)], ["query.py", "--paragraphs", str(n)]]
    runs.append(["memory_growth.py", "--questions", "2000"])
    failed = 0
    for script, *rest in runs:
        print(f"\n=== {script} {' '.join(rest)}", flush=True)
        failed += subprocess.run([sys.executable, str(HERE / script), *rest]).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
