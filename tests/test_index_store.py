"""Opening an index: stable order, lookups, dense search, damage and model checks."""

from __future__ import annotations

import numpy as np
import pytest

from index.errors import IndexStoreError
from index.reader import find_sources
from index.store import build_index, is_current, open_index
from tests.conftest import SEED
from tests.index_fakes import HashEncoder, paragraphs, write_article


@pytest.fixture()
def small_index(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    write_article(folder / "b-doc.md", "B", paragraphs("bee", 12))
    write_article(folder / "a-doc.md", "A", paragraphs("ay", 3))
    index = tmp_path / "index"
    build_index(index, find_sources([folder]), HashEncoder())
    return index


def test_no_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexStoreError, match=r"No index .* run `footnote ingest`"):
        open_index(tmp_path / "nothing", HashEncoder())


def test_paragraph_order_and_lookups(small_index):
    enc = HashEncoder()
    store = open_index(small_index, enc)
    ids = [p.id for p in store.paragraphs]
    assert ids == [f"a-doc#p{i}" for i in range(1, 4)] + [f"b-doc#p{i}" for i in range(1, 13)]
    assert store.position("b-doc#p10") == 12
    assert store.paragraph("b-doc", 10).text == paragraphs("bee", 12)[9]
    assert store.paragraph("b-doc", 13) is None
    assert store.documents["b-doc"].paragraphs == 12 and store.documents["a-doc"].title == "A"
    p = store.paragraph("a-doc", 2)
    assert [s.text for s in p.sentences] == [p.text[s.start - p.start : s.end - p.start] for s in p.sentences]
    vecs = store.sentence_vectors([p])
    assert vecs[p.id].shape == (2, enc.dimension)
    assert np.allclose(vecs[p.id][0], enc.encode([p.sentences[0].text])[0], atol=1e-5)
    assert store.dense(enc.encode([p.text])[0], "paragraph", 100)[0][0] == p.id
    assert len(store.dense(enc.encode(["x"])[0], "paragraph", 100)) == 15  # k capped at the count


@pytest.mark.parametrize("damage", ["sqlite", "hnsw"])
def test_damaged_store_is_detected_in_a_child_process(small_index, damage):
    enc = HashEncoder()
    if damage == "hnsw":  # Chroma persists an HNSW index once a collection passes ~1000 records
        for i in range(4):
            write_article(small_index.parent / "news" / f"c{i}.md", "C", paragraphs(f"cee{i}", 300))
        build_index(small_index, find_sources([small_index.parent / "news"]), enc, full=True)
        assert list((open_index(small_index, enc).build_dir / "chroma").rglob("index_metadata.pickle"))
    build = open_index(small_index, enc).build_dir
    chroma = build / "chroma"
    if damage == "sqlite":
        db = chroma / "chroma.sqlite3"
        db.write_bytes(db.read_bytes()[: db.stat().st_size // 3])
    else:
        for header in chroma.rglob("header.bin"):
            header.write_bytes(b"\xff" * 7)
        for data in chroma.rglob("data_level0.bin"):
            data.write_bytes(data.read_bytes()[:1000])
    with pytest.raises(IndexStoreError, match=r"damaged.*--rebuild"):
        open_index(small_index, enc)
    assert not is_current(small_index, find_sources([small_index.parent / "news"]), enc)
    # The next ingest notices and rebuilds from the sources instead of copying the damage.
    summary = build_index(small_index, find_sources([small_index.parent / "news"]), enc)
    assert summary.rebuilt and "damaged" in summary.reason
    assert len(open_index(small_index, enc).paragraphs) == summary.paragraphs >= 15


def test_old_format_says_reingest(small_index):
    import json

    enc = HashEncoder()
    manifest = open_index(small_index, enc).build_dir / "manifest.json"
    data = json.loads(manifest.read_text())
    data["format"] = 1
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexStoreError, match=r"another version of footnote.*Re-ingest required"):
        open_index(small_index, enc)


def test_seed_index_with_the_real_model(seed_index, encoder):
    store = open_index(seed_index, encoder)
    assert store.documents["kim-putin-summit"].paragraphs == len(store.paragraphs) > 5
    q = encoder.encode(["Where is the summit between Kim and Putin expected to take place?"])[0]
    top = store.dense(q, "sentence", 3)
    assert "Vladivostok" in " ".join(
        s.text
        for i, _ in top
        for s in [
            store.paragraph("kim-putin-summit", int(i.split("#p")[1].split("#")[0])).sentences[
                int(i.rsplit("#s", 1)[1])
            ]
        ]
    )
    got = store.vectors([store.paragraphs[0].id, f"{store.paragraphs[0].id}#s0"])
    assert np.stack(list(got.values())).shape == (2, encoder.dimension)


def test_seed_unchanged_reingest_is_a_no_op(seed_index_copy, encoder):
    summary = build_index(seed_index_copy, find_sources([SEED]), encoder)
    assert not summary.changed and summary.embedded == 0


def test_cached_side_index_lives_in_the_build(small_index, tmp_path):
    enc = HashEncoder()
    store = open_index(small_index, enc)
    calls = []

    def side_index(s):
        def build():
            calls.append(1)
            return {"terms": [p.text.split() for p in s.paragraphs]}

        return s.cached("bm25", build)

    first = side_index(store)
    again = open_index(small_index, enc)
    assert side_index(again) == first and len(calls) == 1
    (store.build_dir / "cache-bm25.pickle").write_bytes(b"not a pickle")
    assert side_index(open_index(small_index, enc)) == first and len(calls) == 2
    # A new build (the sources changed) starts without the old cache.
    write_article(small_index.parent / "news" / "c-doc.md", "C", paragraphs("cee", 2))
    build_index(small_index, find_sources([small_index.parent / "news"]), enc)
    newer = side_index(open_index(small_index, enc))
    assert len(newer["terms"]) == len(first["terms"]) + 2 and len(calls) == 3
