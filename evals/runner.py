"""Run eval suites through the real ``Assistant`` and score every case.

For each case group the runner opens (building if needed) an index of the group's
sources in a cache folder, then per case: streams the answer with ``Assistant.stream``
(timing the first piece and the whole answer), retrieves the top 10 paragraphs with
``Assistant.retrieve`` for the retrieval metrics, and scores facts, gold answers,
citations, quotes and abstention. A case that raises a ``FootnoteError`` (e.g. an LLM
server failing) is recorded as an error and the run goes on. This module does not
render reports (see ``report``) or parse command lines (see ``cli``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.errors import FootnoteError
from index.reader import slugify

from . import metrics as m
from .cases import Case, CaseGroup, Suite, SuiteError
from .results import CaseResult, RunResult, SuiteResult, aggregate, by_category, check_floors
from .suite import DEFAULT_SUITES, load_suite

RETRIEVAL_K = 10


def default_cache_dir() -> Path:
    from assistant.config import home

    return home() / "evals"


def open_group(
    group: CaseGroup,
    cache_dir: Path,
    backend: Any,
    encoder: Any,
    progress: bool = False,
    **settings: Any,
):
    """An ``Assistant`` over the group's sources, its index kept under ``cache_dir``."""
    from assistant import Assistant
    from assistant.progress import progress_bar

    key = "\n".join(sorted(str(p) for p in group.sources))
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    index_dir = cache_dir / "indexes" / f"{slugify(group.label)[:40]}-{digest}"
    update, close = progress_bar(group.label, leave=False) if progress else (None, None)
    try:
        return Assistant.open(
            list(group.sources), index_dir, backend=backend, encoder=encoder, progress=update, **settings
        )
    finally:
        if close:
            close()


def resolve_gold(case: Case, bot: Any) -> list[tuple[str, int]]:
    """The case's supporting paragraphs as (document, number), phrases looked up in the index."""
    docs = list(bot.documents)
    out: list[tuple[str, int]] = []
    for ref in case.paragraphs:
        if isinstance(ref, tuple):
            found = [ref] if bot.store.paragraph(*ref) is not None else []
        elif isinstance(ref, int):
            if len(docs) != 1:
                raise SuiteError(f"Case {case.id}: say which document ¶{ref} is in ('doc-id ¶{ref}').")
            found = [(docs[0], ref)] if bot.store.paragraph(docs[0], ref) is not None else []
        else:
            phrase = m.normalize(ref)
            found = [
                (p.document, p.number)
                for p in bot.store.paragraphs
                if phrase and phrase in m.normalize(p.text)
            ]
        if not found:
            raise SuiteError(f"Case {case.id}: no paragraph in the index matches {ref!r}.")
        out.extend(found)
    return list(dict.fromkeys(out))


def _quote_valid(bot: Any, citation: Any) -> bool:
    """Independent of the assistant's own check: the quote is verbatim in the indexed paragraph."""
    paragraph = bot.store.paragraph(citation.document, citation.paragraph)
    return bool(citation.quote) and paragraph is not None and citation.quote in paragraph.text


def run_case(case: Case, bot: Any, group_label: str = "") -> CaseResult:
    """Ask one case and score it (see ``results.aggregate`` for how the scores combine)."""
    from assistant.schema import Answer

    result = CaseResult(
        id=case.id,
        category=case.category,
        question=case.question,
        answerable=case.answerable,
        expected=case.expected(),
        group=group_label,
        history=[list(t) for t in case.history],
        gold_answers=list(case.gold_answers),
        has_facts=bool(case.all_of or case.any_of),
    )
    gold = resolve_gold(case, bot) if case.answerable else []
    result.gold = [list(g) for g in gold]
    answer: Answer | None = None
    t0 = time.perf_counter()
    try:
        for piece in bot.stream(case.question, list(case.history)):
            if isinstance(piece, Answer):
                answer = piece
            elif result.ttft is None and piece:
                result.ttft = time.perf_counter() - t0
        result.latency = time.perf_counter() - t0
        if answer is None:
            raise FootnoteError("The assistant streamed no final answer.")
    except FootnoteError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        result.why = "error"
    # Retrieval is measured even when answering failed: it does not depend on the backend.
    query = (answer.standalone_question if answer else None) or case.question
    ranking = [(p.document, p.number) for p in bot.retrieve(query, top_k=RETRIEVAL_K)]
    result.retrieved = [list(r) for r in ranking]
    result.rank = m.first_gold_rank(ranking, gold) if gold else None
    if answer is None:
        return result

    result.answer = answer.text
    result.abstained = answer.abstained
    result.citations = [
        {
            "document": c.document,
            "paragraph": c.paragraph,
            "quote": c.quote,
            "quote_valid": _quote_valid(bot, c),
            "supported": c.supported,
        }
        for c in answer.citations
    ]
    result.citations_removed = len(answer.removed_citations)
    result.fell_back = answer.backend != bot.backend.name
    result.notice = answer.notice
    result.words = 0 if answer.abstained else m.word_count(answer.text)
    text = "" if answer.abstained else answer.text
    if result.has_facts:
        result.facts_ok = m.facts_present(text, case.all_of, case.any_of)
    if case.gold_answers:
        result.contained = m.gold_contained(text, case.gold_answers)
        result.f1 = m.best_f1(text, case.gold_answers)
        result.short = None if answer.abstained else answer.short
        result.short_f1 = m.best_f1(result.short or text, case.gold_answers)
    result.passed, result.why = _verdict(case, result, gold)
    return result


def _verdict(case: Case, r: CaseResult, gold: list[tuple[str, int]]) -> tuple[bool, str]:
    if not case.answerable:
        return (True, "") if r.abstained else (False, "answered a question the article does not answer")
    if r.abstained:
        return False, "abstained on an answerable question"
    problems = []
    if r.facts_ok is False:
        problems.append("required facts missing")
    if r.contained is False:
        problems.append("gold answer not in the answer")
    if gold and not m.citation_recall(r.cited, gold):
        problems.append("no supporting paragraph cited")
    if len(m.unique_refs(r.cited)) < case.min_cited:
        problems.append(f"fewer than {case.min_cited} paragraphs cited")
    if any(not c["quote_valid"] for c in r.citations):
        problems.append("a quote is not verbatim in its paragraph")
    return not problems, "; ".join(problems)


def run_suite(
    suite: Suite,
    backend: Any = "extractive",
    *,
    cache_dir: Path | None = None,
    encoder: Any = None,
    progress: bool = False,
    **settings: Any,
) -> SuiteResult:
    """Run every case of ``suite`` and aggregate its metrics; check floors if they apply."""
    from index.embedding import MiniLMEncoder

    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    encoder = encoder or MiniLMEncoder()
    started = time.perf_counter()
    cases: list[CaseResult] = []
    backend_name = backend if isinstance(backend, str) else getattr(backend, "name", "custom")
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(suite.cases), desc=suite.name, unit="q")
    complete = True
    try:
        for group in suite.groups:
            bot = open_group(group, cache_dir, backend, encoder, progress=progress, **settings)
            try:
                backend_name = bot.backend.name
                for case in group.cases:
                    cases.append(run_case(case, bot, group.label))
                    if bar is not None:
                        bar.update(1)
            finally:
                if isinstance(backend, str):  # we made it: stop what it started (a local server)
                    bot.close()
    except KeyboardInterrupt:
        # Keep what was measured: the caller gets a partial result marked incomplete.
        if not cases:
            raise
        complete = False
    finally:
        if bar is not None:
            bar.close()
    metrics = aggregate(cases)
    return SuiteResult(
        name=suite.name,
        kind=suite.kind,
        backend=backend_name,
        metrics=metrics,
        categories=by_category(cases),
        cases=cases,
        floors=dict(suite.floors),
        ceilings=dict(suite.ceilings),
        floors_apply=suite.floors_apply and complete,
        floor_failures=(
            check_floors(metrics, suite.floors, suite.ceilings) if suite.floors_apply and complete else []
        ),
        complete=complete,
        settings=dict(suite.settings),
        description=suite.description,
        seconds=time.perf_counter() - started,
    )


def run(
    suites: Sequence[str | Path | Suite] | str | Path | Suite | None = None,
    backend: Any = "extractive",
    *,
    sample: int | None = None,
    seed: int | None = None,
    corpus: str | None = None,
    cache_dir: str | Path | None = None,
    encoder: Any = None,
    progress: bool = False,
    **settings: Any,
) -> RunResult:
    """Run suites (names such as ``"seed"``, suite files, or ``Suite`` objects) and return the results.

    ``backend`` is ``"extractive"``, ``"llm"``, ``"local"`` or a backend object; ``sample``, ``seed``
    and ``corpus`` override SQuAD suites' settings (their floors then do not apply).
    Indexes and SQuAD article files are cached under ``cache_dir`` (default
    ``$FOOTNOTE_HOME/evals``). Extra keyword ``settings`` go to ``Assistant.open``.
    """
    from index.embedding import MiniLMEncoder

    if suites is None:
        suites = list(DEFAULT_SUITES)
    elif isinstance(suites, str | Path | Suite):
        suites = [suites]
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    encoder = encoder or MiniLMEncoder()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    loaded = [
        s if isinstance(s, Suite) else load_suite(s, cache_dir=cache, sample=sample, seed=seed, corpus=corpus)
        for s in suites
    ]
    results: list[SuiteResult] = []
    for s in loaded:
        results.append(run_suite(s, backend, cache_dir=cache, encoder=encoder, progress=progress, **settings))
        if not results[-1].complete:  # interrupted: stop here, keep what was measured
            break
    name = results[0].backend if results else str(backend)
    return RunResult(backend=name, started=started, seconds=time.perf_counter() - t0, suites=results)
