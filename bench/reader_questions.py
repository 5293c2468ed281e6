"""Measure the offline backend on the reader-questions development set (read directly, never trained on).

    PYTHONPATH=. python bench/reader_questions.py [--data DIR] [--json out.json]

Each question is asked of its own article alone (``training.data.single_article_bot``), with
its one earlier turn for follow-ups. Answerable questions pass when the assistant answers
and the answer contains one of ``any_of`` (case-insensitive); unanswerable ones pass when it
declines. Prints the rates per kind; this script changes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT = Path(__file__).resolve().parent.parent / "evals" / "data" / "reader-questions" / "reader-questions.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    from index.embedding import MiniLMEncoder
    from training.data import CORPORA, load, single_article_bot, write_articles

    encoder = MiniLMEncoder()
    articles, _ = load()
    paths = write_articles(articles, CORPORA / "xquad" / "articles")
    titles = {a.title.replace(" ", "_"): i for i, a in enumerate(articles)}
    cases = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    bots = {}
    out = []
    for c in cases:
        a = titles[c["article"]]
        if a not in bots:
            bots[a] = single_article_bot(paths, a, encoder)
        answer = bots[a].ask(c["q"], [tuple(h) for h in c["history"]])
        text = answer.text.lower()
        if c["answerable"]:
            passed = not answer.abstained and any(s.lower() in text for s in c["any_of"])
        else:
            passed = answer.abstained
        paragraphs = len({(x.document, x.paragraph) for x in answer.citations})
        out.append(
            {
                **c,
                "passed": passed,
                "abstained": answer.abstained,
                "paragraphs": paragraphs,
                "answer": answer.text,
                "confidence": answer.confidence,
            }
        )
    by_kind = defaultdict(list)
    for r in out:
        by_kind[r["kind"]].append(r)
    answerable = [r for r in out if r["answerable"]]
    unanswerable = [r for r in out if not r["answerable"]]
    print(
        f"answerable passed {sum(r['passed'] for r in answerable)}/{len(answerable)}"
        f" = {sum(r['passed'] for r in answerable) / len(answerable):.3f};"
        f" false abstentions {sum(r['abstained'] for r in answerable)}"
    )
    print(
        f"unanswerable declined {sum(r['passed'] for r in unanswerable)}/{len(unanswerable)}"
        f" = {sum(r['passed'] for r in unanswerable) / max(1, len(unanswerable)):.3f}"
    )
    for kind, rs in sorted(by_kind.items()):
        print(
            f"  {kind:14s} passed {sum(r['passed'] for r in rs)}/{len(rs)}"
            f"  abstained {sum(r['abstained'] for r in rs)}  >=2 paragraphs {sum(r['paragraphs'] >= 2 for r in rs)}"
        )
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
