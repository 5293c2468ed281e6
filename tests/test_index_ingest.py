"""Incremental ingest: add, edit, delete, model change, derived paragraph vectors, partial
failures, disk full, lock."""

from __future__ import annotations

import errno
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index.errors import IndexStoreError, SourceError
from index.reader import find_sources
from index.store import build_index, is_current, open_index
from tests.index_fakes import HashEncoder, paragraphs, write_article


@pytest.fixture()
def corpus(tmp_path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    write_article(folder / "alpha.md", "Alpha harbour", paragraphs("alpha", 4))
    write_article(folder / "beta.md", "Beta harbour", paragraphs("beta", 3))
    write_article(folder / "gamma.txt", "Gamma harbour", paragraphs("gamma", 2))
    return folder


def texts(store) -> dict[str, str]:
    return {p.id: p.text for p in store.paragraphs}


def test_first_build_then_unchanged_rerun_embeds_nothing(corpus, tmp_path):
    enc = HashEncoder()
    index = tmp_path / "index"
    first = build_index(index, find_sources([corpus]), enc)
    assert first.rebuilt and first.added_documents == ["alpha", "beta", "gamma"]
    assert first.paragraphs == 9 and first.paragraphs_added == 9
    assert first.embedded == 18  # the two sentences of every paragraph; paragraphs are derived
    before = enc.embedded
    again = build_index(index, find_sources([corpus]), enc)
    assert not again.changed and not again.rebuilt
    assert enc.embedded == before
    assert "up to date" in again.lines()[0]
    assert is_current(index, find_sources([corpus]), enc)


def test_edit_add_delete_are_incremental(corpus, tmp_path):
    enc = HashEncoder()
    index = tmp_path / "index"
    build_index(index, find_sources([corpus]), enc)
    old_build = open_index(index, enc).build_dir

    alpha = paragraphs("alpha", 4)
    alpha[1] = "The alpha council rejected the lighthouse plan. Nobody voted for it."
    write_article(corpus / "alpha.md", "Alpha harbour", alpha)
    (corpus / "beta.md").unlink()
    write_article(corpus / "delta.md", "Delta harbour", paragraphs("delta", 2))
    enc.calls.clear()

    summary = build_index(index, find_sources([corpus]), enc)
    assert summary.changed_documents == ["alpha"]
    assert summary.removed_documents == ["beta"]
    assert summary.added_documents == ["delta"]
    assert summary.unchanged_documents == 1
    assert (summary.paragraphs_edited, summary.paragraphs_unchanged) == (1, 3 + 2)
    assert summary.paragraphs_removed == 3 and summary.paragraphs_added == 2
    # Only the edited paragraph's 2 sentences and the new file's 4 were embedded.
    assert enc.embedded == summary.embedded == 2 + 4
    assert summary.reused == 3 * 3  # alpha's unchanged paragraphs and sentences

    store = open_index(index, enc)
    assert store.build_dir != old_build
    got = texts(store)
    assert got["alpha#p2"] == alpha[1]
    assert not any(k.startswith("beta#") for k in got)
    assert {"delta#p1", "delta#p2", "gamma#p1", "alpha#p4"} <= set(got)
    assert [p.id for p in store.paragraphs] == sorted(
        got, key=lambda k: (k.split("#")[0], int(k[k.index("#p") + 2 :]))
    )
    assert set(store.documents) == {"alpha", "delta", "gamma"}
    # The vector store agrees with the catalog: no record of beta, the edit is searchable.
    hits = store.dense(enc.encode([alpha[1]])[0], "paragraph", 3)
    assert hits[0][0] == "alpha#p2" and hits[0][1] > 0.9
    assert hits[0][1] - hits[1][1] > 0.3
    assert all(
        not h[0].startswith("beta#")
        for h in store.dense(enc.encode([paragraphs("beta", 1)[0]])[0], "sentence", 50)
    )
    assert store.last_ingest["changed_documents"] == ["alpha"]


def test_inserted_paragraph_reuses_vectors_of_shifted_ones(corpus, tmp_path):
    enc = HashEncoder()
    index = tmp_path / "index"
    build_index(index, find_sources([corpus]), enc)
    enc.calls.clear()
    write_article(
        corpus / "alpha.md",
        "Alpha harbour",
        ["A new first paragraph about tides. It is short.", *paragraphs("alpha", 4)],
    )
    summary = build_index(index, find_sources([corpus]), enc)
    assert enc.embedded == 2  # the new paragraph's two sentences; ¶2..¶5 moved but kept vectors
    assert summary.paragraphs_unchanged == 4 + 3 + 2
    assert open_index(index, enc).paragraph("alpha", 5).text == paragraphs("alpha", 4)[3]


def test_other_model_forces_clean_rebuild_and_open_says_reingest(corpus, tmp_path):
    index = tmp_path / "index"
    build_index(index, find_sources([corpus]), HashEncoder())
    other = HashEncoder(name="another-model", dimension=16)
    with pytest.raises(IndexStoreError, match="Re-ingest required"):
        open_index(index, other)
    assert not is_current(index, find_sources([corpus]), other)
    summary = build_index(index, find_sources([corpus]), other)
    assert summary.rebuilt and "another embedding model" in summary.reason
    assert other.embedded == 18
    store = open_index(index, other)
    assert len(store.dense(other.encode(["alpha council"])[0], "paragraph", 2)) == 2


def test_full_rebuild_on_request(corpus, tmp_path):
    enc = HashEncoder()
    index = tmp_path / "index"
    build_index(index, find_sources([corpus]), enc)
    summary = build_index(index, find_sources([corpus]), enc, full=True)
    assert summary.rebuilt and summary.reason and summary.embedded == 18


SECTIONED = (
    "# Harbour\n\n## Budget talks\n\nThe council met on Monday. It agreed on nothing at all.\n\n"
    "Officials said more would follow. The mayor left early.\n\n"
    "## Weather\n\nStorms closed the port. Ships waited.\n"
)


def _weighted_mean(enc, texts: list[str]):
    vecs = enc.encode(texts)
    mean = np.asarray([len(t) for t in texts], dtype=np.float32) @ vecs
    return mean / np.linalg.norm(mean)


def test_paragraph_vector_is_the_mean_of_its_heading_and_sentences(tmp_path):
    (tmp_path / "harbour.md").write_text(SECTIONED, encoding="utf-8")
    enc = HashEncoder()
    index = tmp_path / "index"
    summary = build_index(index, find_sources([tmp_path / "harbour.md"]), enc)
    # Six sentences and two headings, each embedded once though "Budget talks" heads two paragraphs.
    assert summary.embedded == enc.embedded == 6 + 2
    store = open_index(index, enc)
    ids = [p.id for p in store.paragraphs]
    ids += [f"{p.id}#s{i}" for p in store.paragraphs for i in range(len(p.sentences))]
    stored = store.vectors(ids)
    for p in store.paragraphs:
        parts = [p.section, *(s.text for s in p.sentences)]
        assert np.allclose(stored[p.id], _weighted_mean(enc, parts), atol=1e-5), p.id
        assert np.linalg.norm(stored[p.id]) == pytest.approx(1.0, abs=1e-5)
        for i, s in enumerate(p.sentences):
            assert np.allclose(stored[f"{p.id}#s{i}"], enc.encode([s.text])[0], atol=1e-6)
    assert [p.section for p in store.paragraphs] == ["Budget talks", "Budget talks", "Weather"]
    # Sentence records hold a vector, their document and hash: text and offsets are the paragraph's.
    got = store.build.sentences.get(include=["documents", "metadatas"])
    assert set(got["documents"]) == {None} and all(set(m) == {"doc", "hash"} for m in got["metadatas"])


def test_editing_one_sentence_re_embeds_only_that_sentence(tmp_path):
    src = tmp_path / "harbour.md"
    src.write_text(SECTIONED, encoding="utf-8")
    enc = HashEncoder()
    index = tmp_path / "index"
    build_index(index, find_sources([src]), enc)
    enc.calls.clear()
    src.write_text(SECTIONED.replace("The mayor left early.", "The mayor stayed late."), encoding="utf-8")
    summary = build_index(index, find_sources([src]), enc)
    assert summary.paragraphs_edited == 1 and summary.paragraphs_unchanged == 2
    # The new sentence, and the edited paragraph's heading (headings are not stored).
    assert enc.embedded == summary.embedded == 2
    assert summary.reused == 2 + 4 + 1  # two paragraphs, their four sentences, the kept sentence
    store = open_index(index, enc)
    p2 = store.paragraph(store.paragraphs[0].document, 2)
    got = store.vectors([p2.id])[p2.id]
    want = _weighted_mean(
        enc, ["Budget talks", "Officials said more would follow.", "The mayor stayed late."]
    )
    assert np.allclose(got, want, atol=1e-5)


def test_index_with_paragraphs_embedded_whole_is_rebuilt_with_a_reason(corpus, tmp_path):
    import json

    enc = HashEncoder()
    index = tmp_path / "index"
    build_index(index, find_sources([corpus]), enc)
    manifest = open_index(index, enc).build_dir / "manifest.json"
    data = json.loads(manifest.read_text())
    del data["vectors"]  # as written before paragraph vectors were derived from sentences
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexStoreError, match=r"paragraph vectors were made another way.*Re-ingest required"):
        open_index(index, enc)
    assert not is_current(index, find_sources([corpus]), enc)
    enc.calls.clear()
    summary = build_index(index, find_sources([corpus]), enc)
    assert summary.rebuilt and summary.reused == 0 and enc.embedded == 18
    assert summary.lines()[0] == (
        "Rebuilding the index from scratch: its paragraph vectors were made another way "
        "(each paragraph embedded whole; this footnote uses paragraph=mean(heading+sentences, by length))."
    )
    assert len(open_index(index, enc).paragraphs) == 9


def test_a_bad_file_is_skipped_and_retried_next_time(corpus, tmp_path):
    enc = HashEncoder()
    index = tmp_path / "index"
    (corpus / "empty.md").write_text("   \n", encoding="utf-8")
    summary = build_index(index, find_sources([corpus]), enc)
    assert [p for p, _ in summary.skipped] == [str(corpus / "empty.md")]
    assert "empty" in summary.lines()[-1]
    assert set(open_index(index, enc).documents) == {"alpha", "beta", "gamma"}
    write_article(corpus / "empty.md", "Now filled", paragraphs("filled", 1))
    again = build_index(index, find_sources([corpus]), enc)
    assert again.added_documents == ["empty"]


def test_only_bad_files_is_a_clear_error(tmp_path):
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    with pytest.raises(SourceError, match="empty"):
        build_index(tmp_path / "index", find_sources([tmp_path / "empty.md"]), HashEncoder())
    assert not (tmp_path / "index" / "CURRENT").exists()


def test_disk_full_keeps_the_previous_index(corpus, tmp_path, monkeypatch):
    from index import chroma_client

    enc = HashEncoder()
    index = tmp_path / "index"
    build_index(index, find_sources([corpus]), enc)
    before = texts(open_index(index, enc))
    builds_before = sorted(p.name for p in (index / "builds").iterdir())

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(chroma_client, "add_records", full_disk)
    write_article(corpus / "alpha.md", "Alpha harbour", ["Completely new text. Nothing else."])
    with pytest.raises(IndexStoreError, match=r"disk is full.*previous index is unchanged"):
        build_index(index, find_sources([corpus]), enc)
    monkeypatch.undo()
    assert texts(open_index(index, enc)) == before
    assert sorted(p.name for p in (index / "builds").iterdir()) == builds_before
    assert build_index(index, find_sources([corpus]), enc).changed_documents == ["alpha"]


HOLD_LOCK = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1]); lock.acquire()
print("locked", flush=True); time.sleep(60)
"""


def test_second_writer_gets_a_clear_message_not_a_hang(corpus, tmp_path):
    index = tmp_path / "index"
    index.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(index / ".lock")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(IndexStoreError, match="Another footnote process is writing"):
            build_index(index, find_sources([corpus]), HashEncoder())
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()
    assert build_index(index, find_sources([corpus]), HashEncoder()).documents == 3


def test_progress_reports_each_stage_to_completion(corpus, tmp_path):
    seen: dict[str, list[tuple[int, int]]] = {}
    build_index(
        tmp_path / "index",
        find_sources([corpus]),
        HashEncoder(),
        lambda s, d, t: seen.setdefault(s, []).append((d, t)),
    )
    assert {"parse", "embed", "store"} <= set(seen)
    for stage, ticks in seen.items():
        done = [d for d, _ in ticks]
        assert done == sorted(done), stage
        assert ticks[-1][0] == ticks[-1][1], stage  # ends at its total
    assert seen["parse"][-1] == (3, 3) and seen["store"][-1] == (27, 27)


def test_deleting_a_file_from_a_folder_updates_the_same_index(corpus):
    from assistant import Assistant

    enc = HashEncoder()
    first = Assistant.open([corpus], backend="extractive", encoder=enc)
    (corpus / "beta.md").unlink()
    enc.calls.clear()
    second = Assistant.open([corpus], backend="extractive", encoder=enc)
    assert second.index_dir == first.index_dir  # keyed by the folder, not by its files
    assert set(second.documents) == {"alpha", "gamma"}
    assert second.store.last_ingest["removed_documents"] == ["beta"]
    assert enc.embedded == 0  # nothing re-embedded: beta's records were just dropped
