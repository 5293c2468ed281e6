"""Eval cases as data: ``Case``, ``CaseGroup``, ``Suite`` and ``SuiteError``, shared by the loaders.

``suite`` reads YAML suites and ``squad`` builds suites from SQuAD-format data; both make
these. This module reads no file except to resolve a path a suite names, and runs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.errors import InputError

EVALS_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = EVALS_DIR.parent

# A supporting paragraph: its number, a phrase it contains, or (document id, number).
ParagraphRef = int | str | tuple[str, int]


class SuiteError(InputError):
    """A suite file is missing, malformed or refers to something that does not exist."""


@dataclass(frozen=True)
class Case:
    """One scripted question with what a right answer must contain and cite."""

    id: str
    question: str
    category: str = "general"
    answerable: bool = True
    history: tuple[tuple[str, str], ...] = ()
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    gold_answers: tuple[str, ...] = ()  # SQuAD answer spans
    paragraphs: tuple[ParagraphRef, ...] = ()
    # An overview ("summarize it") must cite at least this many distinct paragraphs.
    min_cited: int = 0

    def expected(self) -> str:
        """A one-line description of what the case expects (for reports)."""
        if not self.answerable:
            return "abstain (the article does not say)"
        parts = []
        if self.all_of:
            parts.append("all of: " + "; ".join(self.all_of))
        if self.any_of:
            parts.append("any of: " + "; ".join(self.any_of))
        if self.gold_answers:
            parts.append("gold: " + " | ".join(dict.fromkeys(self.gold_answers)))
        refs = [
            f"¶{r}" if isinstance(r, int) else f"{r[0]} ¶{r[1]}" if isinstance(r, tuple) else repr(r)
            for r in self.paragraphs
        ]
        if refs:
            parts.append("cite " + " or ".join(refs))
        if self.min_cited > 1:
            parts.append(f"cite at least {self.min_cited} paragraphs")
        return "; ".join(parts) or "an answer"


@dataclass(frozen=True)
class CaseGroup:
    """Cases asked against one index, built from ``sources``."""

    label: str
    sources: tuple[Path, ...]
    cases: tuple[Case, ...]


@dataclass
class Suite:
    """A named set of case groups with the metric floors (and ceilings) it must meet."""

    name: str
    groups: list[CaseGroup]
    kind: str = "qa"
    description: str = ""
    path: Path | None = None
    floors: dict[str, float] = field(default_factory=dict)
    ceilings: dict[str, float] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    # False when the run changed what the floors were measured on (e.g. another sample size).
    floors_apply: bool = True

    @property
    def cases(self) -> list[Case]:
        return [c for g in self.groups for c in g.cases]


def resolve_path(raw: str, suite_path: Path | None) -> Path:
    """A path named in a suite: absolute, relative to the project root, or to the suite file."""
    path = Path(raw).expanduser()
    if path.is_absolute():
        candidates = [path]
    else:
        candidates = [PROJECT_ROOT / path]
        if suite_path is not None:
            candidates.append(suite_path.parent / path)
    for c in candidates:
        if c.exists():
            return c.resolve()
    where = f" (named in {suite_path})" if suite_path else ""
    raise SuiteError(f"Source not found: {raw}{where}.")


def _numbers(data: dict[str, Any], key: str, path: Path) -> dict[str, float]:
    raw = data.get(key) or {}
    if not isinstance(raw, dict) or not all(isinstance(v, int | float) for v in raw.values()):
        raise SuiteError(f"Suite {path}: '{key}' must map metric names to numbers.")
    return {str(k): float(v) for k, v in raw.items()}
