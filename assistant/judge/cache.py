"""The judge's memory: verdicts already given, so the same quote for the same question is judged once.

``VerdictCache`` maps (judge model, prompt message) to P(yes), least recently used out
first, safe to share between the UI's threads. The key is the whole rendered message, so a
changed prompt file or question never reuses an old verdict. Failures are not cached. It
holds probabilities only, no thresholds, and is kept in memory (not on disk).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

DEFAULT_SIZE = 4096


class VerdictCache:
    """A bounded, thread-safe map from (model, message) to P(yes)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(model: str, message: str) -> str:
        return hashlib.sha256(f"{model}\0{message}".encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, model: str, message: str) -> float | None:
        k = self.key(model, message)
        with self._lock:
            value = self._items.get(k)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(k)
            self.hits += 1
            return value

    def put(self, model: str, message: str, probability: float) -> None:
        k = self.key(model, message)
        with self._lock:
            self._items[k] = probability
            self._items.move_to_end(k)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


__all__ = ["DEFAULT_SIZE", "VerdictCache"]
