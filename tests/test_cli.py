"""The footnote CLI as a user runs it: real subprocesses, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEED


def run(*args, env_home, timeout=120):
    env = {**os.environ, "FOOTNOTE_HOME": str(env_home)}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("cli-home")
    r = run("ingest", str(SEED), env_home=home)
    assert r.returncode == 0, r.stderr
    assert "9 paragraph" in r.stdout and "added" in r.stdout
    return home


def test_ask_json(home):
    r = run("ask", "Who is Russia's Defence Minister?", "--source", str(SEED), "--json", env_home=home)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["abstained"] is False
    assert data["citations"][0]["paragraph"] == 4
    assert data["citations"][0]["quote"] in data["citations"][0]["paragraph_text"]


def test_ask_plain_text_shows_quote(home):
    r = run("ask", "What did Shoigu propose in Pyongyang?", "--source", str(SEED), env_home=home)
    assert r.returncode == 0
    assert "[¶6]" in r.stdout and "“" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", ""], "empty"),
        (["ask", "x" * 1001], "too long"),
        (["ask", "hi", "--source", "/no/such/file.txt"], "not found"),
        (["ingest", "/no/such/dir"], "not found"),
    ],
)
def test_user_errors_are_one_line_without_traceback(home, args, message):
    r = run(*args, env_home=home)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_empty_and_binary_files(home, tmp_path):
    empty = tmp_path / "e.txt"
    empty.write_text("")
    binary = tmp_path / "b.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    for f in (empty, binary):
        r = run("ask", "hi", "--source", str(f), env_home=home)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr


def test_chat_session(home):
    env = {**os.environ, "FOOTNOTE_HOME": str(home)}
    r = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "chat", "--source", str(SEED)],
        input="Who is Russia's Defence Minister?\n\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "Shoigu" in r.stdout and "[¶4]" in r.stdout


def test_a_reader_that_leaves_early_gets_no_traceback(home):
    """`footnote ask … | head -1`: the pipe closes before the quotes are printed."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as in a shell
    env["FOOTNOTE_HOME"] = str(home)
    cmd = [sys.executable, "-m", "assistant.cli", "ask", "What did Shoigu propose in Pyongyang?"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    proc.stdout.close()  # nobody reads: the first write hits a closed pipe
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err
