"""Connections to Chroma: an embedded store on disk, or a server given by ``FOOTNOTE_CHROMA_URL``.

``FOOTNOTE_CHROMA_URL=http://host:port`` (optional ``FOOTNOTE_CHROMA_TOKEN``, sent as a
bearer token for a proxy or server that checks it) selects ``chromadb.HttpClient``;
otherwise each build is a ``PersistentClient`` directory. Collections are always created
and opened with ``embedding_function=None``: footnote sends its own vectors, so Chroma
never builds (or downloads) an embedding model. Records are read and written in pages no
larger than the client's batch limit. ``health_check`` opens a store in a child process,
because a damaged HNSW file can crash the process that reads it.

This module does not decide what is stored (see ``ingest``) or how it is ranked.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .errors import ConfigurationError, IndexStoreError

ENV_URL = "FOOTNOTE_CHROMA_URL"
ENV_TOKEN = "FOOTNOTE_CHROMA_TOKEN"
PAGE = 5000  # records per get/add call (Chroma's batch limit is larger)


def server_url() -> str | None:
    url = (os.environ.get(ENV_URL) or "").strip()
    return url or None


def _settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=False)


def persistent_client(path: Path):
    import chromadb

    return chromadb.PersistentClient(path=str(path), settings=_settings())


def http_client(url: str, token: str | None = None):
    """A client of the Chroma server at ``url``; fail fast with a clear message if unreachable."""
    import chromadb

    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigurationError(f"{ENV_URL} must look like http://host:port, not {url!r}.")
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
    except ValueError as exc:
        raise ConfigurationError(f"{ENV_URL} has an invalid port: {url!r}.") from exc
    headers = {"Authorization": f"Bearer {token}", "X-Chroma-Token": token} if token else None
    try:
        client = chromadb.HttpClient(
            host=parsed.hostname,
            port=port,
            ssl=parsed.scheme == "https",
            headers=headers,
            settings=_settings(),
        )
        client.heartbeat()
    except Exception as exc:  # connection refused, TLS, auth: all mean "cannot use it"
        raise IndexStoreError(
            f"Cannot reach the Chroma server at {parsed.scheme}://{parsed.hostname}:{port} "
            f"({type(exc).__name__}); start it or fix {ENV_URL}."
        ) from exc
    return client


def create_collection(client: Any, name: str):
    # embedding_function=None: Chroma must never build (and download) its default one.
    return client.get_or_create_collection(
        name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
    )


def get_collection(client: Any, name: str):
    return client.get_collection(name, embedding_function=None)


def _batch_limit(collection: Any) -> int:
    """PAGE, or less if this client or server accepts smaller batches."""
    try:
        return max(1, min(PAGE, int(collection._client.get_max_batch_size())))
    except Exception:  # an older client without the call: PAGE is below every known limit
        return PAGE


def add_records(collection: Any, ids, embeddings, documents, metadatas) -> None:
    step = _batch_limit(collection)
    for i in range(0, len(ids), step):
        collection.add(
            ids=list(ids[i : i + step]),
            embeddings=embeddings[i : i + step],
            documents=list(documents[i : i + step]),
            metadatas=list(metadatas[i : i + step]),
        )


def iter_records(
    collection: Any, include: list[str], where: dict[str, Any] | None = None
) -> Iterator[dict[str, Any]]:
    """Every record (matching ``where``) in pages: dicts of parallel lists as ``get`` returns."""
    offset = 0
    while True:
        page = collection.get(where=where, include=include, limit=PAGE, offset=offset)
        if not page["ids"]:
            return
        yield page
        if len(page["ids"]) < PAGE:
            return
        offset += PAGE


def delete_documents(collection: Any, doc_ids: list[str]) -> None:
    for i in range(0, len(doc_ids), 500):
        collection.delete(where={"doc": {"$in": doc_ids[i : i + 500]}})


_CHECK = """
import sys, numpy as np, chromadb
from chromadb.config import Settings
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
for name in sys.argv[2:]:
    c = client.get_collection(name, embedding_function=None)
    n = c.count()
    got = c.get(limit=1, include=["embeddings"])
    if n and got["embeddings"] is not None and len(got["embeddings"]):
        c.query(query_embeddings=[np.asarray(got["embeddings"][0])], n_results=min(n, 3), include=[])
print("ok")
"""


def health_check(chroma_dir: Path, collections: list[str], timeout: float = 120) -> str | None:
    """None if the store at ``chroma_dir`` opens and answers a query, else what went wrong."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHECK, str(chroma_dir), *collections],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
    except subprocess.TimeoutExpired:
        return "opening it timed out"
    if done.returncode == 0 and done.stdout.strip().endswith("ok"):
        return None
    if done.returncode < 0:
        return f"reading it crashed the process (signal {-done.returncode})"
    last = (done.stderr.strip().splitlines() or ["unknown error"])[-1]
    return last[:200]


def fingerprint(chroma_dir: Path) -> str:
    """Names and sizes of the store's files: cheap evidence that none was truncated or lost.

    Not modification times: Chroma rewrites its small HNSW files each time it loads them,
    so those change on every open without anything being wrong.
    """
    parts = []
    for p in sorted(chroma_dir.rglob("*")):
        if p.is_file():
            parts.append(f"{p.relative_to(chroma_dir)}:{p.stat().st_size}")
    return "\n".join(parts)
