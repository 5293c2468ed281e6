"""A llama.cpp server for a GGUF model, run inside this process (``xllamacpp``), shared and stopped.

``ServerSpec`` says what to run (the model file, threads, context size, a named chat
template, a port); ``check_model`` refuses what cannot work with one line a user can act
on (no such file, not a GGUF, bigger than the free memory, no chat template). ``acquire``
starts the server on a loopback port behind a random API key, waits until ``/health``
answers, and returns it; every later ``acquire`` of the same spec shares it, and
``release`` stops it when its last user is gone. Servers still running at interpreter exit
are stopped then. This module sends no chat request and knows nothing about answers.
"""

from __future__ import annotations

import atexit
import gc
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from index.errors import ConfigurationError

from .gguf import GGUFError, chat_template

INSTALL_HINT = "pip install 'footnote[local]'"
HOST = "127.0.0.1"
ALIAS = "local"  # the name the server answers to (it does not check the request's model)
HEALTH_TIMEOUT = 60.0  # seconds for /health to answer after the model loaded
# Room for a whole long article (about 20,000 characters) beside the prompt and the reply: then
# every question on it shares one prompt prefix, which llama.cpp reads once and caches, where
# retrieved paragraphs differ per question and are read again each time. The KV cache this
# takes is small for the models that run on a CPU (about 230 MB for a 1.5B model at f16).
DEFAULT_CONTEXT = 8192


@dataclass(frozen=True)
class ServerSpec:
    """One server's settings; equal specs share one server."""

    model: str  # absolute path of the .gguf file
    threads: int = 1
    context: int = DEFAULT_CONTEXT  # tokens, prompt + reply, for the one slot
    chat_template: str | None = None  # a llama.cpp template name, when the file has none
    port: int = 0  # 0: any free port

    @property
    def name(self) -> str:
        return Path(self.model).name.removesuffix(".gguf")


def meminfo_available(path: str = "/proc/meminfo") -> int | None:
    """Bytes of memory available for a new process (Linux ``MemAvailable``), or None if unknown."""
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_model(spec: ServerSpec, available: int | None = None) -> None:
    """Raise ``ConfigurationError`` when ``spec.model`` cannot be served; return quietly if it can."""
    path = Path(spec.model)
    if not path.is_file():
        what = (
            "is a folder, not a file"
            if path.is_dir()
            else "is not a regular file"
            if path.exists()
            else "does not exist"
        )
        raise ConfigurationError(f"Model file {path} {what}: pass --model PATH.gguf (or FOOTNOTE_LLM_GGUF).")
    try:
        template = chat_template(path)
    except GGUFError as exc:
        raise ConfigurationError(
            f"Model file {path.name} cannot be used: {exc}; the local backend needs a .gguf model."
        ) from None
    except OSError as exc:
        raise ConfigurationError(f"Cannot read model file {path}: {exc.strerror or exc}.") from None
    if template is None and not spec.chat_template:
        raise ConfigurationError(
            f"Model file {path.name} has no chat template (tokenizer.chat_template): use an instruct/chat "
            "model, or name its template with FOOTNOTE_LLM_CHAT_TEMPLATE (e.g. chatml, llama3, gemma)."
        )
    available = meminfo_available() if available is None else available
    size = path.stat().st_size
    if available is not None and size > available:
        raise ConfigurationError(
            f"Model file {path.name} is {size / 2**30:.1f} GiB but only {available / 2**30:.1f} GiB of memory "
            "is free: use a smaller (or more quantised) model, or free some memory."
        )


class LocalServer:
    """A running llama.cpp server: ``base_url`` (ending in ``/v1``) and ``api_key`` to reach it."""

    def __init__(self, spec: ServerSpec) -> None:
        self.spec = spec
        self.api_key = f"sk-local-{secrets.token_hex(16)}"
        self._server = _start(spec, self.api_key)
        address = str(getattr(self._server, "listening_address", "") or "")
        self.url = address.rstrip("/") or f"http://{HOST}:{spec.port}"
        try:
            _wait_healthy(self.url, HEALTH_TIMEOUT)
        except ConfigurationError:
            self.stop()
            raise

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def running(self) -> bool:
        return self._server is not None

    def stop(self) -> None:
        """Stop serving and free the port (llama.cpp stops the server in its destructor)."""
        if self._server is not None:
            self._server = None
            gc.collect()

    def __repr__(self) -> str:
        return f"LocalServer(model={self.spec.name!r}, url={self.url!r}, running={self.running})"


def _start(spec: ServerSpec, api_key: str):
    try:
        import xllamacpp
    except ImportError:
        raise ConfigurationError(f"The local backend needs xllamacpp: {INSTALL_HINT}.") from None
    p = xllamacpp.CommonParams()
    p.model.path = spec.model
    p.n_ctx = spec.context
    p.cpuparams.n_threads = spec.threads
    p.cpuparams_batch.n_threads = spec.threads
    p.hostnames = [HOST]
    p.port = spec.port
    p.api_keys = [api_key]  # /v1/* refuse requests without it; /health stays open
    p.model_alias = {ALIAS}
    p.offline = True
    p.n_parallel = 1
    p.ui = False
    p.verbosity = 1  # errors only
    if spec.chat_template:
        p.chat_template = spec.chat_template
        p.use_jinja = False
    try:
        return xllamacpp.Server(p)
    except (RuntimeError, ValueError):
        if spec.port and _port_taken(spec.port):
            raise ConfigurationError(
                f"Port {spec.port} on {HOST} is in use: set FOOTNOTE_LLM_PORT to a free port (or 0 for any)."
            ) from None
        raise ConfigurationError(
            f"llama.cpp could not start a server for {Path(spec.model).name}: the model file may be damaged "
            "or of an architecture this xllamacpp does not support."
        ) from None


def _port_taken(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return True
    return False


def _wait_healthy(url: str, timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise ConfigurationError(
                f"The local model server at {url} did not become healthy within {timeout:g} s "
                "(port trouble? set FOOTNOTE_LLM_PORT to a free port)."
            )
        time.sleep(0.05)


# -- one server per spec, shared -------------------------------------------------------
_lock = threading.Lock()  # guards the two tables below; never held while a model loads
_servers: dict[ServerSpec, LocalServer] = {}
_users: dict[ServerSpec, int] = {}
_starting: dict[ServerSpec, threading.Lock] = {}  # one start at a time per spec


def acquire(spec: ServerSpec) -> LocalServer:
    """The running server for ``spec``, started (after ``check_model``) if there is none.

    Loading a model takes seconds: it happens under a lock of its own spec, so users of
    another model (or releasing one) do not wait for it."""
    with _lock:
        starting = _starting.setdefault(spec, threading.Lock())
    with starting:
        with _lock:
            server = _servers.get(spec)
            if server is not None and server.running:
                _users[spec] += 1
                return server
        check_model(spec)
        server = LocalServer(spec)
        with _lock:
            _servers[spec], _users[spec] = server, 1
        return server


def release(server: LocalServer) -> None:
    """One user fewer; the last one out stops the server."""
    with _lock:
        spec = server.spec
        if _servers.get(spec) is not server:
            server.stop()  # already replaced or stopped at exit
            return
        _users[spec] -= 1
        if _users[spec] <= 0:
            del _servers[spec], _users[spec]
            server.stop()


def running() -> list[LocalServer]:
    """The servers this process runs now."""
    with _lock:
        return list(_servers.values())


@atexit.register
def stop_all() -> None:
    with _lock:
        servers = list(_servers.values())
        _servers.clear()
        _users.clear()
    for server in servers:
        server.stop()


def default_threads() -> int:
    """Half the logical CPUs (about the physical cores), 1 to 8.

    llama.cpp's threads wait for each other at every layer: with as many threads as cores on
    a busy machine (the encoder, the UI, other programs) generation measured 20 times slower
    than with one thread fewer.
    """
    return max(1, min((os.cpu_count() or 2) // 2, 8))
