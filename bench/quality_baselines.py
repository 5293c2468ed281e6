"""Retrieval and answer quality on xquad-dev: the standard pipelines and ours, same run.

    .venv/bin/python bench/quality_baselines.py [--quick] [--previous REV|none]

Pipelines (all over the same 32 articles / 160 paragraphs, the same 838 questions):

* ``llamaindex-dense``: LlamaIndex ``VectorStoreIndex`` on an in-memory Chroma collection,
  all-MiniLM-L6-v2 (our ``make_embedding()``), one node per paragraph, top-k;
* ``bm25``: ``bm25s`` with English stopwords (its own tokenizer, no stemming);
* ``rrf``: reciprocal-rank fusion of the two, k=60;
* ``naive-extractive``: the top BM25 paragraph's sentence most similar to the question
  (also shown when handed the gold paragraph, as a ceiling of that method);
* ``previous reader (REV)``: the same as ``ours``, measured by this file's code on the
  project as it was at ``REV`` (default ``166405b``: the reader-questions suite, committed
  before any of that issue's behaviour changes; ``--previous none`` skips it). ``REV`` is
  checked out in a temporary detached git worktree (removed afterwards) and this file runs
  there in a subprocess (``--ours-only``) with that tree's ``training``/``assistant``/``index``
  packages on ``PYTHONPATH``; the tree builds its own indexes under its own ``bench/.corpora/``;
* ``ours``: ``Assistant.retrieve`` + the extractive backend, through the normal ingest path.

Metrics: gold-paragraph hit@1, hit@5, MRR@10; answer contains a gold span (case- and
whitespace-insensitive) and mean answer length in words; ``short-f1``, the SQuAD token F1
(lower case, no punctuation or a/an/the; best over the gold answers) of ``answer.short`` when
the reader gives one, else of the answer text without its ¶ markers, 0 for an abstention
(readers only: the previous reader has no ``short``, so its whole answer is scored); top
citation is the gold paragraph; out-of-scope abstention (each article's questions against an
index of the next article only) and false abstention on answerable questions (full corpus,
and each article alone). ``removed-abst`` is the share declined of on-topic unanswerable
questions: each question asked of its own article alone (as for ``false-abst-1doc``), its
passages retrieved as the reader would (``passages_used`` + 3 of them), every sentence holding
a gold answer removed (the paragraph's dense features recomputed and the passages re-ranked,
as ``training/unanswerable.py`` builds its "sentence" negatives), the first ``passages_used``
handed to ``Assistant.answer``; questions whose passages held no answer sentence are skipped.
The issue's target is ``removed-abst`` >= 0.60 with ``false-abst-1doc`` <= 0.05. Rows are also
given on the held-out half of the articles (odd ones), which no tuned weight has seen.

A second table, "reader questions", runs each reader's own ``evals/reader-questions.yaml``
through that tree's eval CLI (``python -m assistant.cli eval ... --corpus per-article``, in a
subprocess with that tree on ``PYTHONPATH``, a fresh index cache for each): answerable cases
passed, unanswerable declined, overviews passed and false-support cases (a metric the previous
tree lacks: —). ``--quick`` skips it, the out-of-scope and the single-article runs. No timing
here: see the scale benchmarks for speed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# Set (to the checkout being measured, which is then on PYTHONPATH) for the previous-reader
# subprocess, so that its packages, not this checkout's, are imported.
TREE_ENV = "FOOTNOTE_BENCH_TREE"
if not os.environ.get(TREE_ENV):
    sys.path.insert(0, str(ROOT))

from training.data import Question, corpus, single_article_bot, split  # noqa: E402

Ranking = list[tuple[str, int]]  # (document, paragraph number), best first


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def contains(answer: str, golds: Sequence[str]) -> bool:
    a = norm(answer)
    return any(norm(g) in a for g in golds)


def words(text: str) -> int:
    return len(text.split())


def holds_answer(text: str, answers: Sequence[str]) -> bool:
    return any(norm(a) in norm(text) for a in answers)


_PUNCTUATION = frozenset(string.punctuation)


def squad_tokens(text: str) -> list[str]:
    """SQuAD's answer normalisation: lower case, no punctuation, no a/an/the, then split."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return re.sub(r"\b(a|an|the)\b", " ", text).split()


def token_f1(prediction: str, golds: Sequence[str]) -> float:
    """SQuAD token F1 of ``prediction``, the best over the gold answers."""
    pred = squad_tokens(prediction)
    best = 0.0
    for gold in golds:
        ref = squad_tokens(gold)
        same = sum((Counter(pred) & Counter(ref)).values())
        if same:
            precision, recall = same / len(pred), same / len(ref)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def short_f1(answer, golds: Sequence[str]) -> float:
    """Token F1 of the answer's short span, else of its text without ¶ markers; 0 if it abstained."""
    if answer.abstained:
        return 0.0
    short = getattr(answer, "short", None)  # readers before short answers have none
    return token_f1(short or _strip_markers(answer.text), golds)


# -- baselines ---------------------------------------------------------------------------
def llamaindex_dense(bot, encoder) -> Callable[[str, int], Ranking]:
    """The tutorial pipeline: VectorStoreIndex on Chroma, one node per paragraph."""
    import chromadb
    from chromadb.config import Settings
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from index.embedding import make_embedding

    client = chromadb.EphemeralClient(settings=Settings(anonymized_telemetry=False))
    collection = client.get_or_create_collection(
        f"baseline-{time.monotonic_ns()}",
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
    )
    nodes = [
        TextNode(text=p.text, id_=p.id, metadata={"doc": p.document, "paragraph": p.number})
        for p in bot.store.paragraphs
    ]
    storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
    index = VectorStoreIndex(nodes, storage_context=storage, embed_model=make_embedding(encoder))

    def rank(question: str, k: int) -> Ranking:
        hits = index.as_retriever(similarity_top_k=k).retrieve(question)
        return [(h.node.metadata["doc"], int(h.node.metadata["paragraph"])) for h in hits]

    return rank


def bm25_plain(bot) -> tuple[Callable[[str, int], Ranking], Callable[[str], np.ndarray]]:
    import bm25s

    paras = bot.store.paragraphs
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize([p.text for p in paras], stopwords="en", show_progress=False), show_progress=False
    )

    def scores(question: str) -> np.ndarray:
        toks = bm25s.tokenize([question], stopwords="en", return_ids=False, show_progress=False)[0]
        toks = [t for t in toks if t in retriever.vocab_dict]
        if not toks:
            return np.zeros(len(paras))
        return np.asarray(retriever.get_scores(toks))

    def rank(question: str, k: int) -> Ranking:
        s = scores(question)
        order = np.argsort(-s, kind="stable")[:k]
        return [(paras[i].document, paras[i].number) for i in order if s[i] > 0]

    return rank, scores


def rrf(
    *rankers: Callable[[str, int], Ranking], k: int = 60, depth: int = 50
) -> Callable[[str, int], Ranking]:
    def rank(question: str, top: int) -> Ranking:
        score: dict[tuple[str, int], float] = {}
        for r in rankers:
            for pos, key in enumerate(r(question, depth)):
                score[key] = score.get(key, 0.0) + 1.0 / (k + pos + 1)
        return sorted(score, key=lambda key: -score[key])[:top]

    return rank


def naive_answer(bot, encoder, bm25_rank, question: str, gold: tuple[str, int] | None = None) -> str:
    """The sentence of the top BM25 paragraph (or of ``gold``) most similar to the question."""
    key = gold or (bm25_rank(question, 1) or [None])[0]
    if key is None:
        return ""
    para = bot.store.paragraph(*key)
    vecs = encoder.encode([question] + [s.text for s in para.sentences])
    best = int(np.argmax(vecs[1:] @ vecs[0]))
    return para.sentences[best].text


# -- metrics -----------------------------------------------------------------------------
def retrieval_metrics(rank: Callable[[str, int], Ranking], qs: list[Question]) -> dict[str, float]:
    h1 = h5 = rr = 0.0
    for q in qs:
        got = rank(q.text, 10)
        gold = (q.doc_id, q.paragraph)
        if got[:1] == [gold]:
            h1 += 1
        if gold in got[:5]:
            h5 += 1
        if gold in got[:10]:
            rr += 1.0 / (got.index(gold) + 1)
    n = len(qs)
    return {"hit@1": h1 / n, "hit@5": h5 / n, "mrr@10": rr / n}


def fmt(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="skip the out-of-scope and single-article runs")
    ap.add_argument(
        "--previous",
        default=PREVIOUS,
        metavar="REV",
        help=f"also measure the reader as it was at this commit (default {PREVIOUS}; 'none' skips)",
    )
    # The previous-reader subprocess: measure only ours (this tree's packages) into a JSON file.
    ap.add_argument("--ours-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.ours_only:
        return ours_only(args.json, args.quick)

    t0 = time.perf_counter()
    rows: dict[str, dict[str, float | None]] = {}
    evals: dict[str, dict] = {}  # reader label -> its reader-questions suite (JSON)
    if args.previous.lower() != "none":
        label, previous, suite = previous_reader(args.previous, args.quick)
        for subset, row in previous.items():
            rows[f"{label}|{subset}"] = row
        if suite is not None:
            evals[label] = suite

    encoder, questions, held_out, bot, paths = open_corpus("corpus", sys.stdout)

    dense = llamaindex_dense(bot, encoder)
    bm25_rank, _ = bm25_plain(bot)
    fused = rrf(dense, bm25_rank)

    for name, ranker in (
        ("llamaindex-dense", dense),
        ("bm25", bm25_rank),
        ("rrf", fused),
    ):
        for subset, qs in (("all", questions), ("held-out", held_out)):
            rows[f"{name}|{subset}"] = retrieval_metrics(ranker, qs)

    # Answers: naive extractive (ours below).
    for subset, qs in (("all", questions), ("held-out", held_out)):
        naive = [naive_answer(bot, encoder, bm25_rank, q.text) for q in qs]
        gold_naive = [naive_answer(bot, encoder, bm25_rank, q.text, (q.doc_id, q.paragraph)) for q in qs]
        n = len(qs)
        top_is_gold = [bm25_rank(q.text, 1)[:1] == [(q.doc_id, q.paragraph)] for q in qs]
        rows[f"naive-extractive|{subset}"] = {
            "contains": sum(contains(a, q.answers) for a, q in zip(naive, qs, strict=True)) / n,
            "words": float(np.mean([words(a) for a in naive])),
            "cite@1": sum(top_is_gold) / n,
        }
        rows[f"naive-on-gold-¶|{subset}"] = {
            "contains": sum(contains(a, q.answers) for a, q in zip(gold_naive, qs, strict=True)) / n,
            "words": float(np.mean([words(a) for a in gold_naive])),
        }

    for subset, row in measure_ours(bot, questions, held_out, paths, encoder, args.quick).items():
        rows[f"ours|{subset}"] = row
    if not args.quick:
        with tempfile.TemporaryDirectory(prefix="footnote-eval-") as tmp:
            evals["ours"] = reader_questions(ROOT, Path(tmp))

    print_table(rows)
    if evals:
        print_reader_questions(evals)
    print(f"\ntotal {time.perf_counter() - t0:.0f}s")
    return 0


def open_corpus(label: str, stream) -> tuple:
    """The xquad-dev corpus through this tree's ``training.data``: (encoder, questions, held-out
    questions, assistant, article paths), with a one-line summary on ``stream``."""
    from index.embedding import MiniLMEncoder

    encoder = MiniLMEncoder()
    t0 = time.perf_counter()
    articles, questions, bot, paths = corpus(encoder)
    _, held_out = split(questions)
    print(
        f"{label}: {len(articles)} articles, {len(bot.store.paragraphs)} paragraphs, "
        f"{len(questions)} questions ({len(held_out)} held out); ready in {time.perf_counter() - t0:.0f}s",
        file=stream,
    )
    return encoder, questions, held_out, bot, paths


def measure_ours(
    bot, questions: list[Question], held_out: list[Question], paths: list[Path], encoder, quick: bool
) -> dict[str, dict[str, float | None]]:
    """Our reader's row on each subset ("all", "held-out"): retrieval, answers, abstention."""

    def ours_rank(question: str, k: int) -> Ranking:
        return [(p.document, p.number) for p in bot.retrieve(question, top_k=k)]

    rows: dict[str, dict[str, float | None]] = {}
    for subset, qs in (("all", questions), ("held-out", held_out)):
        rows[subset] = dict(retrieval_metrics(ours_rank, qs))

    ours_answers = {q.id: bot.ask(q.text) for q in questions}
    for subset, qs in (("all", questions), ("held-out", held_out)):
        n = len(qs)
        answers = [ours_answers[q.id] for q in qs]
        rows[subset].update(
            {
                "contains": sum(contains(a.text, q.answers) for a, q in zip(answers, qs, strict=True)) / n,
                "short-f1": sum(short_f1(a, q.answers) for a, q in zip(answers, qs, strict=True)) / n,
                "words": float(
                    np.mean([words(_strip_markers(a.text)) for a in answers if not a.abstained] or [0])
                ),
                "cite@1": sum(
                    bool(a.citations)
                    and (a.citations[0].document, a.citations[0].paragraph) == (q.doc_id, q.paragraph)
                    for a, q in zip(answers, qs, strict=True)
                )
                / n,
                "false-abst": sum(a.abstained for a in answers) / n,
            }
        )

    if not quick:
        oos, single_fa, removed = out_of_scope(paths, questions, encoder)
        for subset, qs in (("all", questions), ("held-out", held_out)):
            ids = {q.id for q in qs}
            rows[subset]["oos-abst"] = float(np.mean([v for k, v in oos.items() if k in ids]))
            rows[subset]["false-abst-1doc"] = float(np.mean([v for k, v in single_fa.items() if k in ids]))
            declined = [v for k, v in removed.items() if k in ids]
            rows[subset]["removed-abst"] = float(np.mean(declined)) if declined else None
            rows[subset]["removed-n"] = len(declined)
    return rows


# -- the previous reader -----------------------------------------------------------------
PREVIOUS = "166405b"  # the reader-questions suite: the last commit before its behaviour changes


def ours_only(out: Path | None, quick: bool) -> int:
    """Measure only ``ours`` with the packages on the path, and write its rows as JSON."""
    import assistant
    import index
    import training.data

    tree = os.environ.get(TREE_ENV)
    if out is None or not tree:
        raise SystemExit(f"--ours-only is for the previous-reader run (needs --json and {TREE_ENV}).")
    for module in (training.data, assistant, index):  # nothing may come from this checkout
        if Path(tree).resolve() not in Path(module.__file__).resolve().parents:
            raise SystemExit(f"{module.__name__} imported from {module.__file__}, not from {tree}")

    encoder, questions, held_out, bot, paths = open_corpus("previous reader corpus", sys.stderr)
    rows = measure_ours(bot, questions, held_out, paths, encoder, quick)
    out.write_text(json.dumps({"rows": rows}), encoding="utf-8")
    return 0


def previous_reader(rev: str, quick: bool) -> tuple[str, dict[str, dict[str, float | None]], dict | None]:
    """(row label, rows per subset, reader-questions suite or None with ``quick``) of ``ours``
    as measured on a checkout of ``rev``.

    The checkout is a temporary detached worktree, removed afterwards (also on error); this
    file runs there in a subprocess with that tree first on ``PYTHONPATH``, so the
    measurement code is this one and only the measured packages are the old ones. The old
    ``training.data`` keeps its indexes under its own tree (``<tree>/bench/.corpora``), so
    the two readers never share an index; ``FOOTNOTE_HOME`` points into the temporary
    directory as well.
    """
    commit = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    if not commit:
        raise SystemExit(f"--previous {rev}: not a commit of this repository")
    label = f"previous reader ({_git('rev-parse', '--short=7', commit)})"
    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="footnote-previous-"))
    tree = tmp / "tree"
    try:
        _git("worktree", "add", "--detach", str(tree), commit)
        out = tmp / "rows.json"
        env = {
            **os.environ,
            "PYTHONPATH": str(tree),
            TREE_ENV: str(tree),
            "FOOTNOTE_HOME": str(tmp / "home"),
        }
        cmd = [sys.executable, str(Path(__file__).resolve()), "--ours-only", "--json", str(out)]
        if quick:
            cmd.append("--quick")
        done = subprocess.run(cmd, env=env, cwd=tree, stdout=sys.stderr, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{label}: the measurement failed (exit status {done.returncode})")
        rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
        suite = None if quick else reader_questions(tree, tmp / "eval")
    finally:
        _git("worktree", "remove", "--force", str(tree), check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{label}: measured in {time.perf_counter() - t0:.0f}s")
    return label, rows, suite


def reader_questions(tree: Path, work: Path) -> dict:
    """The ``reader-questions`` suite's JSON (``suites[0]``) as ``tree``'s own eval CLI measures
    it with ``tree``'s suite file, per article, in a subprocess with only ``tree`` on
    ``PYTHONPATH``; its index cache and ``FOOTNOTE_HOME`` are fresh, under ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    out = work / "reader-questions.json"
    env = {**os.environ, "PYTHONPATH": str(tree), "FOOTNOTE_HOME": str(work / "home")}
    env.pop(TREE_ENV, None)
    cmd = [
        sys.executable,
        "-m",
        "assistant.cli",
        "eval",
        str(tree / "evals" / "reader-questions.yaml"),
        "--corpus",
        "per-article",  # the suite's setting at HEAD ("one" before it): the same for both trees
        "--json",
        str(out),
        "--no-progress",
        "--no-report",
        "--cache-dir",
        str(work / "cache"),
    ]
    done = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True, check=False)
    # Exit status 1 is a failed floor: the results are still written and still wanted.
    if done.returncode not in (0, 1) or not out.exists():
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"reader-questions eval in {tree} failed (exit status {done.returncode})")
    return json.loads(out.read_text(encoding="utf-8"))["suites"][0]


def _git(*args: str, check: bool = True) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip() if done.returncode == 0 else ""


_MARKER = re.compile(r"\s*\[[^\]]*¶\s?\d+\]")


def _strip_markers(text: str) -> str:
    return _MARKER.sub("", text)


def out_of_scope(
    paths: list[Path], questions: list[Question], encoder
) -> tuple[dict[str, bool], dict[str, bool], dict[str, bool]]:
    """Whether the reader abstained: each article's questions against the next article alone
    (OOS), against itself (false abstention), and against itself with the sentences holding
    the answer removed from its passages (on-topic unanswerable; only questions whose
    passages held such a sentence)."""
    from assistant.retriever import PARAGRAPH_FEATURES

    by_article: dict[int, list[Question]] = {}
    for q in questions:
        by_article.setdefault(q.article, []).append(q)
    oos: dict[str, bool] = {}
    fa: dict[str, bool] = {}
    removed: dict[str, bool] = {}
    n = len(paths)
    for a in range(n):
        own = single_article_bot(paths, a, encoder)
        k = own.backend.settings.passages_used
        weights = dict(zip(PARAGRAPH_FEATURES, own.retriever.settings.weights, strict=True))
        for q in by_article.get(a, []):
            fa[q.id] = own.ask(q.text).abstained
            passages = own.retrieve(q.text, top_k=k + 3)
            if any(holds_answer(s.text, q.answers) for p in passages for s in p.paragraph.sentences):
                qvec = own.retriever.embed(q.text)
                kept = without_answer(passages, q, qvec, encoder, weights)[:k]
                removed[q.id] = own.answer(q.text, kept).abstained
        for q in by_article.get((a + n - 1) % n, []):  # the previous article's questions
            oos[q.id] = own.ask(q.text).abstained
    return oos, fa, removed


def without_answer(passages: list, q: Question, qvec: np.ndarray, encoder, weights: dict[str, float]) -> list:
    """The passages with every sentence holding a gold answer removed, re-ranked by their
    recomputed fused score; a paragraph left empty is dropped. A copy of
    ``training/unanswerable.py``'s (as of the commit adding ``removed-abst``), here so that
    both readers are measured by the same code: the paragraph's dense features are
    recomputed with the encoder, its BM25 features are not."""
    out = []
    for p in passages:
        keep = [i for i, s in enumerate(p.paragraph.sentences) if not holds_answer(s.text, q.answers)]
        if len(keep) == len(p.paragraph.sentences):
            out.append(p)
            continue
        if not keep:
            continue
        sentences = tuple(p.paragraph.sentences[i] for i in keep)
        text = " ".join(s.text for s in sentences)
        paragraph = dataclasses.replace(p.paragraph, text=text, sentences=sentences)
        cos = [p.sentence_scores[i] for i in keep if i < len(p.sentence_scores)]
        focus = (
            tuple(p.focus_scores[i] for i in keep)
            if len(p.focus_scores) == len(p.paragraph.sentences)
            else ()
        )
        features = dict(p.features)
        features["dense_paragraph"] = float(encoder.encode([text])[0] @ qvec)
        top = sorted(cos, reverse=True) or [0.0]
        features["dense_sentence"] = float(top[0])
        features["dense_top2"] = float(np.mean(top[:2]))
        score = float(sum(w * features[f] for f, w in weights.items()))
        out.append(
            dataclasses.replace(
                p,
                paragraph=paragraph,
                sentence_scores=tuple(cos),
                focus_scores=focus,
                features=features,
                score=score,
            )
        )
    return sorted(out, key=lambda p: -p.score)


COLUMNS = (
    "hit@1",
    "hit@5",
    "mrr@10",
    "contains",
    "short-f1",
    "words",
    "cite@1",
    "oos-abst",
    "removed-abst",
    "false-abst",
    "false-abst-1doc",
)


ORDER = ("llamaindex-dense", "bm25", "rrf", "naive-extractive", "naive-on-gold-¶", "previous reader", "ours")


def print_table(rows: dict[str, dict[str, float | None]]) -> None:
    names = sorted(
        {k.split("|")[0] for k in rows},
        key=lambda s: ORDER.index("previous reader" if s.startswith("previous reader") else s),
    )
    for subset in ("all", "held-out"):
        print(f"\n## {subset} questions\n")
        print("| pipeline | " + " | ".join(COLUMNS) + " |")
        print("|---" * (len(COLUMNS) + 1) + "|")
        for name in names:
            row = rows.get(f"{name}|{subset}", {})
            cells = [fmt(row.get(c), 1 if c == "words" else 3) for c in COLUMNS]
            print(f"| {name} | " + " | ".join(cells) + " |")
        counts = [
            f"{name} {int(rows[f'{name}|{subset}']['removed-n'])}"
            for name in names
            if rows.get(f"{name}|{subset}", {}).get("removed-n") is not None
        ]
        if counts:
            print("\nremoved-abst questions (an answer sentence was in the passages): " + ", ".join(counts))


def print_reader_questions(evals: dict[str, dict]) -> None:
    """The reader-questions suite of each reader: rates with their counts."""

    def share(rate: float | None, of: int) -> str:
        return "—" if rate is None else f"{rate:.3f} ({round(rate * of)}/{of})"

    print("\n## reader questions (evals/reader-questions.yaml, each asked of its own article)\n")
    print(
        "| reader | answerable passed | unanswerable declined | overview passed | false support | false-abst |"
    )
    print("|---|---|---|---|---|---|")
    for label, suite in evals.items():
        m = suite["metrics"]
        overview = suite.get("categories", {}).get("overview", {})
        support = m.get("false_support")
        cells = (
            share(m.get("answerable_pass_rate"), m["answerable"]),
            share(m.get("abstention_recall"), m["unanswerable"]),
            share(overview.get("pass_rate"), overview.get("cases", 0)),
            "—" if support is None else str(support),
            share(m.get("false_abstention_rate"), m["answerable"]),
        )
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    raise SystemExit(main())
