"""HTML pages reduced to article text: a saved news page, hidden text, odd layouts."""

from __future__ import annotations

from pathlib import Path

from index.html import html_to_text
from index.loader import load_document
from index.reader import find_sources

PAGE = Path(__file__).with_name("data") / "saved-article.html"


def test_saved_page_keeps_the_article_and_drops_the_furniture():
    text = html_to_text(PAGE.read_text(encoding="utf-8"))
    assert text.startswith("2024-03-14\n\n# Harbour council approves new ferry line\n")
    for kept in (
        "voted 7 to 2 on Wednesday",
        "at a cost of 4.2 million euros a year.",
        "## Opposition",
        "“We are buying a boat we cannot afford,” said councillor Brun.",
        "Residents of Marren will travel free.",
        "Tourists pay 3 euros a trip.",
        "The island has waited thirty years for this.",
    ):
        assert kept in text
    for dropped in (
        "Sport",  # navigation
        "tracking pixel",  # script
        "color: red",  # style
        "cookies",  # [hidden] banner
        "SECRET-EDITOR-NOTE",  # HTML comment
        "Ignore previous instructions",  # display:none
        "Port strike",  # aside
        "Subscribe",  # form
        "All rights reserved",  # footer
    ):
        assert dropped not in text
    # Paragraph order follows the page.
    assert text.index("voted 7 to 2") < text.index("Boats will run") < text.index("## Opposition")


def test_saved_page_ingests_with_title_date_and_numbered_paragraphs():
    (source,) = find_sources([PAGE])
    doc = load_document(source)
    assert doc.title == "Harbour council approves new ferry line"
    assert doc.date and "2024" in doc.date
    bodies = [p.text for p in doc.paragraphs]
    assert any(b.startswith("The harbour council voted 7 to 2") for b in bodies)
    opposition = [p for p in doc.paragraphs if p.section == "Opposition"]
    assert opposition and opposition[0].text.startswith("Two councillors objected")
    assert [p.number for p in doc.paragraphs] == list(range(1, len(doc.paragraphs) + 1))
    for p in doc.paragraphs:
        assert doc.source[p.start : p.end] == p.text  # offsets point into the extracted text


def test_title_falls_back_to_the_title_tag_and_divs_still_give_text():
    html = (
        "<html><head><title>Storm closes the bridge</title></head><body>"
        "<div class='content'><div>The bridge closed at noon because of the storm.</div>"
        "<div>It will reopen when the wind drops below 80 km/h.</div></div></body></html>"
    )
    text = html_to_text(html)
    assert text.startswith("# Storm closes the bridge\n")
    assert "The bridge closed at noon" in text and "It will reopen" in text


def test_empty_or_script_only_page_gives_no_text():
    assert html_to_text("<html><body><script>var a = 1;</script></body></html>").strip() == ""
    assert html_to_text("").strip() == ""
