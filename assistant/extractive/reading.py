"""The sentence reader: does this sentence answer the question, and with which words.

A MiniLM fine-tuned for extractive question answering (``training/reading_fit.py``: the
article embedder, all-MiniLM-L6-v2, with a SQuAD 2.0-style start/end head whose "no answer"
is the [CLS] token), trained on SQuAD and XQuAD articles the evaluations never ask about, and
shipped as an int8 ONNX file in ``reading/`` with its provenance. ``SentenceReader.read``
reads the question against each given sentence (one batch, onnxruntime, no PyTorch) and
returns for each a ``Reading``: the margin of the best span over "no answer" (above 0: the
model finds an answer in the sentence) and that span's text and character offsets.

Hand-written decoding (best start/end pair within ``MAX_SPAN`` tokens of the sentence) because
the libraries that do it (transformers' pipelines) need PyTorch. This module does not choose
sentences or decide to abstain: the reader (``reader``) does, with thresholds fitted on whole
questions (``training/reading_gate.py``).
"""

from __future__ import annotations

import os

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # before onnxruntime is imported

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from index.embedding import tokenizer_file
from index.errors import ConfigurationError

FOLDER = Path(__file__).with_name("reading")
# FOOTNOTE_READING_MODEL: another fitted copy (training/reading_fit.py --out), for measuring.
MODEL_FILE = Path(os.environ.get("FOOTNOTE_READING_MODEL") or FOLDER / "model.onnx")
GATE_FILE = MODEL_FILE.with_name("gate.json")
MAX_LEN = 160  # question + sentence tokens, as in training
MAX_SPAN = 30  # tokens


@dataclass(frozen=True)
class Reading:
    margin: float  # best span score minus the no-answer score: > 0 means an answer was found
    span: str  # the best span's text ("" if the sentence was empty)
    start: int  # its character offsets in the sentence
    end: int
    sentence: str  # the sentence read


class SentenceReader:
    """Reads one question against several sentences at once."""

    def __init__(self, path: Path = MODEL_FILE) -> None:
        self.path = path
        self._lock = threading.Lock()

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(tokenizer_file()))
        tok.no_padding()
        tok.enable_truncation(max_length=MAX_LEN, strategy="only_second")
        return tok

    @cached_property
    def _session(self):
        import onnxruntime as ort

        if not self.path.exists():
            raise ConfigurationError(f"The reading model {self.path} is missing; reinstall footnote.")
        opts = ort.SessionOptions()
        # Two threads where there are two cores: a sentence reads in 3.0 ms instead of 4.8 on
        # this project's 2-core machine; more threads than that only add overhead at this size.
        opts.intra_op_num_threads = min(2, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        return ort.InferenceSession(str(self.path), sess_options=opts, providers=["CPUExecutionProvider"])

    def load(self) -> None:
        with self._lock:
            self._tokenizer  # noqa: B018 (cached_property: evaluated for its side effect)
            self._session  # noqa: B018

    def preload(self) -> None:
        """Load on a background thread (returns at once); ``read`` waits for it. A cold
        ``footnote ask`` loads the model while the index opens. Not a daemon thread: a process
        that exits (a bad source, say) while onnxruntime is still creating the session would
        otherwise abort at interpreter shutdown; this way exit waits the fraction of a second."""
        if self.path.exists():
            threading.Thread(target=self.load, name="reading-load").start()

    def read(self, question: str, sentences: Sequence[str]) -> list[Reading]:
        if not sentences:
            return []
        self.load()
        encs = self._tokenizer.encode_batch([(question, s) for s in sentences])
        n = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), n), dtype=np.int64)
        types = np.zeros_like(ids)
        mask = np.zeros_like(ids)
        for i, e in enumerate(encs):
            k = len(e.ids)
            ids[i, :k], types[i, :k], mask[i, :k] = e.ids, e.type_ids, 1
        start, end = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        )
        return [
            _decode(s[: len(e.ids)], z[: len(e.ids)], e, text)
            for s, z, e, text in zip(start, end, encs, sentences, strict=True)
        ]


def best_span(start: np.ndarray, end: np.ndarray, enc) -> tuple[float, int, int]:
    """(margin of the best span of the sentence over "no answer", its first and last token) from
    one pair's start/end logits and its ``tokenizers`` encoding; margin -inf if the sentence has
    no tokens."""
    ctx = np.array([sid == 1 for sid in enc.sequence_ids]) & np.array([a < b for a, b in enc.offsets])
    if not ctx.any():
        return float("-inf"), 0, 0
    s = np.where(ctx, start, -np.inf)
    e = np.where(ctx, end, -np.inf)
    best, bi, bj = -np.inf, 0, 0
    for i in np.argsort(-s)[:20]:
        if not ctx[i]:
            break
        j = i + int(np.argmax(e[i : i + MAX_SPAN]))
        if s[i] + e[j] > best:
            best, bi, bj = float(s[i] + e[j]), int(i), int(j)
    return best - float(start[0] + end[0]), bi, bj


def _decode(start: np.ndarray, end: np.ndarray, enc, sentence: str) -> Reading:
    margin, i, j = best_span(start, end, enc)
    if margin == float("-inf"):
        return Reading(margin, "", 0, 0, sentence)
    a, b = enc.offsets[i][0], enc.offsets[j][1]
    return Reading(margin, sentence[a:b], a, b, sentence)


@lru_cache(maxsize=1)
def default_reader() -> SentenceReader:
    """The shipped model, loaded once per process (sessions are thread-safe)."""
    return SentenceReader()


def gate() -> dict | None:
    """The fitted decision rule (``training/reading_gate.py``), or None before one is fitted."""
    if not GATE_FILE.exists():
        return None
    return json.loads(GATE_FILE.read_text(encoding="utf-8"))


def provenance() -> dict:
    return json.loads((FOLDER / "provenance.json").read_text(encoding="utf-8"))
