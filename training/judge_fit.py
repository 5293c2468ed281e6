"""The judge's acceptance threshold, fitted on xquad-dev questions whose answering sentence was removed.

    .venv/bin/python training/judge_fit.py record --model PATH.gguf --out verdicts.jsonl
    .venv/bin/python training/judge_fit.py fit verdicts.jsonl [--write]
    .venv/bin/python training/judge_fit.py fixture verdicts.jsonl tests/data/judge-verdicts.json

``record`` asks xquad questions of their own article alone, twice: as is (answerable) and
with every retrieved sentence holding a gold answer removed (``unanswerable.without_answer``:
on-topic, unanswerable). The offline reader answers each; the judge is asked, through a local
llama.cpp server (threads from ``FOOTNOTE_LLM_THREADS``), about every paragraph the reader
quotes, exactly as ``JudgedBackend`` asks it (same prompt, same candidates), and each reply's
top log-probabilities are written, one JSON line per question and variant (resumable). Fit
articles are those with index 2 mod 4, held-out ones the odd articles; ``--per-article``
questions of each (the first ones in a fixed shuffle). ``fit`` picks the threshold on the fit
rows: the highest P(yes) at which at most ``--max-false-abstention`` of the answerable
questions end declined (by the reader or the judge), and reports both splits; ``--write``
stores it in ``assistant/judge/threshold.json`` with its provenance. ``fixture`` keeps a
sample of recorded verdicts for the tests. Never fitted on the eval suites (seed,
seed-probe, reader-questions). No network.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.judge.backend import candidates, quote_of
from assistant.judge.judge import THRESHOLD_FILE
from assistant.judge.verdict import from_logprobs, from_text, prompt, request, top_logprobs

VARIANTS = ("single", "sentence")  # answerable; answering sentence removed


def split_of(article: int) -> str | None:
    return "fit" if article % 4 == 2 else "heldout" if article % 2 == 1 else None


def record(args: argparse.Namespace) -> None:
    from assistant.judge import open_judge
    from assistant.retriever import PARAGRAPH_FEATURES
    from index.embedding import MiniLMEncoder
    from training.data import CORPORA, gold_map, load, single_article_bot, write_articles
    from training.unanswerable import holds_answer, without_answer

    out = Path(args.out)
    done = set()
    if out.exists():
        done = {(r["id"], r["variant"]) for r in map(json.loads, out.read_text().splitlines())}
    encoder = MiniLMEncoder()
    articles, raw = load()
    paths = write_articles(articles, CORPORA / "xquad" / "articles")
    judge = open_judge("local", {"model": args.model})
    model = judge.settings.model
    by_article: dict[int, list] = {}
    for item in raw:
        by_article.setdefault(item[0], []).append(item)
    try:
        with out.open("a", encoding="utf-8") as sink:
            for a in range(len(articles)):
                split = split_of(a)
                if split is None:
                    continue
                own = single_article_bot(paths, a, encoder)
                questions = gold_map(
                    own, [articles[a]], [(0, c, i, q, ans) for _, c, i, q, ans in by_article[a]]
                )
                random.Random(a).shuffle(questions)
                per_article = args.per_article if split == "fit" else args.per_article_heldout
                reader = own.backend
                k = reader.settings.passages_used
                weights = dict(zip(PARAGRAPH_FEATURES, own.retriever.settings.weights, strict=True))
                for q in questions[:per_article]:
                    passages = own.retrieve(q.text, top_k=k + 3)
                    variants = {"single": passages[:k]}
                    if any(holds_answer(s.text, q.answers) for p in passages for s in p.paragraph.sentences):
                        qvec = own.retriever.embed(q.text)
                        variants["sentence"] = without_answer(passages, q, qvec, encoder, weights)[:k]
                    for variant, used in variants.items():
                        if (q.id, variant) in done:
                            continue
                        answer = reader.answer(q.text, used)
                        row = {
                            "id": q.id,
                            "article": a,
                            "split": split,
                            "variant": variant,
                            "question": q.text,
                            "answers": list(q.answers),
                            "reader_abstained": answer.abstained,
                            "contains_gold": any(holds_answer(c.quote, q.answers) for c in answer.citations),
                            "candidates": [],
                        }
                        for group in candidates(answer.citations):
                            message = prompt(q.text, quote_of(group), group[0].title)
                            t0 = time.perf_counter()
                            reply = judge.client.chat.completions.create(**request(model, message))
                            choice = reply.choices[0]
                            top = top_logprobs(choice)
                            row["candidates"].append(
                                {
                                    "quote": quote_of(group),
                                    "title": group[0].title,
                                    "paragraph": group[0].paragraph,
                                    "top_logprobs": [[t, round(lp, 4)] for t, lp in top],
                                    "text": choice.message.content,
                                    "p": from_logprobs(top) if top else from_text(choice.message.content),
                                    "seconds": round(time.perf_counter() - t0, 3),
                                }
                            )
                        sink.write(json.dumps(row, ensure_ascii=False) + "\n")
                        sink.flush()
                print(f"article {a} ({split}) done", file=sys.stderr)
    finally:
        judge.close()


def load_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(row: dict) -> float | None:
    """The best P(yes) over the reader's candidates; None when the reader declined by itself."""
    if row["reader_abstained"] or not row["candidates"]:
        return None
    return max(c["p"] if c["p"] is not None else 0.0 for c in row["candidates"])


def rates(rows: list[dict], threshold: float) -> dict[str, float]:
    """Declined share of answer-removed questions, and of answerable ones (false abstention),
    with the reader alone and with the judge at ``threshold``."""

    def declined(r: dict, t: float) -> bool:
        s = score(r)
        return s is None or s < t

    ans = [r for r in rows if r["variant"] == "single"]
    rem = [r for r in rows if r["variant"] == "sentence"]
    return {
        "answerable": len(ans),
        "removed": len(rem),
        "removed_declined_reader": sum(declined(r, 0.0) for r in rem) / max(1, len(rem)),
        "false_abstention_reader": sum(declined(r, 0.0) for r in ans) / max(1, len(ans)),
        "removed_declined": sum(declined(r, threshold) for r in rem) / max(1, len(rem)),
        "false_abstention": sum(declined(r, threshold) for r in ans) / max(1, len(ans)),
        "auc_answered": auc(
            [score(r) for r in ans if score(r) is not None], [score(r) for r in rem if score(r) is not None]
        ),
    }


def auc(pos: list[float], neg: list[float]) -> float:
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def choose(rows: list[dict], max_fa: float) -> float:
    """The highest threshold whose false abstention on ``rows`` stays within ``max_fa``."""
    grid = sorted({round(c["p"], 4) for r in rows for c in r["candidates"] if c["p"] is not None})
    best = 0.0
    for t in grid:
        if rates(rows, t)["false_abstention"] <= max_fa:
            best = t
    return best


def fit(args: argparse.Namespace) -> None:
    rows = load_rows(Path(args.verdicts))
    fitting = [r for r in rows if r["split"] == "fit"]
    heldout = [r for r in rows if r["split"] == "heldout"]
    threshold = choose(fitting, args.max_false_abstention)
    report = {name: rates(part, threshold) for name, part in (("fit", fitting), ("heldout", heldout))}
    seconds = sorted(c["seconds"] for r in rows for c in r["candidates"])
    print(json.dumps({"accept_at": threshold, **report}, indent=2))
    if seconds:
        print(
            f"per request: p50 {seconds[len(seconds) // 2]:.2f} s over {len(seconds)} requests",
            file=sys.stderr,
        )
    if args.write:
        fitted = {
            "accept_at": threshold,
            "provenance": {
                "fitted_by": "training/judge_fit.py fit --write",
                "data": "xquad-dev, each question asked of its own article alone, as is and with every "
                "retrieved sentence holding a gold answer removed (training/unanswerable.without_answer); "
                f"fit on articles 2 mod 4 ({report['fit']['answerable']} answerable, "
                f"{report['fit']['removed']} answer-removed), held out: odd articles",
                "rule": f"highest P(yes) at which at most {args.max_false_abstention} of the answerable fit "
                "questions end declined (by the reader or the judge)",
                "judge_model": args.judge_model,
                "fit": report["fit"],
                "heldout": report["heldout"],
            },
        }
        THRESHOLD_FILE.write_text(json.dumps(fitted, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {THRESHOLD_FILE}", file=sys.stderr)


def fixture(args: argparse.Namespace) -> None:
    rows = [r for r in load_rows(Path(args.verdicts)) if r["candidates"]]
    kept = [r for r in rows if r["split"] == "heldout"][: args.size]
    data = {
        "provenance": {
            "model": args.judge_model,
            "license": "Apache-2.0 (upstream model)",
            "recorded_by": "training/judge_fit.py record (llama.cpp server via xllamacpp, temperature 0, "
            "one reply token, top 10 log-probabilities)",
            "questions": "xquad-dev held-out (odd) articles: answerable and answer-removed variants",
            "threshold": json.loads(THRESHOLD_FILE.read_text(encoding="utf-8"))["accept_at"],
        },
        "rows": [
            {k: r[k] for k in ("id", "variant", "question", "reader_abstained")}
            | {
                "candidates": [
                    {k: c[k] for k in ("quote", "title", "top_logprobs", "text", "p")}
                    for c in r["candidates"]
                ]
            }
            for r in kept
        ],
    }
    Path(args.out).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(kept)} rows to {args.out}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("record")
    r.add_argument("--model", required=True, help="the judge's .gguf file")
    r.add_argument("--out", required=True)
    r.add_argument("--per-article", type=int, default=8, help="questions per fit article")
    r.add_argument("--per-article-heldout", type=int, default=4, help="questions per held-out article")
    r.set_defaults(func=record)
    f = sub.add_parser("fit")
    f.add_argument("verdicts")
    f.add_argument("--max-false-abstention", type=float, default=0.05)
    f.add_argument("--judge-model", default="the model named when recording")
    f.add_argument("--write", action="store_true")
    f.set_defaults(func=fit)
    x = sub.add_parser("fixture")
    x.add_argument("verdicts")
    x.add_argument("out")
    x.add_argument("--size", type=int, default=40)
    x.add_argument("--judge-model", default="the model named when recording")
    x.set_defaults(func=fixture)
    args = p.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
