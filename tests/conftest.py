"""Shared test fixtures: all state in tmp_path, no network beyond loopback, one seed index.

* ``_isolated`` (autouse) points ``FOOTNOTE_HOME`` at the test's ``tmp_path`` and clears
  LLM environment variables, so no test sees a developer's key or index.
* ``_no_network`` (autouse, session) makes any connection to a non-loopback address fail
  the test session.
* ``seed_index`` builds the seed article's index once per session (embedding takes
  seconds); ``seed_bot`` opens an ``Assistant`` on it.
"""

from __future__ import annotations

import ipaddress
import shutil
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "kim-putin-summit.txt"
LLM_VARS = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_API_BASE",
    "FOOTNOTE_LLM_MODEL",
    "FOOTNOTE_BACKEND",
    "FOOTNOTE_CHROMA_URL",
    "FOOTNOTE_JUDGE",
)


def _is_loopback(host: object) -> bool:
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(a[4][0]).is_loopback for a in _real_getaddrinfo(host, None))
        except OSError:
            return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _guarded(real):
    def connect(self, address, *args, **kwargs):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real(self, address, *args, **kwargs)

    return connect


@pytest.fixture(autouse=True, scope="session")
def _no_network():
    socket.socket.connect = _guarded(_real_connect)
    socket.socket.connect_ex = _guarded(_real_connect_ex)
    yield
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("FOOTNOTE_HOME", str(tmp_path / "footnote-home"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for var in LLM_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def encoder():
    from index.embedding import MiniLMEncoder

    return MiniLMEncoder()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, encoder) -> Path:
    """A built index of the seed article (shared, read-only: copy it before writing)."""
    from index.reader import find_sources
    from index.store import build_index

    index_dir = tmp_path_factory.mktemp("seed-index")
    build_index(index_dir, find_sources([SEED]), encoder)
    return index_dir


@pytest.fixture()
def seed_index_copy(seed_index, tmp_path) -> Path:
    dst = tmp_path / "seed-index"
    shutil.copytree(seed_index, dst, symlinks=True)
    return dst


@pytest.fixture(scope="session")
def seed_bot(seed_index, encoder):
    from assistant import Assistant

    return Assistant.open([SEED], seed_index, backend="extractive", encoder=encoder)


@pytest.fixture()
def server():
    """A scripted OpenAI-compatible server on a loopback port (``tests/llm_server.py``)."""
    from tests.llm_server import ScriptedLLM

    with ScriptedLLM() as srv:
        yield srv
