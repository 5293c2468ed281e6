"""The UI's named API endpoints through ``gradio_client``, against a server on a free port.

Ask (with citations, follow-ups), add an article by upload or paste and ask about it, and
bad uploads that must be refused clearly without changing anything.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gradio_client import Client, handle_file

from assistant.ui import build_app
from tests.conftest import SEED
from tests.test_ui_support import index_factory, post_upload, serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ui(seed_bot, encoder, tmp_path_factory):
    root = tmp_path_factory.mktemp("ui-api")
    app = build_app(seed_bot, factory=index_factory(root, encoder, [SEED]), uploads_dir=root / "uploads")
    url = serve(app)
    yield {"url": url, "app": app, "root": root}
    app.close()


@pytest.fixture(scope="module")
def client(ui):
    return Client(ui["url"], verbose=False)


def state(root: Path) -> set[str]:
    """Every file under the UI's private directories (to prove a failure changed nothing)."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_api_lists_the_named_endpoints(client):
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {"/ask", "/articles", "/article", "/add_article", "/add_text"} <= names


def test_ask_returns_an_answer_with_verified_citations(client):
    article = client.predict("", api_name="/article")
    texts = {(p["document"], p["number"]): p["text"] for p in article["paragraphs"]}
    result = client.predict("What did Sergei Shoigu propose in Pyongyang?", "", None, api_name="/ask")
    assert not result["abstained"] and result["citations"]
    for c in result["citations"]:
        assert texts[(c["document"], c["paragraph"])] == c["paragraph_text"]
        assert c["quote"] in c["paragraph_text"]
        assert "path" not in c and c["file"] == SEED.name  # no server paths leak
        assert f"¶{c['paragraph']}" in result["text"]
    assert any("naval drill" in c["paragraph_text"] for c in result["citations"])
    assert result["backend"] == "extractive"


def test_follow_up_uses_the_conversation(client, seed_bot):
    first_q = "What did Sergei Shoigu propose in Pyongyang?"
    first = client.predict(first_q, "", None, api_name="/ask")
    history = [[first_q, first["text"]]]
    follow = client.predict("Where did he go?", "", history, api_name="/ask")
    alone = client.predict("Where did he go?", "", None, api_name="/ask")
    # The API passes the conversation through: same answers as the library given the same turns...
    assert follow["text"] == seed_bot.ask("Where did he go?", [(first_q, first["text"])]).text
    assert alone["text"] == seed_bot.ask("Where did he go?").text
    # ...and the conversation matters: "he" is Shoigu, who went to Pyongyang.
    assert not follow["abstained"] and follow["text"] != alone["text"]
    assert any("Pyongyang" in c["paragraph_text"] for c in follow["citations"])


@pytest.mark.parametrize(
    "question,message",
    [("   ", "empty"), ("x" * 5000, "too long")],
)
def test_bad_questions_get_a_clear_message(client, question, message):
    with pytest.raises(Exception, match=message):
        client.predict(question, "", None, api_name="/ask")


def test_upload_an_article_then_ask_about_it(client, tmp_path):
    article = tmp_path / "moon-base.md"
    article.write_text(
        "# Moon base plans\n\n"
        "NASA announced on Monday that a crewed base will be built near the lunar south pole by 2035.\n\n"
        "## Life support\n\n"
        "The base will house four astronauts and melt polar ice for drinking water.\n",
        encoding="utf-8",
    )
    _choice, _msg, info = client.predict(handle_file(str(article)), api_name="/add_article")
    assert info["title"] == "Moon base plans" and info["paragraphs"] == 2
    keys = [a["key"] for a in client.predict(api_name="/articles")]
    assert keys[0] == "default" and info["key"] in keys

    result = client.predict("How many astronauts will live in the base?", info["key"], None, api_name="/ask")
    assert result["article"] == info["key"] and not result["abstained"]
    assert [(c["document"], c["paragraph"]) for c in result["citations"]] == [("moon-base", 2)]
    assert "four astronauts" in result["citations"][0]["quote"]
    # The seed article is still the default and still answers about itself.
    seed = client.predict("Where will Kim meet Putin?", "", None, api_name="/ask")
    assert {c["document"] for c in seed["citations"]} == {"kim-putin-summit"}

    again = client.predict(handle_file(str(article)), api_name="/add_article")[2]
    assert again["key"] == info["key"]  # the same text is not added twice
    assert [a["key"] for a in client.predict(api_name="/articles")] == keys


def test_pasted_text_becomes_a_selectable_article(client):
    info = client.predict(
        "Blue whales are the largest animals ever known to have lived.\n\n"
        "Their songs can travel hundreds of kilometres under water.",
        "Whale facts",
        api_name="/add_text",
    )
    assert info["title"] == "Whale facts" and info["paragraphs"] == 2
    result = client.predict("How far can whale songs travel?", info["key"], None, api_name="/ask")
    assert "hundreds of kilometres" in " ".join(c["quote"] for c in result["citations"])


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\n\t \n", "empty"),
        ("random.txt", bytes(range(256)) * 40, "not a text file|does not look like text"),
        ("headings.md", b"# Only a title\n", "no body paragraphs"),
        ("report.pdf", b"%PDF-1.7 not an article", "Invalid file type|unsupported file type"),
    ],
)
def test_bad_uploads_are_refused_clearly_and_change_nothing(ui, client, tmp_path, name, data, message):
    before_articles = client.predict(api_name="/articles")
    before_files = state(ui["root"])
    bad = tmp_path / name
    bad.write_bytes(data)
    with pytest.raises(Exception, match=message) as err:
        client.predict(handle_file(str(bad)), api_name="/add_article")
    assert "Traceback" not in str(err.value) and str(tmp_path) not in str(err.value)
    assert client.predict(api_name="/articles") == before_articles
    assert state(ui["root"]) == before_files


def test_pasting_nothing_is_refused(client):
    with pytest.raises(Exception, match="empty"):
        client.predict("   ", "A title", api_name="/add_text")


def test_too_large_uploads_are_refused_by_the_server(ui, client):
    """The server enforces the size limit itself (a client need not check it)."""
    before = client.predict(api_name="/articles")
    status, body = post_upload(ui["url"], "big.txt", b"a" * 2_100_000)
    text = body.decode("utf-8", "replace")
    assert status == 413, (status, text[:200])
    assert client.predict(api_name="/articles") == before


def test_an_unknown_article_key_is_a_clear_error(client):
    with pytest.raises(Exception, match="Unknown article"):
        client.predict("Where will Kim meet Putin?", "no-such-key", None, api_name="/ask")


class BrokenBackend:
    name = "broken"

    def answer(self, question, passages):
        raise RuntimeError("internal detail /srv/secret/key.txt")


def test_unexpected_failures_reach_users_without_internals(seed_index, encoder, tmp_path, caplog):
    from assistant import Assistant

    bot = Assistant.open([SEED], seed_index, backend=BrokenBackend(), encoder=encoder)
    app = build_app(bot, factory=index_factory(tmp_path, encoder, [SEED]), uploads_dir=tmp_path / "up")
    url = serve(app)
    try:
        with pytest.raises(Exception) as err:
            Client(url, verbose=False).predict("Where will Kim meet Putin?", "", None, api_name="/ask")
    finally:
        app.close()
    assert "Something went wrong" in str(err.value)
    assert "secret" not in str(err.value) and "RuntimeError" not in str(err.value)
    assert "internal detail" in caplog.text  # the details are in the server log
