"""The UI's article library: checks before writing, content-addressed uploads, kept across restarts."""

from __future__ import annotations

import pytest

from assistant.ui.library import MAX_UPLOAD_BYTES, Library, check_article
from index.errors import InputError, SourceError
from tests.conftest import SEED
from tests.test_ui_support import index_factory

ARTICLE = (
    b"# Tram line opens\n\n"
    b"The new tram line opened on Friday after four years of works.\n\n"
    b"It links the station to the university in twelve minutes.\n"
)


@pytest.fixture()
def library(seed_bot, encoder, tmp_path):
    return Library(seed_bot, index_factory(tmp_path, encoder, [SEED]), tmp_path / "uploads")


def test_check_article_reads_title_and_paragraphs_and_reports_decoding():
    checked = check_article(ARTICLE, "tram.md")
    assert (checked.title, checked.paragraphs, checked.warnings) == ("Tram line opens", 2, ())
    latin = check_article(
        "Caf\u00e9 prices\n\nA coffee costs \u00a33 in the caf\u00e9.\n".encode("cp1252"), "c.txt"
    )
    assert latin.warnings and "Windows-1252" in latin.warnings[0]
    html = check_article(
        b"<html><body><h1>Page title</h1><nav>menu</nav><p>First body paragraph here.</p></body></html>",
        "page.html",
    )
    assert html.title == "Page title" and html.paragraphs == 1


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"", "a.txt", "empty"),
        (b"x" * (MAX_UPLOAD_BYTES + 1), "a.txt", "too large"),
        (b"\x00\x01\x02binary", "a.txt", "not a text file"),
        (ARTICLE, "a.docx", "unsupported file type"),
        (ARTICLE, "noext", "unsupported file type"),
    ],
)
def test_check_article_refuses_bad_files(data, name, message):
    with pytest.raises(SourceError, match=message):
        check_article(data, name)


def test_added_articles_survive_a_restart_and_are_not_duplicated(library, seed_bot, encoder, tmp_path):
    entry, _ = library.add(ARTICLE, "tram.md")
    assert entry.title == "Tram line opens"
    assert library.add(ARTICLE, "another-name.md")[0].key == entry.key
    answer = library.get(entry.key).ask("How long is the tram ride to the university?")
    assert answer.citations and {c.document for c in answer.citations} == {"tram"}  # one copy only

    reopened = Library(seed_bot, index_factory(tmp_path, encoder, [SEED]), tmp_path / "uploads")
    assert reopened.choices() == library.choices()
    again = reopened.get(entry.key).ask("How long is the tram ride to the university?")
    assert again.text == answer.text


def test_a_failed_add_leaves_nothing_behind(library, tmp_path):
    def broken(sources, progress=None):
        raise OSError("disk full")

    library.factory = broken
    before = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    with pytest.raises(OSError):
        library.add(ARTICLE, "tram.md")
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == before
    assert not any((tmp_path / "uploads").glob("*"))
    assert [key for _, key in library.choices()] == ["default"]


def test_unknown_keys_are_refused_with_a_clear_message(library):
    assert library.check_key("") == "default"
    with pytest.raises(InputError, match="Unknown article"):
        library.check_key("nope")
