"""kill -9 in the middle of an ingest leaves the previous index usable; the next run completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from index.reader import find_sources
from index.store import build_index, open_index
from tests.index_fakes import HashEncoder, paragraphs, write_article

ROOT = Path(__file__).resolve().parent.parent

INGEST = """
import sys
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from index.reader import find_sources
from index.store import build_index
from tests.index_fakes import HashEncoder

def progress(stage, done, total):
    print(stage, done, total, flush=True)

build_index(Path(sys.argv[1]), find_sources([sys.argv[2]]), HashEncoder(delay=0.03), progress)
print("finished", flush=True)
"""


@pytest.mark.parametrize("stage", ["embed", "copy", "store"])
def test_kill_9_mid_ingest(tmp_path, stage):
    corpus = tmp_path / "news"
    corpus.mkdir()
    for i in range(3):
        write_article(corpus / f"old-{i}.md", f"Old {i}", paragraphs(f"old{i}", 3))
    index = tmp_path / "index"
    enc = HashEncoder()
    build_index(index, find_sources([corpus]), enc)
    before = {p.id: p.text for p in open_index(index, enc).paragraphs}

    for i in range(20):
        write_article(corpus / f"new-{i:02d}.md", f"New {i}", paragraphs(f"new{i}", 25))
    proc = subprocess.Popen(
        [sys.executable, "-c", INGEST, str(index), str(corpus), str(ROOT)],
        stdout=subprocess.PIPE,
        text=True,
    )
    seen = []
    try:
        for line in proc.stdout:
            seen.append(line.split()[0])
            if line.startswith(stage):
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.kill()
        proc.wait()
    assert "finished" not in seen and stage in seen

    # The previous index is intact and opens without complaint.
    store = open_index(index, enc)
    assert {p.id: p.text for p in store.paragraphs} == before
    # The next run completes the work and clears the half-written build.
    summary = build_index(index, find_sources([corpus]), enc)
    assert len(summary.added_documents) == 20
    store = open_index(index, enc)
    assert len(store.paragraphs) == 9 + 20 * 25
    assert store.paragraph("new-19", 25) is not None
    assert len(list((index / "builds").iterdir())) <= 2
