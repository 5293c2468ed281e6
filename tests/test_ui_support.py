"""Helpers for the UI tests: launch a UI on a free loopback port, fake backends, an index factory.

(Named ``test_ui_*`` to sit with the UI tests; it defines no tests itself.)
"""

from __future__ import annotations

import hashlib
import socket
import time
from pathlib import Path

from assistant import Assistant
from assistant.citations import cite
from assistant.schema import Answer, Passage


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app) -> str:
    """Launch ``app`` (built by ``assistant.ui.build_app``) in the background; return its URL."""
    from assistant.ui import launch

    port = free_port()
    launch(app, port=port, block=False, quiet=True)
    return f"http://127.0.0.1:{port}/"


def index_factory(root: Path, encoder, default_sources: list[Path], backend="extractive"):
    """An assistant factory that keeps every index under ``root`` (not FOOTNOTE_HOME)."""

    def factory(sources, progress=None):
        files = list(sources) or default_sources
        key = hashlib.sha1("\n".join(map(str, files)).encode()).hexdigest()[:10]
        return Assistant.open(
            files, root / "indexes" / key, backend=backend, encoder=encoder, progress=progress
        )

    return factory


class EchoBackend:
    """Cites the first sentence of the best passage and repeats the question (fake, fast)."""

    def __init__(self, text: str = "", delay: float = 0.0, name: str = "echo", notice: str | None = None):
        self.text = text
        self.delay = delay
        self.name = name
        self.notice = notice

    def answer(self, question: str, passages: list[Passage]) -> Answer:
        if self.delay:
            time.sleep(self.delay)
        p = passages[0]
        c = cite(p, p.paragraph.sentences[0])
        return Answer(
            question=question,
            text=f"{self.text}You asked: {question} [¶{c.paragraph}]",
            citations=[c],
            abstained=False,
            backend=self.name,
            passages=passages,
            notice=self.notice,
        )


def post_upload(url: str, name: str, data: bytes, timeout: float = 30):
    """POST raw bytes to Gradio's upload route as a multipart form; return (status, body)."""
    import http.client
    from urllib.parse import urlparse

    u = urlparse(url)
    boundary = "footnoteboundary"
    payload = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        conn.request(
            "POST",
            "/gradio_api/upload",
            body=payload,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()
