"""``footnote ui``: argument errors are one line; a real start serves the page on loopback only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from assistant.ui import main
from tests.conftest import ROOT
from tests.test_ui_support import free_port

LAUNCHER = "import sys; from assistant.ui import main; sys.exit(main(sys.argv[1:]))"


@pytest.mark.parametrize(
    "argv,message,code",
    [
        (["--port", "0"], "--port must be between", 2),
        (["--source", "/no/such/article.txt"], "Source not found", 2),
        (["--concurrency", "0"], "at least 1", 2),
    ],
)
def test_bad_arguments_end_with_one_line_and_an_exit_code(capsys, argv, message, code):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_port_in_use_is_reported_clearly(capsys, monkeypatch, seed_bot):
    import socket

    import assistant.ui.app as ui

    monkeypatch.setattr(ui.Assistant, "open", classmethod(lambda cls, *a, **k: seed_bot))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in err and "--port" in err and "Traceback" not in err


@pytest.mark.slow
def test_footnote_ui_starts_on_loopback_and_serves_the_page(tmp_path):
    port = free_port()
    env = {**os.environ, "FOOTNOTE_HOME": str(tmp_path / "home"), "GRADIO_ANALYTICS_ENABLED": "True"}
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, "--port", str(port), "--backend", "extractive"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        page = ""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    page = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert page.lower().startswith("<!doctype html>"), (
            proc.stdout.read() if proc.poll() is not None else ""
        )
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=5) as r:
            config = r.read().decode()
        compact = config.replace(" ", "")
        assert '"title":"footnote"' in compact
        assert '"analytics_enabled":false' in compact  # even when the environment says True
        # Bound to loopback only: no listener on the machine's other addresses.
        listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
        lines = [ln for ln in listening.splitlines() if f":{port} " in ln]
        if lines:  # `ss` exists
            assert all("127.0.0.1:" in ln for ln in lines), lines
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    out = proc.stdout.read()
    assert f"http://127.0.0.1:{port}" in out and "offline extractive" in out
