"""Retrieval on paraphrased and misspelled xquad-dev questions: the robustness dev set.

    .venv/bin/python training/paraphrase_dev.py

``training/paraphrase_dev.yaml`` rewrites 50 xquad-dev questions in other words; typo variants
of the same questions are generated here (seeded: one letter dropped, swapped or doubled in
up to two content words of each). Each set is ranked against the whole 32-article corpus and
against its own article indexed alone (a small index, like a single news article), next to
the original questions, and all 838 xquad questions (as asked, and with seeded typos) for
the guard rail. Prints hit@1 / MRR@10, then the answers' gold containment, top citation and
abstention rate on each set.
This is the set to tune robustness on; the seed suite stays a held-out check.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training.data import corpus, single_article_bot

HERE = Path(__file__).resolve().parent


def typo(text: str, rng: random.Random) -> str:
    words = list(re.finditer(r"[A-Za-z]{4,}", text))
    out = text
    for m in sorted(rng.sample(words, min(2, len(words))), key=lambda m: -m.start()):
        w = m.group(0)
        i = rng.randrange(1, len(w) - 1)
        op = rng.choice(("drop", "swap", "double"))
        if op == "drop":
            w2 = w[:i] + w[i + 1 :]
        elif op == "swap":
            w2 = w[: i - 1] + w[i] + w[i - 1] + w[i + 1 :]
        else:
            w2 = w[:i] + w[i] + w[i:]
        out = out[: m.start()] + w2 + out[m.end() :]
    return out


def rank_metrics(retriever, items) -> tuple[float, float]:
    h1 = rr = 0.0
    for text, doc, para in items:
        ranked = [(p.document, p.number) for p in retriever.retrieve(text, top_k=10)]
        if ranked and ranked[0] == (doc, para):
            h1 += 1
        if (doc, para) in ranked:
            rr += 1 / (ranked.index((doc, para)) + 1)
    return h1 / len(items), rr / len(items)


def answer_metrics(bot_for, items) -> tuple[float, float, float]:
    """(answer contains a gold answer, top citation is the gold ¶, abstained) over ``items``."""
    contained = gold = abstained = 0
    for text, q in items:
        ans = bot_for(q).ask(text)
        abstained += ans.abstained
        contained += (not ans.abstained) and any(_norm(a) in _norm(ans.text) for a in q.answers)
        top = ans.citations[0] if ans.citations else None
        gold += top is not None and (top.document, top.paragraph) == (q.doc_id, q.paragraph)
    n = len(items)
    return contained / n, gold / n, abstained / n


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def main() -> int:
    from index.embedding import MiniLMEncoder

    encoder = MiniLMEncoder()
    _, questions, bot, paths = corpus(encoder)
    by_id = {q.id: q for q in questions}
    spec = yaml.safe_load((HERE / "paraphrase_dev.yaml").read_text(encoding="utf-8"))["items"]
    rng = random.Random(6)
    sets: dict[str, list] = {"original": [], "paraphrase": [], "typo": []}
    by_id_q = {}
    for item in spec:
        q = by_id[item["id"]]
        sets["original"].append((q.text, q.doc_id, q.paragraph, q.article))
        sets["paraphrase"].append((item["q"], q.doc_id, q.paragraph, q.article))
        sets["typo"].append((typo(q.text, rng), q.doc_id, q.paragraph, q.article))
        for name in sets:
            text = sets[name][-1][0]
            by_id_q[(q.doc_id, q.paragraph, text)] = q
    print(f"{'set':12s} {'corpus hit@1':>12s} {'MRR':>6s} {'article hit@1':>14s} {'MRR':>6s}")
    singles = {}
    for name, items in sets.items():
        c = rank_metrics(bot.retriever, [i[:3] for i in items])
        h = r = 0.0
        for a in sorted({i[3] for i in items}):
            if a not in singles:
                singles[a] = single_article_bot(paths, a, encoder).retriever
            sub = [i[:3] for i in items if i[3] == a]
            hh, rrr = rank_metrics(singles[a], sub)
            h += hh * len(sub)
            r += rrr * len(sub)
        print(f"{name:12s} {c[0]:12.3f} {c[1]:6.3f} {h / len(items):14.3f} {r / len(items):6.3f}")
    allq = [(q.text, q.doc_id, q.paragraph) for q in questions]
    c = rank_metrics(bot.retriever, allq)
    print(f"{'xquad (838)':12s} {c[0]:12.3f} {c[1]:6.3f}")
    rng = random.Random(7)
    c = rank_metrics(bot.retriever, [(typo(q.text, rng), q.doc_id, q.paragraph) for q in questions])
    print(f"{'xquad typos':12s} {c[0]:12.3f} {c[1]:6.3f}")
    print(f"\n{'answers':20s} {'contained':>9s} {'top cite':>9s} {'abstained':>9s}")
    for name, items in sets.items():
        pairs = [(text, by_id_q[(doc, para, text)]) for text, doc, para, _ in items]
        for level, bot_for in (
            ("corpus", lambda q: bot),
            ("article", lambda q: single_article_bot(paths, q.article, encoder)),
        ):
            m = answer_metrics(bot_for, pairs)
            print(f"{name + ' / ' + level:20s} {m[0]:9.3f} {m[1]:9.3f} {m[2]:9.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
