"""Time to first token of the local backend: the first question on an article against later ones.

    .venv/bin/python bench/llm_latency.py [--model PATH.gguf] [--threads 2] [--questions 8]

Opens the seed article with the ``local`` backend (llama.cpp's server in-process; without
``--model`` the bundled SmolLM2-135M) and, for single-turn questions of the seed suite:

- **server**: the model's own time to first token for the answer prompt of each question,
  once with llama.cpp's prompt cache off (``cache_prompt: false``: the whole prompt is read,
  the baseline) and once with it on, right after another question on the same article (only
  what follows the shared prefix is read). Printed: p50 of each and their
  ratio, with the prompt's size in tokens as the server counted it.
- **footnote**: ``Assistant.stream`` end to end (retrieval, the model, the checks): time to
  the first checked sentence and to the whole answer, for the first question after opening
  and for the later ones, extra requests (repairs) included; and for the first question
  after ``Assistant.warm()`` has finished (the prompt up to the question read while the
  user types), on a copy of the prompts with one word changed so the server has cached
  nothing of it before.

Nothing here is asserted; it prints a table. The model file is an argument, never a default
of the product.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import machine, table  # noqa: E402


def seed_questions(n: int) -> list[str]:
    from evals.suite import load_suite

    suite = load_suite("seed")
    return [c.question for c in suite.cases if not c.history][:n]


def server_ttft(client, messages: list[dict], cache: bool) -> tuple[float, int]:
    """(seconds to the first streamed token, prompt tokens) for one request."""
    t0 = time.perf_counter()
    stream = client.chat.completions.create(
        model="local",
        messages=messages,
        max_tokens=8,
        temperature=0,
        stream=True,
        stream_options={"include_usage": True},
        extra_body={"cache_prompt": cache},
    )
    first, prompt_tokens = None, 0
    for chunk in stream:
        if first is None and chunk.choices and chunk.choices[0].delta.content:
            first = time.perf_counter() - t0
        if getattr(chunk, "usage", None):
            prompt_tokens = chunk.usage.prompt_tokens
    return (first if first is not None else time.perf_counter() - t0), prompt_tokens


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="a GGUF file (default: the bundled SmolLM2-135M)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--questions", type=int, default=8)
    ap.add_argument("--index-dir", default="/tmp/footnote-bench-llm-latency")
    args = ap.parse_args(argv)

    from assistant import Assistant
    from assistant.llm.backend import _all_passages
    from assistant.llm.prompting import answer_messages

    questions = seed_questions(args.questions)
    settings = {"model": args.model} if args.model else {}
    t0 = time.perf_counter()
    bot = Assistant.open(index_dir=args.index_dir, backend="local", threads=args.threads, **settings)
    opened = time.perf_counter() - t0
    with bot:
        backend = bot.backend
        model = Path(backend.server.spec.model).name
        # footnote end to end: the first question reads the whole prompt, later ones the question.
        firsts, wholes = [], []
        for q in questions:
            t = time.perf_counter()
            first = None
            for _piece in bot.stream(q):
                if first is None:
                    first = time.perf_counter() - t
            wholes.append(time.perf_counter() - t)
            firsts.append(first)
        # The first question again, after a warm-up, on a prefix the server has never seen.
        with tempfile.TemporaryDirectory() as tmp:
            system = resources.files("prompts").joinpath("system.md").read_text(encoding="utf-8")
            Path(tmp, "system.md").write_text(system.replace("You are footnote", "You are Footnote"), "utf-8")
            backend.settings = dataclasses.replace(backend.settings, prompts_dir=tmp)
            t = time.perf_counter()
            warming = backend.warm(bot.retriever)
            assert warming is not None, "the whole article should fit the local context"
            warming.join()
            warmed_up = time.perf_counter() - t
            t = time.perf_counter()
            warmed_first = None
            for _piece in bot.stream(questions[0]):
                if warmed_first is None:
                    warmed_first = time.perf_counter() - t
            backend.settings = dataclasses.replace(backend.settings, prompts_dir=None)
        # The server alone, cache off (baseline) and on, alternating questions.
        passages = _all_passages(bot.store)
        client = backend._client
        cold, warm, tokens = [], [], 0
        for i, q in enumerate(questions):
            msgs = [
                {"role": m.role.value, "content": m.content}
                for m in answer_messages(q, passages, backend.multi_document, backend.settings.prompts_dir)
            ]
            seconds, tokens = server_ttft(client, msgs, cache=False)
            cold.append(seconds)
            other = questions[(i + 1) % len(questions)]
            server_ttft(
                client,
                [*msgs[:-1], {**msgs[-1], "content": msgs[-1]["content"].replace(q, other)}],
                cache=True,
            )
            warm.append(server_ttft(client, msgs, cache=True)[0])
    p50 = statistics.median
    print(f"{machine()}; model {model}, {args.threads} threads; opened in {opened:.1f} s; "
          f"answer prompt {tokens} tokens")
    rows = [
        ["server: first token, prompt cache off (baseline)", f"{p50(cold):.2f} s", "1.00"],
        ["server: first token, prefix cached", f"{p50(warm):.2f} s", f"{p50(warm) / p50(cold):.2f}"],
        ["footnote: first checked sentence, first question", f"{firsts[0]:.2f} s", f"{firsts[0] / p50(cold):.2f}"],
        [
            "footnote: first checked sentence, later questions (p50)",
            f"{p50(firsts[1:]):.2f} s",
            f"{p50(firsts[1:]) / p50(cold):.2f}",
        ],
        ["footnote: whole answer, later questions (p50)", f"{p50(wholes[1:]):.2f} s", "—"],
        ["footnote: the warm-up request (in the background)", f"{warmed_up:.2f} s", "—"],
        [
            "footnote: first checked sentence, first question after the warm-up",
            f"{warmed_first:.2f} s",
            f"{warmed_first / p50(cold):.2f} ({warmed_first / firsts[0]:.2f} of no warm-up)",
        ],
    ]
    print(table([["measure", "seconds", "ratio to baseline"], *rows]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
