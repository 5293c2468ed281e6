"""Readers answer from the last complete version while another process writes the index.

Real processes and real files (``tests/live_children.py``): a reader asks in a loop while a
writer ingests 2,000 paragraphs, or is killed with SIGKILL while embedding, storing or
swapping. In-process: leases keep a version in use, ``refresh`` moves, a reader with no
version yet waits for the writer, a second writer is refused.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from index import versions
from index.errors import WriterBusy
from index.reader import find_sources
from index.store import build_index, open_index
from tests.index_fakes import HashEncoder, paragraphs, write_article
from tests.live_children import Child


def _corpus(tmp_path: Path, old: int = 4, new_docs: int = 0, per_doc: int = 50) -> Path:
    corpus = tmp_path / "news"
    corpus.mkdir(exist_ok=True)
    for i in range(old):
        write_article(corpus / f"old-{i}.md", f"Old {i}", paragraphs(f"old{i}", 5))
    for i in range(new_docs):
        write_article(corpus / f"new-{i:02d}.md", f"New {i}", paragraphs(f"new{i}", per_doc))
    return corpus


@pytest.mark.slow
def test_reader_answers_every_question_while_2000_paragraphs_are_ingested(tmp_path):
    corpus = _corpus(tmp_path)
    index = tmp_path / "index"
    build_index(index, find_sources([corpus]), HashEncoder())
    _corpus(tmp_path, old=0, new_docs=40, per_doc=50)  # 2,000 paragraphs more
    stop = tmp_path / "stop"
    writer = Child.of("writer", str(index), str(corpus), "--delay", "0.1")
    reader = None
    try:
        writer.wait_for(lambda line: line.startswith("embed"))
        reader = Child.of("reader", str(index), str(corpus), "--stop", str(stop), "--fresh")
        reader.wait_for(lambda line: '"notice"' in line and "being updated" in line)
        writer.wait_for(lambda line: line.startswith("finished"))
        assert versions.writer_active(index) is False
        # Both the long-lived reader (next question) and a fresh one answer from the new version.
        for kind in ("live", "fresh"):
            reader.wait_for(lambda line, k=kind: f'"kind": "{k}"' in line and '"documents": 44' in line)
        stop.touch()
        reader.proc.wait(30)
    finally:
        writer.stop()
        if reader is not None:
            reader.stop()
    records = reader.records()
    errors = [r for r in records if "error" in r]
    answers = [r for r in records if "kind" in r]
    assert not errors, errors[:3]
    during = [r for r in answers if r["notice"]]
    assert during and all(r["documents"] == 4 for r in during)
    assert all("answering from the version of" in r["notice"] and "with 4 articles" in r["notice"] for r in during)
    # Every answer came from a complete version: the first (4 articles) or the new one (44).
    assert {(r["documents"], r["paragraphs"]) for r in answers} == {(4, 20), (44, 2020)}
    assert all(r["cited"] > 0 for r in answers)
    print(f"\n{len(during)} questions answered during the ingest, {len(answers)} in all, none refused")


@pytest.mark.slow
def test_writer_killed_while_embedding_storing_and_swapping(tmp_path):
    corpus = _corpus(tmp_path)
    index = tmp_path / "index"
    enc = HashEncoder()
    build_index(index, find_sources([corpus]), enc)
    stop = tmp_path / "stop"
    reader = Child.of("reader", str(index), str(corpus), "--stop", str(stop))
    try:
        reader.wait_for(lambda line: '"kind": "live"' in line)
        _corpus(tmp_path, old=0, new_docs=10, per_doc=20)
        for stage, extra in (("embed", ()), ("store", ()), ("swap", ("--pause-at-swap",))):
            writer = Child.of("writer", str(index), str(corpus), "--delay", "0.05", *extra)
            try:
                writer.wait_for(lambda line, s=stage: line.startswith(s))
                os.kill(writer.proc.pid, signal.SIGKILL)
                writer.proc.wait()
            finally:
                writer.stop()
            assert not any(line.startswith("finished") for line in writer.lines)
            # The previous version is intact and the reader keeps answering from it.
            assert len(open_index(index, enc).paragraphs) == 20
            answered = len(reader.records())
            reader.wait_for(lambda line: '"kind": "live"' in line, timeout=30)
            deadline = time.monotonic() + 30
            while len(reader.records()) < answered + 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(reader.records()) >= answered + 2
        # The next ingest completes; the reader moves to it at its next question.
        summary = build_index(index, find_sources([corpus]), enc)
        assert len(summary.added_documents) == 10 and summary.paragraphs == 220
        reader.wait_for(lambda line: '"documents": 14' in line, timeout=30)
        stop.touch()
        reader.proc.wait(30)
    finally:
        reader.stop()
    records = reader.records()
    assert not [r for r in records if "error" in r]
    assert {r["paragraphs"] for r in records if "kind" in r} == {20, 220}
    # Half-written builds of the killed writers are gone; at most the current, the previous
    # and one a reader still held when the ingest finished are left.
    assert len(list((index / "builds").iterdir())) <= 3


def test_a_version_in_use_is_never_deleted(tmp_path):
    corpus = _corpus(tmp_path, old=1)
    index = tmp_path / "index"
    enc = HashEncoder()
    build_index(index, find_sources([corpus]), enc)
    held = open_index(index, enc)
    question = enc.encode(["old0 council harbour"])[0]
    expected = held.dense(question, "paragraph", 3)
    for i in range(3):  # three newer versions: without the lease the first would be deleted
        write_article(corpus / f"more-{i}.md", f"More {i}", paragraphs(f"more{i}", 3))
        build_index(index, find_sources([corpus]), enc)
    assert held.build_dir.is_dir() and versions.in_use(held.build_dir)
    assert held.dense(question, "paragraph", 3) == expected
    held.close()
    write_article(corpus / "last.md", "Last", paragraphs("last", 3))
    build_index(index, find_sources([corpus]), enc)
    assert not held.build_dir.exists()
    assert len(list((index / "builds").iterdir())) == 2


def test_assistant_moves_to_a_new_version_at_its_next_question_or_on_refresh(tmp_path):
    from assistant import Assistant

    corpus = _corpus(tmp_path, old=1)
    index = tmp_path / "index"
    enc = HashEncoder()
    bot = Assistant.open([corpus], index, backend="extractive", encoder=enc)
    first = bot.store.version
    assert not bot.refresh()
    write_article(corpus / "more.md", "More", paragraphs("tidewater", 3))
    build_index(index, find_sources([corpus]), enc)
    answer = bot.ask("What did the tidewater council discuss?")
    assert bot.store.version != first and len(bot.documents) == 2
    assert any(c.document == "more" for c in answer.citations)
    assert bot.backend.multi_document
    write_article(corpus / "again.md", "Again", paragraphs("again", 3))
    build_index(index, find_sources([corpus]), enc)
    assert bot.refresh() and len(bot.documents) == 3
    bot.close()


def test_with_no_version_yet_a_reader_waits_for_the_writer_and_a_second_writer_is_refused(tmp_path):
    from assistant import Assistant

    corpus = _corpus(tmp_path, old=0, new_docs=4, per_doc=20)
    index = tmp_path / "index"
    files = find_sources([corpus])
    # The writer embeds nothing until the reader says it is waiting: the order is certain
    # however slow the machine (a timed writer finished first on a busy one).
    release = threading.Event()

    class Gated(HashEncoder):
        def encode(self, texts, progress=None):
            release.wait(60)
            return super().encode(texts, progress)

    writer = threading.Thread(target=build_index, args=(index, files, Gated()))
    writer.start()
    deadline = time.monotonic() + 10
    while not versions.writer_active(index) and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(WriterBusy, match="Another footnote process is writing"):
        Assistant.open([corpus], index, backend="extractive", encoder=HashEncoder(), when_writing="fail")
    seen: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        seen.append(stage)
        if stage.startswith("waiting for another footnote process"):
            release.set()

    try:
        bot = Assistant.open([corpus], index, backend="extractive", encoder=HashEncoder(), progress=progress)
    finally:
        release.set()
    writer.join()
    assert any(s.startswith("waiting for another footnote process") for s in seen)
    assert bot.ingest_summary is None and len(bot.documents) == 4
    assert bot.ask("What did the new1 council discuss?").notice is None  # no writer now
