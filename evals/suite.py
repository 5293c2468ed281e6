"""Eval suites as data: ``Case``, ``CaseGroup``, ``Suite``, and the YAML suite loader.

A suite file names its kind and carries floors for its metrics::

    name: seed
    sources: [seeds/kim-putin-summit.txt]   # relative to the project (or the suite file)
    floors: {answerable_pass_rate: 0.9, quote_validity: 1.0}
    cases:
      - id: venue
        category: fact
        question: Where is the summit expected to take place?
        must_contain: {all: [Vladivostok]}      # or any: [...]; a list means all-of
        paragraphs: [3, "Vladivostok is the expected location"]   # ¶ numbers or phrases
      - id: exact-date
        category: unanswerable
        question: On what date will the summit take place?
        answerable: false

``kind: squad`` and ``kind: squad-out-of-scope`` suites are built from SQuAD-format data
by ``squad``, ``kind: reader-questions`` from a JSON-lines question file by ``reader_questions``. Mistakes in a suite file raise ``SuiteError`` naming the file and case.
This module does not run anything (see ``runner``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .cases import (
    EVALS_DIR,
    Case,
    CaseGroup,
    ParagraphRef,
    Suite,
    SuiteError,
    _numbers,
    resolve_path,
)

DEFAULT_SUITES = ("seed", "seed-probe", "xquad", "xquad-oos", "reader-questions")
_DOC_REF = re.compile(r"^(?:([\w.-]+)\s+)?¶\s?(\d+)$")


def find_suite(name_or_path: str | Path) -> Path:
    """A suite file from a path or a bare name such as ``seed`` (``evals/seed.yaml``)."""
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return path
    for candidate in (EVALS_DIR / f"{name_or_path}.yaml", EVALS_DIR / f"{name_or_path}.yml"):
        if candidate.is_file():
            return candidate
    known = ", ".join(sorted(p.stem for p in EVALS_DIR.glob("*.yaml")))
    raise SuiteError(f"No eval suite {str(name_or_path)!r}: give a suite file or one of: {known}.")


def read_suite_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SuiteError(f"Cannot read suite {path}: {exc.strerror or exc}.") from exc
    except yaml.YAMLError as exc:
        raise SuiteError(f"Suite {path} is not valid YAML: {exc}".splitlines()[0]) from exc
    if not isinstance(data, dict):
        raise SuiteError(f"Suite {path} must be a mapping with 'name' and 'cases' (or 'data').")
    return data


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int | float):
        return (str(value),)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return tuple(str(v) for v in value)
    raise SuiteError(f"{where}: expected a string or a list of strings.")


def _refs(value: Any, where: str) -> tuple[ParagraphRef, ...]:
    out: list[ParagraphRef] = []
    for item in value if isinstance(value, list) else [value] if value is not None else []:
        if isinstance(item, bool) or not isinstance(item, int | str):
            raise SuiteError(f"{where}: paragraphs are ¶ numbers or phrases, got {item!r}.")
        if isinstance(item, int):
            if item < 1:
                raise SuiteError(f"{where}: paragraph numbers start at 1, got {item}.")
            out.append(item)
            continue
        m = _DOC_REF.match(item.strip())
        if m and m.group(1):
            out.append((m.group(1), int(m.group(2))))
        elif m:
            out.append(int(m.group(2)))
        elif item.strip():
            out.append(item.strip())
    return tuple(out)


_CASE_KEYS = {"id", "question", "category", "answerable", "history", "must_contain", "paragraphs"}


def parse_case(raw: Any, where: str) -> Case:
    """One case from its YAML mapping; ``where`` names it in error messages."""
    if not isinstance(raw, dict):
        raise SuiteError(f"{where}: each case must be a mapping with at least 'id' and 'question'.")
    unknown = set(raw) - _CASE_KEYS
    if unknown:
        raise SuiteError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
    case_id, question = raw.get("id"), raw.get("question")
    if not case_id or not isinstance(question, str) or not question.strip():
        raise SuiteError(f"{where}: a case needs an 'id' and a non-empty 'question'.")
    where = f"{where} ({case_id})"
    answerable = raw.get("answerable", True)
    if not isinstance(answerable, bool):
        raise SuiteError(f"{where}: 'answerable' must be true or false.")
    must = raw.get("must_contain")
    if isinstance(must, dict):
        unknown = set(must) - {"all", "any"}
        if unknown:
            raise SuiteError(
                f"{where}: must_contain takes 'all' and 'any', not {', '.join(sorted(unknown))}."
            )
        all_of, any_of = _strings(must.get("all"), where), _strings(must.get("any"), where)
    else:
        all_of, any_of = _strings(must, where), ()
    history: list[tuple[str, str]] = []
    for turn in raw.get("history") or []:
        if isinstance(turn, dict) and set(turn) == {"user", "assistant"}:
            history.append((str(turn["user"]), str(turn["assistant"])))
        elif isinstance(turn, list) and len(turn) == 2:
            history.append((str(turn[0]), str(turn[1])))
        else:
            raise SuiteError(f"{where}: each history turn is {{user: ..., assistant: ...}}.")
    paragraphs = _refs(raw.get("paragraphs"), where)
    if answerable and not (all_of or any_of or paragraphs):
        raise SuiteError(f"{where}: an answerable case needs must_contain facts or paragraphs.")
    return Case(
        id=str(case_id),
        question=question.strip(),
        category=str(raw.get("category") or "general"),
        answerable=answerable,
        history=tuple(history),
        all_of=all_of,
        any_of=any_of,
        paragraphs=paragraphs,
    )


_SUITE_KEYS = {"name", "kind", "description", "sources", "cases", "floors", "ceilings"}


def load_qa_suite(data: dict[str, Any], path: Path) -> Suite:
    """A ``kind: qa`` suite: scripted cases asked against the named source documents."""
    unknown = set(data) - _SUITE_KEYS
    if unknown:
        raise SuiteError(f"Suite {path}: unknown key(s) {', '.join(sorted(unknown))}.")
    sources = _strings(data.get("sources"), f"Suite {path}: sources")
    if not sources:
        raise SuiteError(f"Suite {path} must name its source documents under 'sources'.")
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list) or not raw_cases:
        raise SuiteError(f"Suite {path} has no cases.")
    cases = [parse_case(c, f"Suite {path}, case {i + 1}") for i, c in enumerate(raw_cases)]
    ids = [c.id for c in cases]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SuiteError(f"Suite {path}: duplicate case id(s) {', '.join(dupes)}.")
    name = str(data.get("name") or path.stem)
    group = CaseGroup(name, tuple(resolve_path(s, path) for s in sources), tuple(cases))
    return Suite(
        name=name,
        groups=[group],
        kind="qa",
        description=str(data.get("description") or "").strip(),
        path=path,
        floors=_numbers(data, "floors", path),
        ceilings=_numbers(data, "ceilings", path),
    )


def load_suite(
    name_or_path: str | Path,
    *,
    cache_dir: Path | None = None,
    sample: int | None = None,
    seed: int | None = None,
    corpus: str | None = None,
) -> Suite:
    """Load a suite by name or path; SQuAD suites write their articles under ``cache_dir``.

    ``sample``, ``seed`` and ``corpus`` override a SQuAD suite's own settings (the floors
    then no longer apply, since they were measured on the suite's settings).
    """
    path = find_suite(name_or_path)
    data = read_suite_file(path)
    kind = str(data.get("kind") or "qa")
    if kind == "qa":
        return load_qa_suite(data, path)
    if kind in ("squad", "squad-out-of-scope"):
        from .squad import load_squad_suite

        return load_squad_suite(data, path, cache_dir=cache_dir, sample=sample, seed=seed, corpus=corpus)
    if kind == "reader-questions":
        from .reader_questions import load_reader_suite

        return load_reader_suite(data, path, cache_dir=cache_dir, corpus=corpus)
    raise SuiteError(
        f"Suite {path}: unknown kind {kind!r} (use qa, squad, squad-out-of-scope or reader-questions)."
    )
