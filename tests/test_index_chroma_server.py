"""Server mode against a real ``chroma run`` on loopback: ingest, ask, restart, ask again."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from index.errors import IndexStoreError
from index.reader import find_sources
from index.store import build_index, is_current, open_index
from tests.conftest import SEED
from tests.index_fakes import HashEncoder, paragraphs, write_article

CHROMA = Path(sys.executable).with_name("chroma")
pytestmark = pytest.mark.skipif(not CHROMA.exists(), reason="the chroma CLI is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    """``chroma run`` bound to 127.0.0.1 only, on a free port, with its data in ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.path.parent / "chroma.log", "ab")  # noqa: SIM115 (closed with the process)
        self.proc = subprocess.Popen(
            [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(self.port), "--path", str(self.path)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError((self.path.parent / "chroma.log").read_text()[-2000:]) from None
                time.sleep(0.2)
        raise RuntimeError("chroma run did not start within 60 s")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


@pytest.fixture()
def chroma_server(tmp_path, monkeypatch):
    server = ChromaServer(tmp_path / "chroma-data")
    server.start()
    monkeypatch.setenv("FOOTNOTE_CHROMA_URL", server.url)
    yield server
    server.stop()


def _cited(answer) -> list[tuple[int, str]]:
    return [(c.paragraph, c.quote) for c in answer.citations]


def test_ingest_ask_restart_ask(chroma_server, tmp_path, encoder, monkeypatch):
    from assistant import Assistant

    question = "Where is the summit between Kim and Putin expected to take place?"
    with monkeypatch.context() as local:  # the same question on an embedded index, for comparison
        local.delenv("FOOTNOTE_CHROMA_URL")
        expected = Assistant.open([SEED], tmp_path / "local", backend="extractive", encoder=encoder).ask(
            question
        )

    index_dir = tmp_path / "index"
    bot = Assistant.open([SEED], index_dir, backend="extractive", encoder=encoder)
    first = bot.ask(question)
    assert not first.abstained and first.citations
    assert first.text == expected.text and _cited(first) == _cited(expected)  # same behaviour as embedded
    # Nothing but the lock lives on local disk: the data and the manifest are on the server.
    assert not (index_dir / "builds").exists() and not (index_dir / "CURRENT").exists()
    assert bot.store.build_dir is None and bot.store.last_ingest["added_documents"] == ["kim-putin-summit"]

    chroma_server.stop()
    with pytest.raises(IndexStoreError, match="Cannot reach the Chroma server"):
        open_index(index_dir, encoder)
    chroma_server.start()

    assert is_current(index_dir, find_sources([SEED]), encoder)
    again = Assistant.open([SEED], index_dir, backend="extractive", encoder=encoder)
    second = again.ask(question)
    assert second.text == first.text
    assert [(c.paragraph, c.quote) for c in second.citations] == [
        (c.paragraph, c.quote) for c in first.citations
    ]


def test_incremental_updates_on_the_server(chroma_server, tmp_path):
    import chromadb

    folder = tmp_path / "news"
    folder.mkdir()
    write_article(folder / "alpha.md", "Alpha", paragraphs("alpha", 3))
    write_article(folder / "beta.md", "Beta", paragraphs("beta", 2))
    index_dir = tmp_path / "index"
    enc = HashEncoder()
    build_index(index_dir, find_sources([folder]), enc)
    enc.calls.clear()

    edited = paragraphs("alpha", 3)
    edited[2] = "The alpha council closed the harbour. Ships waited outside."
    write_article(folder / "alpha.md", "Alpha", edited)
    (folder / "beta.md").unlink()
    summary = build_index(index_dir, find_sources([folder]), enc)
    assert summary.changed_documents == ["alpha"] and summary.removed_documents == ["beta"]
    assert enc.embedded == 2 and summary.reused == 6  # the edited paragraph's two sentences

    store = open_index(index_dir, enc)
    assert [p.text for p in store.paragraphs] == edited
    assert store.dense(enc.encode([edited[2]])[0], "paragraph", 1)[0][0] == "alpha#p3"
    # Old generations are cleaned up: the manifest record plus at most two builds remain.
    names = sorted(c.name for c in chromadb.HttpClient(port=chroma_server.port).list_collections())
    assert len(names) <= 5 and any(n.endswith(".meta") for n in names)
    assert not build_index(index_dir, find_sources([folder]), enc).changed


def test_unreachable_server_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("FOOTNOTE_CHROMA_URL", f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(IndexStoreError, match="Cannot reach the Chroma server"):
        build_index(tmp_path / "index", find_sources([SEED]), HashEncoder())
    monkeypatch.setenv("FOOTNOTE_CHROMA_URL", "not a url")
    from index.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="http://host:port"):
        open_index(tmp_path / "index", HashEncoder())


def _listening_addresses(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of sockets listening on ``port``."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.append(addr)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net/tcp")
def test_server_binds_loopback_only(chroma_server):
    addresses = _listening_addresses(chroma_server.port)
    assert addresses, "the test server is not listening"
    loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1
    assert set(addresses) <= loopback
