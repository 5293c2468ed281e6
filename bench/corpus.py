"""Reproducible synthetic newsroom corpora for the benchmarks (1k, 10k, 100k paragraphs).

Articles are built from the sentences of the XQuAD dev contexts and the seed article,
recombined by a seeded RNG into paragraphs of 2-6 sentences (realistic news length), ten
paragraphs an article under a title and a section heading. Each sentence gets one or two
words swapped for other words of the corpus vocabulary and is drawn again if the result
was already used, so every sentence is unique and no embedding cache or de-duplication
can flatter the ingest numbers. (Corpora written before this rule, e.g. the 10k one
measured first, had about 29% repeated texts: delete ``bench/.corpora`` to regenerate.)
Corpora are written under ``bench/.corpora/<size>/`` (git-ignored) and reused when present.
This module does not measure anything.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "bench" / ".corpora"
XQUAD = Path(__file__).resolve().parent.parent / "evals" / "data" / "xquad-en-dev.json"
SEED = ROOT / "seeds" / "kim-putin-summit.txt"
PARAGRAPHS_PER_ARTICLE = 10
_WORD = re.compile(r"[A-Za-z]{4,}")


def _source_sentences() -> list[str]:
    from index.sentences import sentence_spans

    texts: list[str] = []
    xquad = XQUAD if XQUAD.exists() else ROOT / "evals" / "data" / "xquad-en-dev.json"
    if xquad.exists():
        data = json.loads(xquad.read_text(encoding="utf-8"))
        texts += [p["context"] for a in data["data"] for p in a["paragraphs"]]
    texts += [b for b in SEED.read_text(encoding="utf-8").split("\n\n") if len(b) > 120]
    out = []
    for t in texts:
        for s, e in sentence_spans(t):
            sent = " ".join(t[s:e].split())
            if 30 <= len(sent) <= 400:
                out.append(sent)
    return out


def generate(paragraphs: int, seed: int = 7) -> Path:
    """Write (or reuse) a corpus of ``paragraphs`` paragraphs; return its folder."""
    folder = CORPORA / str(paragraphs)
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sentences = _source_sentences()
    vocab = sorted({w for s in sentences for w in _WORD.findall(s)})
    n_articles = max(1, paragraphs // PARAGRAPHS_PER_ARTICLE)
    written = 0
    seen: set[str] = set()
    for a in range(n_articles):
        count = min(PARAGRAPHS_PER_ARTICLE, paragraphs - written)
        if count <= 0:
            break
        title = " ".join(rng.choice(vocab).capitalize() for _ in range(rng.randint(4, 8)))
        lines = [f"# {title}", "", f"2024-{1 + a % 12:02d}-{1 + a % 28:02d}", ""]
        for i in range(count):
            if i == PARAGRAPHS_PER_ARTICLE // 2:
                lines += [f"## {rng.choice(vocab).capitalize()} {rng.choice(vocab)}", ""]
            sents = []
            for _ in range(rng.randint(2, 6)):
                while True:  # a sentence never seen before in this corpus
                    words = rng.choice(sentences).split(" ")
                    swappable = [j for j, w in enumerate(words) if _WORD.fullmatch(w)]
                    for j in rng.sample(swappable, min(len(swappable), rng.randint(1, 2))):
                        words[j] = rng.choice(vocab)
                    sentence = " ".join(words)
                    if sentence not in seen:
                        seen.add(sentence)
                        break
                sents.append(sentence)
            lines += [" ".join(sents), ""]
        (folder / f"article-{a:05d}.md").write_text("\n".join(lines), encoding="utf-8")
        written += count
    done.write_text(str(written))
    return folder


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["1000", "10000"]:
        print(generate(int(arg)))
