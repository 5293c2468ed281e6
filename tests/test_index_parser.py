"""The article parser: furniture recognised, paragraphs numbered, offsets exact."""

from __future__ import annotations

from index.parser import MAX_PARAGRAPH_CHARS, parse_article
from tests.conftest import SEED


def seed():
    return parse_article(SEED.read_text(encoding="utf-8"), "kim-putin-summit")


def test_seed_metadata_and_boilerplate():
    doc = seed()
    assert (
        doc.title == "Kim Jong Un to Meet Vladimir Putin: North Korea, Russia Forge Stronger Military Bonds"
    )
    assert doc.date == "Thursday, July 25, 2024"
    assert len(doc.dropped) == 1 and doc.dropped[0].startswith("HomeNews")
    assert all("HomeNews" not in p.text for p in doc.paragraphs)


def test_seed_has_nine_numbered_paragraphs_with_sections():
    doc = seed()
    assert [p.number for p in doc.paragraphs] == list(range(1, 10))
    assert doc.paragraphs[0].section is None  # the lede sits under the title
    assert doc.paragraphs[2].section == "Strengthening Military Cooperation"
    assert "Vladivostok" in doc.paragraphs[2].text
    assert doc.paragraphs[8].section == "Clarification from North Korea"


def test_offsets_index_the_source_exactly():
    doc = seed()
    for p in doc.paragraphs:
        assert doc.source[p.start : p.end] == p.text
        assert p.sentences, p
        for s in p.sentences:
            assert doc.source[s.start : s.end] == s.text
            assert p.start <= s.start < s.end <= p.end
            assert s.text == s.text.strip()


def test_sentences_split_on_abbreviations_correctly():
    text = (
        "Title Here\n\nMr. Smith met Dr. Jones in Washington on Jan. 5. They talked for 3.5 hours. Then left."
    )
    doc = parse_article(text, "x")
    assert [s.text for s in doc.paragraphs[0].sentences] == [
        "Mr. Smith met Dr. Jones in Washington on Jan. 5.",
        "They talked for 3.5 hours.",
        "Then left.",
    ]


def test_markdown_headings_and_wrapped_paragraphs():
    text = "# The Title\n\nFirst line of a paragraph\nthat is hard-wrapped.\n\n## Background\n\nSecond one."
    doc = parse_article(text, "md")
    assert doc.title == "The Title"
    assert [p.text for p in doc.paragraphs] == [
        "First line of a paragraph\nthat is hard-wrapped.",
        "Second one.",
    ]
    assert doc.paragraphs[1].section == "Background"


def test_boilerplate_lines_are_dropped():
    text = "A Title\n\nBody paragraph one.\n\nAdvertisement\n\nShare this article\n\nBody paragraph two."
    doc = parse_article(text, "b")
    assert [p.text for p in doc.paragraphs] == ["Body paragraph one.", "Body paragraph two."]
    assert "Advertisement" in doc.dropped


def test_short_last_line_is_a_paragraph_not_a_dangling_heading():
    doc = parse_article("Title\n\nFirst paragraph here.\n\nThanks for reading", "t")
    assert doc.paragraphs[-1].text == "Thanks for reading"


def test_huge_paragraph_is_split_below_the_cap_with_stable_ids():
    sentence = "This sentence is part of a very long paragraph about nothing in particular. "
    text = "Title\n\n" + sentence * (200_000 // len(sentence))
    a = parse_article(text, "long")
    b = parse_article(text, "long")
    assert len(a.paragraphs) > 40
    assert all(len(p.text) <= MAX_PARAGRAPH_CHARS for p in a.paragraphs)
    assert [p.id for p in a.paragraphs] == [p.id for p in b.paragraphs]
    assert len({p.id for p in a.paragraphs}) == len(a.paragraphs)


def test_trailing_spaces_before_a_blank_line_still_separate_paragraphs():
    doc = parse_article("Title\n\nFirst paragraph. \t\n\nSecond paragraph.  \n \nThird.", "t")
    assert [p.text for p in doc.paragraphs] == ["First paragraph.", "Second paragraph.", "Third."]


def test_a_byline_under_the_title_is_a_body_paragraph_not_a_heading():
    from index.parser import parse_article

    doc = parse_article("Harbour festival returns\n\nBy Jane Doe\n\nThe festival returns.\n", "h")
    assert doc.title == "Harbour festival returns"
    assert [p.text for p in doc.paragraphs] == ["By Jane Doe", "The festival returns."]
    assert doc.paragraphs[1].section is None
    # A short heading that is not a byline is still a heading.
    doc = parse_article("Title\n\nBy the sea\n\nThe festival returns.\n", "h")
    assert [p.text for p in doc.paragraphs] == ["The festival returns."]


def test_a_byline_above_the_date_leaves_the_date_in_the_front_matter():
    doc = parse_article(
        "Harbour festival returns\n\nBy Maria Lopez\n\nMarch 3, 2023\n\n"
        "The harbour festival returns this summer after a pause, organisers said.\n\n"
        "Boats from twelve towns will take part.\n",
        "harbour",
    )
    assert doc.title == "Harbour festival returns" and doc.date == "March 3, 2023"
    assert doc.paragraphs[0].text == "By Maria Lopez"
    assert all(p.section is None for p in doc.paragraphs)
