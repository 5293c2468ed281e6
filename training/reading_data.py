"""Sentence-level reading examples from SQuAD-format files: does this sentence answer, and where.

Each example is a question, one context (a sentence of its paragraph, or the two or three
sentences an answer spans, split by the product's own ``index.sentences``) and the answer's
character span inside it, or none:

- answerable question, its answering sentence: the gold span (positive);
- answerable question, the other sentence of its paragraph that shares most words with it and
  holds none of its answers: no span (an on-topic sentence that does not answer);
- SQuAD 2.0 unanswerable question (written by people to look answerable from its paragraph):
  the sentence of its plausible answer and the most overlapping sentence: no span;
- with ``--retrieved-negatives``, also each answerable question with the sentence of *another*
  paragraph of its article that the product's embedder finds closest to it and that holds none
  of its answers: no span. This is what the reader faces when the article does not answer (the
  bench's "answer removed" case): the likeliest on-topic sentence, retrieved, not word-matched;
- with ``--swapped-questions``, each answerable question with one name or number it shares
  with its answering sentence replaced by another of the same kind from elsewhere in the
  article ("...died in Paris?" -> "...died in London?"), against that same sentence: no span.
  A minimal pair: the sentence still looks like an answer, but to another question.

Rows carry their article title and source file, so the fitter can keep whole articles out.
``--exclude-xquad`` drops every article of the project's xquad file that is not a fitting
article (index 0 mod 4: 2 mod 4 chooses thresholds, odd ones are the held-out report) and
the six reader-questions articles (a development set, never fitted on). Reads local files
only; downloads nothing. Writes JSONL for ``training/reading_fit.py`` (which needs PyTorch,
so it runs in its own environment); this module needs only the project's environment.

    .venv/bin/python -m training.reading_data --out /work/data/reading/train.jsonl \
        --exclude-xquad SQUAD2_DEV.json SQUAD11_DEV.json [SQUADSHIFTS.json ...]

Any SQuAD-format file works: the shipped model also read SQuAD-shifts' new-wiki, reddit and
amazon test sets (Miller et al. 2020, CC BY 4.0; answerable questions only, so they add spans
and on-topic non-answering sentences from other domains, none of them xquad articles).
The shipped model was fitted without ``--retrieved-negatives`` and ``--swapped-questions``:
each was measured (a refit on the same files plus them) and cost more than it gave on
held-out xquad and the seed (docs/quality.md, seventh session); they stay for the next try.
    .venv/bin/python -m training.reading_data --out choose.jsonl --xquad-articles 2
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

from index.sentences import sentence_spans
from training.data import dataset_path

READER_QUESTION_ARTICLES = frozenset(
    {"Amazon_rainforest", "Black_Death", "Doctor_Who", "Kenya", "Oxygen", "Victoria_and_Albert_Museum"}
)
_WORD = re.compile(r"\w+")
# A few function words so that overlap means shared content; training-time only.
_STOP_WORDS = (
    "a an the of in on at to for by with from and or is are was were be been "
    "what which who whom whose when where why how did do does that this these those it its as"
)
_STOP = frozenset(_STOP_WORDS.split())


def _terms(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def xquad_titles() -> list[str]:
    return [a["title"] for a in json.loads(dataset_path().read_text(encoding="utf-8"))["data"]]


def excluded_titles() -> set[str]:
    """Every xquad article that is not for fitting (index not 0 mod 4), and reader-questions'."""
    return {t for i, t in enumerate(xquad_titles()) if i % 4 != 0} | READER_QUESTION_ARTICLES


def _overlapping(question: str, sentences: list[str], skip: set[int]) -> list[int]:
    q = _terms(question)
    order = sorted(
        (i for i in range(len(sentences)) if i not in skip),
        key=lambda i: -len(q & _terms(sentences[i])) / (len(q) or 1),
    )
    return [i for i in order if q & _terms(sentences[i])]


def paragraph_examples(title: str, context: str, qas: list[dict], source: str) -> Iterator[dict]:
    spans = sentence_spans(context)
    sentences = [context[s:e] for s, e in spans]

    def where(char: int) -> int | None:
        for i, (s, e) in enumerate(spans):
            if s <= char < e:
                return i
        return None

    base = {"article": title, "source": source}
    for qa in qas:
        q = qa["question"].strip()
        if not q:
            continue
        answers = [a for a in qa.get("answers", []) if a["text"].strip()]
        if answers and not qa.get("is_impossible", False):
            a = answers[0]
            start, end = a["answer_start"], a["answer_start"] + len(a["text"])
            first, last = where(start), where(end - 1)
            if first is None or last is None or context[start:end] != a["text"]:
                continue
            s0, e0 = spans[first][0], spans[last][1]
            window = context[s0:e0]
            yield {**base, "q": q, "context": window, "start": start - s0, "end": end - s0, "id": qa["id"]}
            texts = {_norm(x["text"]) for x in answers}
            for i in _overlapping(q, sentences, set(range(first, last + 1))):
                if not any(t in _norm(sentences[i]) for t in texts):
                    yield {**base, "q": q, "context": sentences[i], "start": -1, "end": -1, "id": qa["id"]}
                    break
        elif qa.get("is_impossible", False):
            picked: list[int] = []
            for pa in qa.get("plausible_answers", []):
                i = where(pa.get("answer_start", -1))
                if i is not None and i not in picked:
                    picked.append(i)
            for i in _overlapping(q, sentences, set(picked)):
                picked.append(i)
                break
            for i in picked[:2]:
                yield {**base, "q": q, "context": sentences[i], "start": -1, "end": -1, "id": qa["id"]}


def read_articles(path: Path, exclude: set[str], only: set[str] | None = None) -> list[dict]:
    """The articles of a SQuAD-format file, without ``exclude`` (and only ``only``, if given)."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    return [a for a in data if a["title"] not in exclude and (only is None or a["title"] in only)]


def article_examples(articles: list[dict], source: str) -> Iterator[dict]:
    for art in articles:
        for p in art["paragraphs"]:
            yield from paragraph_examples(art["title"], p["context"], p["qas"], source)


def file_examples(path: Path, exclude: set[str], only: set[str] | None = None) -> Iterator[dict]:
    yield from article_examples(read_articles(path, exclude, only), path.name)


# A capitalised word inside a sentence (after a lower-case word: a name, not a sentence
# start), and a whole number; a number is swapped only for one with as many digits.
_NAME = re.compile(r"(?<=[a-z,] )[A-Z][a-z]{2,}\b")
_NUMBER = re.compile(r"(?<![\d.,])\d+(?![\d.,]\d)")


def swapped_questions(articles: list[dict], source: str, seed: int = 13) -> Iterator[dict]:
    """Each answerable question with one capitalised word or number that its answering sentence
    also holds (outside the answer) replaced by one of the same kind found only elsewhere in the
    article, paired with the answering sentence: no span."""
    rng = random.Random(seed)
    for art in articles:
        article = " ".join(p["context"] for p in art["paragraphs"])
        pools = {kind: sorted(set(kind.findall(article))) for kind in (_NAME, _NUMBER)}
        for p in art["paragraphs"]:
            context = p["context"]
            spans = sentence_spans(context)
            for qa in p["qas"]:
                q = qa["question"].strip()
                answers = [a for a in qa.get("answers", []) if a["text"].strip()]
                if not q or not answers or qa.get("is_impossible", False):
                    continue
                a = answers[0]
                inside = [(s, e) for s, e in spans if s <= a["answer_start"] < e]
                if not inside:
                    continue
                s0, e0 = inside[0]
                sentence = context[s0:e0]
                told = {_norm(x["text"]) for x in answers}
                choices = []
                for kind in (_NAME, _NUMBER):
                    for m in kind.finditer(q):
                        word = m.group()
                        if m.start() == 0 or word not in sentence or any(word.lower() in t for t in told):
                            continue
                        others = [
                            w
                            for w in pools[kind]
                            if w not in sentence and w not in q and (kind is _NAME or len(w) == len(word))
                        ]
                        if others:
                            choices.append((m, rng.choice(others)))
                if not choices:
                    continue
                m, new = rng.choice(choices)
                yield {
                    "article": art["title"],
                    "source": source,
                    "q": q[: m.start()] + new + q[m.end() :],
                    "context": sentence,
                    "start": -1,
                    "end": -1,
                    "id": qa["id"] + "-swapped",
                }


def retrieved_negatives(articles: list[dict], source: str, encoder) -> Iterator[dict]:
    """Each answerable question with its article's closest sentence (cosine, the product's
    embedder) from another paragraph that holds none of its answers."""
    import numpy as np

    for art in articles:
        if len(art["paragraphs"]) < 2:
            continue
        sentences, owner = [], []
        for k, p in enumerate(art["paragraphs"]):
            for s, e in sentence_spans(p["context"]):
                sentences.append(p["context"][s:e])
                owner.append(k)
        asked = [
            (k, qa)
            for k, p in enumerate(art["paragraphs"])
            for qa in p["qas"]
            if qa["question"].strip() and not qa.get("is_impossible", False) and qa.get("answers")
        ]
        if not asked:
            continue
        svec = encoder.encode(sentences)
        qvec = encoder.encode([qa["question"].strip() for _, qa in asked])
        owner_arr = np.array(owner)
        for (k, qa), sims in zip(asked, qvec @ svec.T, strict=True):
            texts = {_norm(a["text"]) for a in qa["answers"] if a["text"].strip()}
            for i in np.argsort(-np.where(owner_arr == k, -np.inf, sims))[:5]:
                if owner[i] != k and not any(t in _norm(sentences[i]) for t in texts):
                    yield {
                        "article": art["title"],
                        "source": source,
                        "q": qa["question"].strip(),
                        "context": sentences[i],
                        "start": -1,
                        "end": -1,
                        "id": qa["id"],
                    }
                    break


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", type=Path, help="SQuAD-format JSON files (v1.1 or v2.0)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument(
        "--exclude-xquad", action="store_true", help="drop non-fitting xquad and reader-questions articles"
    )
    ap.add_argument(
        "--xquad-articles",
        type=int,
        choices=(0, 1, 2, 3),
        help="the project's xquad articles with index = this mod 4",
    )
    ap.add_argument(
        "--retrieved-negatives",
        action="store_true",
        help="add each answerable question's closest sentence from another paragraph (no span)",
    )
    ap.add_argument(
        "--swapped-questions",
        action="store_true",
        help="add each answerable question with a name or number swapped, against its sentence (no span)",
    )
    args = ap.parse_args(argv)
    exclude = excluded_titles() if args.exclude_xquad else set()
    encoder = None
    if args.retrieved_negatives:
        from index.embedding import MiniLMEncoder

        encoder = MiniLMEncoder()
    rows: list[dict] = []
    seen: set[str] = set()
    for path in args.files:
        articles = read_articles(path, exclude)
        kinds = [article_examples(articles, path.name)]
        if encoder is not None:
            kinds.append(retrieved_negatives(articles, path.name, encoder))
        if args.swapped_questions:
            kinds.append(swapped_questions(articles, path.name))
        for row in itertools.chain(*kinds):
            # The same question in two files (v1.1 dev is in v2.0 dev): keep the first file's.
            key = f"{row['id']}|{row['context']}"
            if key not in seen:
                seen.add(key)
                rows.append(row)
    if args.xquad_articles is not None:
        titles = {t for i, t in enumerate(xquad_titles()) if i % 4 == args.xquad_articles}
        rows += list(file_examples(dataset_path(), set(), titles))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    pos = sum(r["start"] >= 0 for r in rows)
    print(
        f"{len(rows)} examples ({pos} with a span, {len(rows) - pos} without) from "
        f"{len({r['article'] for r in rows})} articles -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
