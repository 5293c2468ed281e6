"""Citation labels for people: titles, not document ids, in the CLI and the UI's chips."""

from __future__ import annotations

import re

from assistant.cli import _print_answer
from assistant.labels import readable, short_title
from assistant.schema import Answer, Citation
from assistant.ui.render import answer_html

TITLE = "Kim Jong Un and Vladimir Putin meet in Vladivostok for their first summit"


def _answer() -> Answer:
    first, second = "They met in Vladivostok.", "Putin praised the talks."
    return Answer(
        "Where?",
        "They met in Vladivostok [075-c9e55e ¶3]. Putin praised the talks [b2 ¶1].",
        [
            Citation("075-c9e55e", 3, first, first, 10, 10 + len(first), title=TITLE),
            Citation("b2", 1, second, second, 0, len(second), title="Talks"),
        ],
        abstained=False,
        backend="extractive",
    )


def test_short_title_cuts_at_a_word_with_an_ellipsis():
    assert short_title("Kenya") == "Kenya"
    cut = short_title(TITLE)
    assert cut == "Kim Jong Un and Vladimir Putin…" and len(cut) <= 32
    assert short_title("A" * 50).endswith("…") and len(short_title("A" * 50)) == 32


def test_readable_text_names_titles_and_the_answer_keeps_ids():
    answer = _answer()
    assert readable(answer) == (
        "They met in Vladivostok [Kim Jong Un and Vladimir Putin… ¶3]. Putin praised the talks [Talks ¶1]."
    )
    assert "[075-c9e55e ¶3]" in answer.text and answer.to_dict()["citations"][0]["document"] == "075-c9e55e"


def test_cli_prints_titles_not_file_stems(capsys):
    _print_answer(_answer(), as_json=False)
    out = capsys.readouterr().out
    assert "075-c9e55e" not in out
    assert "  Kim Jong Un and Vladimir Putin… ¶3: “They met in Vladivostok.”" in out.splitlines()


def test_cli_json_keeps_the_document_id(capsys):
    _print_answer(_answer(), as_json=True)
    assert '"document": "075-c9e55e"' in capsys.readouterr().out


def test_chips_show_titles_and_still_point_at_the_paragraph_by_id():
    html = answer_html(_answer())
    chips = re.findall(r'<a class="fn-chip" href="([^"]+)"[^>]*>([^<]*)</a>', html)
    assert [label for _, label in chips] == ["Kim Jong Un and Vladimir Putin… ¶3", "Talks ¶1"]
    assert chips[0][0].startswith("#fn-p-075-c9e55e-3~")


def test_one_article_answers_keep_bare_paragraph_labels(capsys):
    quote = "They met in Vladivostok."
    answer = Answer(
        "Where?",
        f"{quote[:-1]} [¶3].",
        [Citation("doc", 3, quote, quote, 0, len(quote), title=TITLE)],
        abstained=False,
        backend="extractive",
    )
    assert re.search(r'class="fn-chip"[^>]*>¶3</a>', answer_html(answer))
    _print_answer(answer, as_json=False)
    assert "  ¶3: “They met in Vladivostok.”" in capsys.readouterr().out.splitlines()
