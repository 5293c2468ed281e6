"""Probe: does MiniLM token-level alignment separate answerable from on-topic unanswerable questions?

    PYTHONPATH=. python training/alignment_probe.py [--rows /tmp/rows.pkl] [--reader /tmp/reader.pkl]

For a question and the reader's best sentences, every content word of the question (wordpieces
of the int8 MiniLM's last hidden state, averaged per word, before pooling) is matched to its
closest word of the sentence by cosine. Features: the mean and the minimum of those best
matches, the mean of the two weakest, and the share above a threshold, for the best sentence
and for the union of the best three. Reports each feature's AUC (answerable vs on-topic
unanswerable) next to the shipped evidence's, on the held-out (odd-numbered) xquad articles,
and the answerability model refitted with and without them (fit on even articles, threshold
on their out-of-fold predictions, reported on odd articles); then, as a development check
only (never used to choose anything), the same on reader-questions. This module does not
change the assistant; it measures.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.extractive.answerability import EVIDENCE
from assistant.lexicon import QUESTION_WORDS, is_stopword
from training import abstention
from training.unanswerable import TOP_TEXTS, build

THRESHOLDS = (0.5, 0.6, 0.7, 0.8)
READER_KINDS = ("paraphrase", "typo", "two-paragraph", "unanswerable")
MATCHED_FA = 0.04
READER_DATA = Path("/work/shared/datasets/reader-questions/reader-questions.jsonl")


def token_words(encoder, texts: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """text -> (L2-normalised word vectors, content-word mask, question-word mask): wordpiece
    vectors of the last hidden state averaged per word; the question-word mask marks "what",
    "when", ... and the word after "how"."""
    texts = list(dict.fromkeys(texts))
    encoder._ready()
    encodings = encoder._tokenizer.encode_batch([t if t.strip() else "." for t in texts])
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for idx in encoder._batches([len(e.ids) for e in encodings]):
        hidden, _ = encoder.hidden_states(encodings, idx)
        for row, i in enumerate(idx):
            enc = encodings[i]
            words: dict[int, list[int]] = {}
            for t, w in enumerate(enc.word_ids):
                if w is not None:
                    words.setdefault(w, []).append(t)
            vecs, content, slot = [], [], []
            previous = ""
            for pieces in words.values():
                v = hidden[row, pieces].mean(axis=0)
                vecs.append(v / max(float(np.linalg.norm(v)), 1e-12))
                word = "".join(enc.tokens[t].removeprefix("##") for t in pieces)
                content.append(word.isalnum() and not is_stopword(word))
                slot.append(word in QUESTION_WORDS or previous == "how")
                previous = word
            out[texts[i]] = (
                np.array(vecs, dtype=np.float32).reshape(-1, hidden.shape[-1]),
                np.array(content, dtype=bool),
                np.array(slot, dtype=bool),
            )
    return out


NAMES = tuple(
    f"{scope}_{stat}"
    for scope in ("al1", "al3")
    for stat in ("mean", "min", "low2", *(f"share{int(t * 10)}" for t in THRESHOLDS), "slot", "novel", "rare")
)
NOVEL = 0.6  # a sentence word whose best match among the question's words is below this is new


def _stats(best: np.ndarray) -> list[float]:
    if best.size == 0:
        return [1.0, 1.0, 1.0, *([1.0] * len(THRESHOLDS))]
    low = np.sort(best)[:2]
    return [
        float(best.mean()),
        float(best.min()),
        float(low.mean()),
        *(float(np.mean(best >= t)) for t in THRESHOLDS),
    ]


def alignment(question: str, top: list[str], vectors, rarity: np.ndarray | None = None) -> list[float]:
    """NAMES for ``question`` against the best sentence and the union of the best three;
    ``rarity`` (the question's words' IDF) picks the rarer half for ``rare``."""
    qv, qc, qs = vectors[question]
    q = qv[qc] if qc.any() else qv
    wh = qv[qs]
    feats: list[float] = []
    for n in (1, 3):
        ss = [vectors[t][0][vectors[t][1]] for t in top[:n]]
        s = np.concatenate(ss) if ss else np.zeros((0, qv.shape[1]), dtype=np.float32)
        if not len(s):
            feats += [0.0] * (len(NAMES) // 2)
            continue
        feats += _stats((q @ s.T).max(axis=1))
        # The slot: sentence words the question does not hold, against its question words in context.
        novel = s[(q @ s.T).max(axis=0) < NOVEL] if len(q) else s
        feats.append(float((wh @ novel.T).max()) if len(wh) and len(novel) else 0.0)
        feats.append(len(novel) / len(s))
        best = (q @ s.T).max(axis=1)
        if rarity is not None and len(best) == int(qc.sum()) and len(best):
            r = rarity[qc]
            feats.append(float(best[r >= np.median(r)].min()))
        else:
            feats.append(float(best.min()) if len(best) else 1.0)
    return feats


def auc(score: np.ndarray, label: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(label, score))


def reader_rows(cache: Path) -> list[dict]:
    """Evidence rows for reader-questions (each asked of its own article), dev only."""
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    from index.embedding import MiniLMEncoder
    from training.data import CORPORA, load, single_article_bot, write_articles

    encoder = MiniLMEncoder()
    articles, _ = load()
    paths = write_articles(articles, CORPORA / "xquad" / "articles")
    index = {a.title.replace(" ", "_"): i for i, a in enumerate(articles)}
    records = [json.loads(line) for line in READER_DATA.read_text(encoding="utf-8").splitlines() if line]
    out = []
    bots: dict[int, object] = {}
    for r in records:
        if r["kind"] not in READER_KINDS:
            continue
        a = index[r["article"]]
        bot = bots.setdefault(a, single_article_bot(paths, a, encoder))
        reader = bot.backend
        k = bot.backend.settings.passages_used
        scored = reader.score_sentences(r["q"], bot.retrieve(r["q"], top_k=k))
        out.append(
            {
                "kind": r["kind"],
                "label": int(r["answerable"]),
                "question": r["q"],
                "x": reader.answerable_features(r["q"], scored),
                "top": [c.passage.paragraph.sentences[c.index].text for c in scored[:TOP_TEXTS]],
                "confidence": reader.confidence(r["q"], scored),
            }
        )
    cache.write_bytes(pickle.dumps(out))
    return out


def idf() -> dict[str, float]:
    """Word IDF over the xquad-dev paragraphs (lower-cased whitespace words, punctuation stripped)."""
    from training.data import load

    articles, _ = load()
    df: dict[str, int] = {}
    n = 0
    for a in articles:
        for c in a.contexts:
            n += 1
            for w in {w.strip(".,;:!?()\"'").lower() for w in c.split()}:
                df[w] = df.get(w, 0) + 1
    return {w: float(np.log((n + 1) / (d + 1))) for w, d in df.items()} | {"": float(np.log(n + 1))}


def add_alignment(rows: list[dict], encoder) -> None:
    texts = [r["question"] for r in rows] + [t for r in rows for t in r["top"][:3]]
    vectors = token_words(encoder, texts)
    weights = idf()
    top = max(weights.values())
    for r in rows:
        words = _words(encoder, r["question"])
        rarity = np.array([weights.get(w, top) for w in words])
        r["al"] = alignment(r["question"], r["top"], vectors, rarity)


def _words(encoder, text: str) -> list[str]:
    enc = encoder._tokenizer.encode(text)
    words: dict[int, str] = {}
    for t, w in enumerate(enc.word_ids):
        if w is not None:
            words[w] = words.get(w, "") + enc.tokens[t].removeprefix("##")
    return list(words.values())


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=Path, default=Path("/tmp/footnote-answerability-rows-text.pkl"))
    ap.add_argument("--reader", type=Path, default=Path("/tmp/footnote-reader-question-rows.pkl"))
    args = ap.parse_args()
    from index.embedding import MiniLMEncoder

    encoder = MiniLMEncoder()
    rows = [r for r in build(args.rows) if r["kind"] in ("corpus", "single", "sentence", "oos")]
    add_alignment(rows, encoder)
    even = [r for r in rows if r["article"] % 2 == 0]
    odd = [r for r in rows if r["article"] % 2 == 1]
    print("AUC answerable (single) vs sentence-removed, held-out odd articles; even for reference")
    for split, part in (("odd", odd), ("even", even)):
        sub = [r for r in part if r["kind"] in ("single", "sentence")]
        y = np.array([r["label"] for r in sub])
        shown = ["best", "best_cos", "max_cos", "dense_top2", "best_share", "best_idf_share"]
        line = [f"{n}={auc(np.array([r['x'][EVIDENCE.index(n)] for r in sub]), y):.3f}" for n in shown]
        line += [f"{n}={auc(np.array([r['al'][i] for r in sub]), y):.3f}" for i, n in enumerate(NAMES)]
        print(f"  {split} (n={len(sub)}): " + "  ".join(line))
    reader = reader_rows(args.reader)
    add_alignment(reader, encoder)
    y = np.array([r["label"] for r in reader])
    print("reader-questions (dev only) AUC answerable vs unanswerable:")
    shown = ["best", "best_cos", "max_cos", "dense_top2", "best_share", "best_idf_share"]
    line = [f"confidence={auc(np.array([r['confidence'] for r in reader]), y):.3f}"]
    line += [f"{n}={auc(np.array([r['x'][EVIDENCE.index(n)] for r in reader]), y):.3f}" for n in shown]
    line += [f"{n}={auc(np.array([r['al'][i] for r in reader]), y):.3f}" for i, n in enumerate(NAMES)]
    print("  " + "  ".join(line))
    refit(rows, reader)
    return 0


def refit(rows: list[dict], reader: list[dict]) -> None:
    """The answerability model with and without alignment features: fit even, threshold on even
    out-of-fold, report odd; then the reader-questions rates at that threshold (dev only)."""
    for r in rows + reader:
        r["x0"], r["x"] = r.get("x0", r["x"]), tuple(r.get("x0", r["x"])) + tuple(r["al"])
    n = len(EVIDENCE)
    al = {name: n + i for i, name in enumerate(NAMES)}
    semantic = [EVIDENCE.index(f) for f in abstention.SEMANTIC]
    every = list(range(n))
    pick = [al["al1_mean"], al["al1_min"], al["al3_mean"], al["al3_min"], al["al3_low2"]]
    candidates = {
        "semantic": (abstention.logistic, semantic),
        "semantic+al": (abstention.logistic, semantic + pick),
        "logistic": (abstention.logistic, every),
        "logistic+al": (abstention.logistic, every + pick),
        "trees": (abstention.boosted, every),
        "trees+al": (abstention.boosted, every + pick),
    }
    even = [r for r in rows if r["article"] % 2 == 0]
    odd = [r for r in rows if r["article"] % 2 == 1]
    ry = np.array([r["label"] for r in reader])
    print(
        "model        thr  | held-out odd declined: single (=FA) corpus sentence oos, AUC, sentence declined"
        " at matched FA | reader-questions: answerable kept, unanswerable declined, AUC"
    )
    for name, (make, cols) in candidates.items():
        oof = abstention.out_of_fold(make, even, cols)
        t = abstention.choose_threshold(oof, even)
        x, y, w = abstention.arrays(even, cols)
        model = make().fit(x, y, **abstention._weights(make, w))
        p = model.predict_proba(abstention.arrays(odd, cols)[0])[:, 1]
        r = abstention.rates(p, odd, t)
        pr = model.predict_proba(np.array([[q["x"][c] for c in cols] for q in reader]))[:, 1]
        kept = float(np.mean(pr[ry == 1] >= t))
        declined = float(np.mean(pr[ry == 0] < t))
        pair = [q["kind"] in ("single", "sentence") for q in odd]
        held_auc = auc(p[pair], np.array([q["label"] for q, keep in zip(odd, pair, strict=True) if keep]))
        kinds = np.array([q["kind"] for q in odd])
        # Reporting only: held-out on-topic declines at exactly MATCHED_FA false abstentions.
        cut = float(np.quantile(p[kinds == "single"], MATCHED_FA))
        matched = float(np.mean(p[kinds == "sentence"] < cut))
        print(
            f"{name:12s} {t:.2f} | {r['single']:.3f} {r['corpus']:.3f} {r['sentence']:.3f} {r['oos']:.3f}"
            f" auc={held_auc:.3f} @FA{MATCHED_FA}={matched:.3f} | reader {kept:.3f} {declined:.3f}"
            f" auc={auc(pr, ry):.3f}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
