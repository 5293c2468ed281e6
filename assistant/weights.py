"""Learned parameters read from the JSON files that ``training/fit.py`` writes.

``read(path)`` reads a weights file; ``linear(section, features, path)`` takes one model's
weights from it and checks that the feature names in the file are the ones the code computes,
in the same order, so a file fitted for another
feature set fails loudly instead of scoring silently wrong. The files also carry their
provenance (data, split, date, commit, metrics); this module only reads them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, x))))


@dataclass(frozen=True)
class Linear:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float = 0.0

    def probability(self, x: Sequence[float]) -> float:
        """The logistic model's probability for the feature values ``x`` (in ``features`` order)."""
        return sigmoid(self.bias + sum(w * v for w, v in zip(self.weights, x, strict=True)))


def read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def linear(section: dict[str, Any], features: tuple[str, ...], where: Path) -> Linear:
    """The weights of ``section``, checked against the ``features`` the code computes."""
    names = tuple(section["features"])
    weights = tuple(float(w) for w in section["weights"])
    if names != tuple(features) or len(weights) != len(names):
        raise RuntimeError(
            f"{where}: fitted for features {list(names)}, but the code computes {list(features)}; "
            "refit with training/fit.py --write."
        )
    return Linear(names, weights, float(section.get("bias", 0.0)))
