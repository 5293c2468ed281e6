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


ASK_FOREVER = """
import sys
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from index.store import open_index
from tests.index_fakes import HashEncoder

enc = HashEncoder()
store = open_index(Path(sys.argv[1]), enc)
i = 0
while True:
    q = enc.encode([f"council harbour budget item {i}"])[0]
    hits = store.dense(q, "sentence", 20)
    store.sentence_vectors([store.paragraphs[i % len(store.paragraphs)]])
    i += 1
    if i == 20:
        print("asking", flush=True)
"""


def test_kill_9_during_questions_leaves_the_index_intact(tmp_path):
    corpus = tmp_path / "news"
    corpus.mkdir()
    for i in range(4):
        write_article(corpus / f"doc-{i}.md", f"Doc {i}", paragraphs(f"doc{i}", 300))
    index = tmp_path / "index"
    enc = HashEncoder()
    build_index(index, find_sources([corpus]), enc)
    before = open_index(index, enc)
    expected = before.dense(enc.encode(["doc2 council day 7"])[0], "paragraph", 5)
    for _ in range(2):
        proc = subprocess.Popen(
            [sys.executable, "-c", ASK_FOREVER, str(index), str(ROOT)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert proc.stdout.readline().strip() == "asking"
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait()
    from index.chroma_client import health_check

    # A fresh child process opens every collection and queries it.
    assert health_check(before.build_dir / "chroma", ["paragraphs", "sentences"]) is None
    after = open_index(index, enc)
    assert after.dense(enc.encode(["doc2 council day 7"])[0], "paragraph", 5) == expected
    assert not build_index(index, find_sources([corpus]), enc).changed
