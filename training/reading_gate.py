"""Choose how the offline reader uses the sentence reader, on whole questions: short answers,
which of the two likeliest sentences goes first, and (measured, not used) abstention.

    .venv/bin/python -m training.reading_gate --rows ROWS.pkl [--max-false-abstention F] [--write]
        [--ship-abstention]

Rows come from ``training/unanswerable.py``: each xquad-dev question asked of the corpus and of
its own article (must be answered), and of its own article with the answering sentences
removed, without its gold paragraph, and of another article (must be declined), each with the
reader's evidence and the sentences its answer quotes. The sentence reader
(``assistant/extractive/reading.py``) reads those, as the product does. Only xquad articles the
reading model never saw are used (it was fitted on 0 mod 4): choices are made on articles 2 mod
4 and everything is reported on the odd ones, held out from both.

- Short answers: a span is withheld below the highest margin under which the reader's spans of
  the quoted sentences average token F1 <= ``WITHHELD_F1`` on 2 mod 4 (mostly wrong: better no
  short answer than a wrong one shown first; the quoted sentence still answers).
- Order (``swap_margin``): the reader's two likeliest sentences swap when the sentence reader's
  margin prefers the second by more than this; the candidate (``SWAPS``) whose best sentence
  holds a gold answer most often on 2 mod 4.
- Abstention: a logistic model over the logit of the answerability probability
  (``answerability``) and the reader's best margin over the quoted sentences, fitted on 2 mod 4
  on the questions the other rules answer, its threshold the highest there at which false
  abstentions (the other rules' included) stay within ``--max-false-abstention``. Written as
  ``abstention`` (used by the reader) with ``--ship-abstention``, else recorded as measured.

``--write`` stores the result in ``gate.json`` beside the model.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import subprocess
from datetime import date
from pathlib import Path

import numpy as np

from assistant.asking import is_yes_no
from assistant.extractive.reader import ANSWERABLE, answer_logit
from assistant.extractive.reading import GATE_FILE, MODEL_FILE, SentenceReader
from evals.metrics import best_f1
from training.data import load

MAX_FALSE_ABSTENTION = 0.05
SWAPS = (0.0, 0.5, 1.0, 2.0, 3.0, 4.0, math.inf)  # candidate swap margins
# Spans this wrong on average are not shown as the short answer (set a priori, not tuned).
WITHHELD_F1 = 0.2
ANSWERABLE_KINDS = ("corpus", "single")
KINDS = ("corpus", "single", "sentence", "paragraph", "oos")


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def rates(kinds: np.ndarray, declined: np.ndarray) -> dict[str, float]:
    return {k: round(float(declined[kinds == k].mean()), 4) for k in KINDS if (kinds == k).any()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=Path, required=True)
    ap.add_argument("--model", type=Path, default=MODEL_FILE)
    ap.add_argument("--max-false-abstention", type=float, default=MAX_FALSE_ABSTENTION)
    ap.add_argument("--write", action="store_true")
    ap.add_argument(
        "--ship-abstention", action="store_true", help="the product declines by the fitted rule (else: recorded only)"
    )
    args = ap.parse_args(argv)

    rows = [r for r in pickle.loads(args.rows.read_bytes()) if r["article"] % 4 != 0]
    reader = SentenceReader(args.model)
    # What the product reads: the sentences the reader quotes (none when its rules decline).
    readings = [
        max(reader.read(r["question"], r["chosen"]), key=lambda x: x.margin) if r["chosen"] else None
        for r in rows
    ]
    p0 = np.array([ANSWERABLE.probability(r["x"]) for r in rows])
    margins = np.array([max(rd.margin, -50.0) if rd else -50.0 for rd in readings])
    x = np.column_stack([[math.log(max(p, 1e-6) / max(1 - p, 1e-6)) for p in p0], margins])
    kinds = np.array([r["kind"] for r in rows])
    y = np.isin(kinds, ANSWERABLE_KINDS).astype(float)
    choose = np.array([r["article"] % 4 == 2 for r in rows])
    report = ~choose
    today = np.array([not r["chosen"] for r in rows])  # declined by the reader's other rules

    from sklearn.linear_model import LogisticRegression  # training time only (the test extra)

    live = choose & ~today
    fitted = LogisticRegression(C=1e3, max_iter=1000).fit(x[live], y[live])
    w, b = fitted.coef_[0], float(fitted.intercept_[0])
    score = np.array(
        [
            answer_logit(float(p), float(m), (float(w[0]), float(w[1]), b))
            for p, m in zip(p0, margins, strict=True)
        ]
    )
    # The highest threshold whose false abstentions on 2 mod 4 (with the other rules') stay
    # within the limit.
    answerable = choose & (y == 1)
    threshold = -math.inf
    for t in np.sort(score[answerable & ~today]):
        if (today | (score < t))[answerable].mean() > args.max_false_abstention:
            break
        threshold = float(t)
    declined = today | (score < threshold)
    result = {
        "today": {
            "choose": rates(kinds[choose], today[choose]),
            "report": rates(kinds[report], today[report]),
        },
        "with the reader": {
            "choose": rates(kinds[choose], declined[choose]),
            "report": rates(kinds[report], declined[report]),
        },
    }
    print(
        f"logit = {w[0]:.3f} * logit(answerable) + {w[1]:.3f} * margin + {b:.3f}; decline under {threshold:.3f}"
    )
    print(json.dumps(result, indent=1))

    # Short answers: the reader's span of the best sentence, for answerable corpus rows.
    answers = {qid: golds for _, _, qid, _, golds in load()[1]}
    spans = [
        (rd.margin, best_f1(rd.span, answers[r["id"]]), r["article"] % 4 == 2)
        for r, rd in zip(rows, readings, strict=True)
        if r["kind"] == "corpus" and rd is not None and not is_yes_no(r["question"])
    ]
    margins = sorted({round(m, 1) for m, _, c in spans if c})
    short_above = max(
        (t for t in margins if np.mean([f for m, f, c in spans if c and m < t] or [1.0]) <= WITHHELD_F1),
        default=margins[0],
    )
    short = {}
    for name, want in (("choose", True), ("report", False)):
        part = [(m, f) for m, f, c in spans if c == want]
        given = [f for m, f in part if m >= short_above]
        short[name] = {
            "given": round(len(given) / len(part), 4),
            "f1_given": round(float(np.mean(given)), 4),
            "f1_always": round(float(np.mean([f for _, f in part])), 4),
        }
    print(f"short answer at margin >= {short_above}: {json.dumps(short)}")

    # Sentence order: does the best sentence hold a gold answer, with the reader's two likeliest
    # swapped when the sentence reader's margin prefers the second by more than t?
    pairs = [
        (r["article"] % 4 == 2, reader.read(r["question"], r["top"][:2]), r["top"][:2], answers[r["id"]])
        for r in rows
        if r["kind"] in ANSWERABLE_KINDS and len(r["top"]) >= 2
    ]

    def holds(t: float, want: bool) -> float:
        return float(
            np.mean(
                [
                    any(_norm(a) in _norm(top[1 if rd[1].margin - rd[0].margin > t else 0]) for a in golds)
                    for c, rd, top, golds in pairs
                    if c == want
                ]
            )
        )

    order = {str(t): {"choose": round(holds(t, True), 4), "report": round(holds(t, False), 4)} for t in SWAPS}
    # The best on 2 mod 4; on a tie the larger (fewer swaps).
    swap_margin = max(SWAPS, key=lambda t: (order[str(t)]["choose"], t))
    print(f"best sentence holds gold, by swap margin: {json.dumps(order)}; chosen {swap_margin}")
    if args.write:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        gate = {
            "short_above": short_above,
            "swap_margin": swap_margin,
            "swap_rule": "the reader's two likeliest sentences swap when the sentence reader's margin "
            "prefers the second by more than this; the value whose best sentence holds a gold answer "
            "most often on xquad-dev articles 2 mod 4",
            "order": order,
            "rule": f"no short answer under the highest margin below which spans average token F1 <= {WITHHELD_F1} on "
            "xquad-dev articles 2 mod 4",
            ("abstention" if args.ship_abstention else "abstention_measured_not_used"): {
                "answer_logit": [round(float(w[0]), 6), round(float(w[1]), 6), round(b, 6)],
                "decline_below": round(threshold, 6),
                "rule": f"logistic fitted on xquad-dev articles 2 mod 4; threshold at false "
                f"abstention {args.max_false_abstention} there",
            },
            "data": "training/unanswerable.py rows of xquad-dev; fitted on articles 2 mod 4, reported on odd",
            "fitted": date.today().isoformat(),
            "commit": commit.stdout.strip(),
            "declined": result,
            "short": short,
        }
        gate_file = args.model.with_name(GATE_FILE.name)
        gate_file.write_text(json.dumps(gate, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {gate_file}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
