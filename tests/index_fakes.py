"""A fast stand-in for ``MiniLMEncoder`` in index tests (the encoder seam is ours).

``HashEncoder`` embeds a text as its hashed bag of lower-cased words, L2-normalised:
deterministic, meaningful enough for nearest-neighbour checks, and it counts the texts
it was asked to embed so tests can prove what was (not) re-embedded.
"""

from __future__ import annotations

import hashlib
import re
import time

import numpy as np


class HashEncoder:
    def __init__(self, name: str = "hash-bow-test", dimension: int = 384, delay: float = 0.0) -> None:
        self.name = name
        self.dimension = dimension
        self.delay = delay  # seconds per batch of 64, to make a run slow enough to interrupt
        self.calls: list[int] = []

    @property
    def embedded(self) -> int:
        return sum(self.calls)

    def encode(self, texts, progress=None) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w+", t.lower()):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dimension] += 1.0
            out[i, 0] += 1e-3
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        for b in range(0, len(texts), 64):
            if self.delay:
                time.sleep(self.delay)
            if progress is not None:
                progress(min(64, len(texts) - b))
        return out


def write_article(path, title: str, paragraphs: list[str]) -> None:
    path.write_text(f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def paragraphs(tag: str, n: int) -> list[str]:
    """``n`` distinct paragraphs of two sentences each, mentioning ``tag``."""
    return [
        f"The {tag} council met on day {i} to discuss the harbour budget. "
        f"Officials from {tag} said item {i} would be decided next week."
        for i in range(1, n + 1)
    ]
