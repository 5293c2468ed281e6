"""How well each signal the offline reader has tells answerable from unanswerable questions.

    .venv/bin/python bench/answerability_signals.py [--reading-model PATH.onnx ...] [SUITE ...]

For every single-turn question of each suite (default: seed, seed-probe and reader-questions,
each reader question asked of its own article), the AUC of answerable against unanswerable
questions for:

* ``answerability``: the reader's calibrated probability that the passages answer
  (``Reader.confidence``, the number its abstention threshold applies to);
* ``margin``: the sentence reader's best margin (span over "no answer") on the reader's two
  likeliest sentences, with the shipped reading model, and with each ``--reading-model`` given
  (another fitted copy, e.g. from ``training/reading_fit.py --out``).

An AUC of 0.5 is a coin toss: no threshold on that signal can decline more unanswerable
questions without turning away as many answerable ones. reader-questions is a development
set: read these numbers, fit nothing on them. No timing here; indexes are built in a
temporary folder and the eval cache (``--cache-dir``) holds the articles written from SQuAD.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_SUITES = ("seed", "seed-probe", "reader-questions")


def auc(positive: list[float], negative: list[float]) -> float:
    """P(a random answerable question scores above a random unanswerable one); ties count half."""
    p, n = np.asarray(positive)[:, None], np.asarray(negative)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def signals(suite, readers: dict, work: Path) -> list[tuple[bool, dict[str, float]]]:
    """(answerable, {signal: value}) for each single-turn, non-overview case of ``suite``."""
    from assistant import Assistant

    out = []
    for k, group in enumerate(suite.groups):
        bot = Assistant.open(list(group.sources), index_dir=work / f"{suite.name}-{k}")
        reader = bot.backend
        for case in group.cases:
            if case.history or case.min_cited:
                continue
            passages = bot.retriever.retrieve(case.question)
            scored = reader.score_sentences(case.question, passages)
            top = [c.passage.paragraph.sentences[c.index].text for c in scored[:2]]
            values = {"answerability": reader.confidence(case.question, scored)}
            for name, sentence_reader in readers.items():
                readings = sentence_reader.read(case.question, top)
                values[name] = max((r.margin for r in readings), default=-50.0)
            out.append((case.answerable, values))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("suites", nargs="*", default=list(DEFAULT_SUITES), help="suite names or YAML files")
    ap.add_argument("--reading-model", type=Path, action="append", default=[], metavar="PATH.onnx")
    ap.add_argument("--cache-dir", type=Path, help="where SQuAD-based suites write their articles")
    args = ap.parse_args(argv)

    from assistant.extractive.reading import MODEL_FILE, SentenceReader
    from evals.suite import find_suite, load_suite

    readers = {"margin (shipped)": SentenceReader(MODEL_FILE)}
    for path in args.reading_model:
        if not path.exists():
            print(f"No reading model at {path}.", file=sys.stderr)
            return 2
        readers[f"margin ({path.parent.name})"] = SentenceReader(path)
    rows: dict[str, dict[str, float]] = {}
    counts: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="footnote-signals-") as tmp:
        for spec in args.suites:
            path = find_suite(spec)
            corpus = "per-article" if path.stem == "reader-questions" else None
            suite = load_suite(path, cache_dir=args.cache_dir, corpus=corpus)
            data = signals(suite, readers, Path(tmp))
            yes = [v for answerable, v in data if answerable]
            no = [v for answerable, v in data if not answerable]
            if not yes or not no:
                print(f"{suite.name}: needs answerable and unanswerable questions; skipped", file=sys.stderr)
                continue
            counts[suite.name] = f"{len(yes)} / {len(no)}"
            rows[suite.name] = {k: auc([v[k] for v in yes], [v[k] for v in no]) for k in yes[0]}
    if not rows:
        return 1
    names = list(next(iter(rows.values())))
    print(
        f"{'AUC, answerable vs unanswerable':34s} {'questions':>10s} " + " ".join(f"{n:>18s}" for n in names)
    )
    for suite_name, row in rows.items():
        cells = " ".join(f"{row[n]:18.3f}" for n in names)
        print(f"{suite_name:34s} {counts[suite_name]:>10s} {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
