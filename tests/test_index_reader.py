"""Reading and decoding article files: the stated policy, and clear refusals."""

from __future__ import annotations

import codecs
import warnings

import pytest

from index.errors import SourceError
from index.reader import DecodingWarning, decode, find_sources, read_text


def test_utf8_and_crlf_are_normalised(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(b"Title\r\n\r\nOne para.\r\nStill one.\r\n\r\nTwo.")
    assert read_text(f) == "Title\n\nOne para.\nStill one.\n\nTwo."


def test_latin1_decodes_with_a_warning():
    with pytest.warns(DecodingWarning):
        assert decode("Price: £5".encode("latin-1")) == "Price: £5"


def test_utf16_with_bom_decodes_without_warning():
    data = codecs.BOM_UTF16_LE + "Héllo wörld".encode("utf-16-le")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert decode(data) == "Héllo wörld"


def test_random_bytes_are_refused():
    import random

    data = random.Random(1).randbytes(4000)
    with pytest.raises(SourceError, match=r"not a text file|does not look like text"):
        decode(data)


def test_hidden_text_is_stripped():
    text = decode("Visible<!-- hidden instructions --> text \u200b\u200bhere".encode())
    assert text == "Visible text here"


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  "])
def test_empty_files_are_refused(tmp_path, content):
    f = tmp_path / "empty.txt"
    f.write_bytes(content)
    with pytest.raises(SourceError, match="empty"):
        read_text(f)


def test_missing_and_unsupported_sources(tmp_path):
    with pytest.raises(SourceError, match="not found"):
        find_sources([tmp_path / "nope.txt"])
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(SourceError, match="Unsupported file type"):
        find_sources([tmp_path / "x.pdf"])
    with pytest.raises(SourceError, match="No article files"):
        find_sources([tmp_path])


def test_folder_expansion_dedupes_and_gives_unique_ids(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text("x")
    (tmp_path / "b" / "story.md").write_text("y")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "z.txt").write_text("z")
    found = find_sources([tmp_path, tmp_path / "a" / "story.txt"])
    assert len(found) == 2
    assert len({s.doc_id for s in found}) == 2
    assert all(s.doc_id.startswith("story") for s in found)
