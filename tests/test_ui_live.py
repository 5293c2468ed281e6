"""A real ``footnote ui --source FOLDER --watch`` process: questions are answered while an upload
is being indexed, and an article dropped into the folder is answered without a restart."""

from __future__ import annotations

import sys
import threading
import time

import pytest
from gradio_client import Client, handle_file

from tests.index_fakes import paragraphs, write_article
from tests.live_children import Child
from tests.test_ui_support import free_port

pytestmark = pytest.mark.slow


def _connect(url: str, timeout: float = 60.0) -> Client:
    """A client once the server listens (it prints its address just before it starts serving)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return Client(url, verbose=False)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_ui_answers_during_an_upload_and_serves_the_folder_as_it_changes(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    write_article(folder / "harbour.md", "Harbour council", paragraphs("harbour", 5))
    port = free_port()
    ui = Child(
        [sys.executable, "-m", "assistant.cli", "ui", "--source", str(folder), "--watch", "--port", str(port)]
    )
    try:
        ui.wait_for(lambda line: line.startswith("footnote UI:"), timeout=180)
        client = _connect(f"http://127.0.0.1:{port}/")
        big = tmp_path / "upload.md"  # about 1,600 sentences to embed
        write_article(big, "A long report", paragraphs("tideland", 800))
        uploaded: dict[str, float] = {}

        def upload() -> None:
            uploaded["start"] = time.monotonic()
            Client(f"http://127.0.0.1:{port}/", verbose=False).predict(
                handle_file(str(big)), api_name="/add_article"
            )
            uploaded["end"] = time.monotonic()

        thread = threading.Thread(target=upload)
        thread.start()
        answered = []
        while thread.is_alive():
            result = client.predict("What did the harbour council discuss?", "", None, api_name="/ask")
            assert not result["abstained"] and result["citations"]
            answered.append(time.monotonic())
        thread.join()
        during = [t for t in answered if uploaded["start"] < t < uploaded["end"]]
        assert len(during) >= 2, (answered, uploaded)

        # The watched folder changes: the UI answers from the new version without a restart.
        write_article(folder / "budget.md", "Budget vote", paragraphs("quarry", 4))
        ui.wait_for(lambda line: "updated: 1 added" in line and "2 articles" in line, timeout=60)
        result = client.predict("What did the quarry council discuss?", "", None, api_name="/ask")
        assert any(c["document"] == "budget" for c in result["citations"]), result
    finally:
        ui.stop()
    print(f"\n{len(during)} questions answered during a {uploaded['end'] - uploaded['start']:.1f} s upload")


