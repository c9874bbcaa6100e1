"""Experiment (not shipped): fine-tune the top layers of the default encoder on QMSum train.

    .venv/bin/python bench/finetune.py --out DIR [--layers 2] [--epochs 1] [--lr 2e-5] [--unit sentence]

Issue 3 invites a fine-tuned encoder if it wins on both dev sets and its shipped weights stay
under 25 MB. Training only the top `--layers` transformer layers keeps the part that would ship
small (two MiniLM layers are 3.5 M parameters, 14 MB in float32); the rest is the packaged
all-MiniLM-L6-v2. Training data: the QMSum train meetings *outside* bench/heldout.py's subset
(so the held-out table stays unseen), each query paired with its gold turns (positives) and a
random non-gold turn of the same meeting (a hard-ish negative), in-batch negatives besides
(multiple-negatives ranking loss); `--unit sentence` pairs each query with its gold snippets
and the same meeting's non-gold sentence sharing most of its words instead. The folder written
is a whole sentence-transformers model:
evaluate it with `TQA_MODEL=DIR` (and a separate `TQA_CACHE` / `--index` so the MiniLM
caches stay as they are).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from transcript_qa.config import DEFAULT_MODEL  # noqa: E402
from transcript_qa.embed import model_path  # noqa: E402
from transcript_qa.formats import parse_file  # noqa: E402
from transcript_qa.lexicon import keywords  # noqa: E402
from transcript_qa.passages import sentence_spans  # noqa: E402
from transcript_qa.train import _subset  # noqa: E402

DATA = ROOT / "data" / "qmsum-train"
MIN_WORDS = 8


def _training_queries() -> Iterator[tuple[dict, list[str]]]:
    """Each query of a QMSum train meeting outside the held-out subset, with its turns' texts."""
    held = set(_subset(DATA / "queries.jsonl", 25000, 0))
    turns: dict[str, list[str]] = {}
    for line in (DATA / "queries.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        m = d["meeting"]
        if m in held:
            continue
        if m not in turns:
            turns[m] = [t.text for t in parse_file(DATA / "transcripts" / m).turns]
        yield d, turns[m]


def sentence_examples(rnd: random.Random) -> list[tuple[str, str, str]]:
    """(query, gold snippet, the non-gold sentence of the same meeting sharing most query words):
    search scores a turn mostly by its best sentence, and a word-sharing negative is a hard one."""
    out: list[tuple[str, str, str]] = []
    for d, texts in _training_queries():
        gold = set(d["gold_turns"])
        qw = set(keywords(d["query"]))
        others = [t[a:b] for i, t in enumerate(texts) if i not in gold
                  for a, b in sentence_spans(t) if len(t[a:b].split()) >= MIN_WORDS]
        if not others:
            continue
        rnd.shuffle(others)
        neg = max(others, key=lambda s: len(qw & set(keywords(s))))
        for pos in d.get("gold_snippets") or []:
            if len(pos.split()) >= MIN_WORDS:
                out.append((d["query"], pos, neg))
    return out


def examples(max_pos: int, rnd: random.Random) -> list[tuple[str, str, str]]:
    """(query, gold turn, non-gold turn of the same meeting) triples, training meetings only."""
    out: list[tuple[str, str, str]] = []
    for d, texts in _training_queries():
        gold = {i for i in d["gold_turns"] if i < len(texts) and len(texts[i].split()) >= MIN_WORDS}
        others = [i for i in range(len(texts))
                  if i not in d["gold_turns"] and len(texts[i].split()) >= MIN_WORDS]
        if not gold or not others:
            continue
        for i in rnd.sample(sorted(gold), min(max_pos, len(gold))):
            out.append((d["query"], texts[i], texts[rnd.choice(others)]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--layers", type=int, default=2, help="top transformer layers to train")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--max-pos", type=int, default=3, help="gold turns per query")
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--unit", choices=("turn", "sentence"), default="turn",
                    help="positives: gold turns, or the gold snippets (sentences) with a "
                         "word-sharing hard negative")
    args = ap.parse_args()

    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(args.seed)
    rnd = random.Random(args.seed)
    data = (examples(args.max_pos, rnd) if args.unit == "turn"
            else sentence_examples(rnd))
    print(f"{len(data)} (query, gold, other) triples", flush=True)
    model = SentenceTransformer(model_path(DEFAULT_MODEL), device="cpu")
    served_len = model.max_seq_length  # training truncates harder; the saved model must not
    model.max_seq_length = args.max_len
    bert = model[0].auto_model
    for p in bert.parameters():
        p.requires_grad = False
    train = [p for layer in bert.encoder.layer[-args.layers:] for p in layer.parameters()]
    for p in train:
        p.requires_grad = True
    n = sum(p.numel() for p in train)
    print(f"training {n:,} parameters ({n * 4 / 1e6:.1f} MB float32)", flush=True)
    opt = torch.optim.AdamW(train, lr=args.lr)
    model.train()

    def embed(texts: list[str]) -> torch.Tensor:
        feats = model.preprocess(texts)
        out = model(feats)["sentence_embedding"]
        return torch.nn.functional.normalize(out, dim=-1)

    t0 = time.time()
    step = 0
    for epoch in range(args.epochs):
        rnd.shuffle(data)
        for b in range(0, len(data) - args.batch + 1, args.batch):
            batch = data[b:b + args.batch]
            q = embed([x[0] for x in batch])
            docs = embed([x[1] for x in batch] + [x[2] for x in batch])
            logits = 20.0 * q @ docs.T
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            if step % 20 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.3f} "
                      f"{time.time() - t0:.0f}s", flush=True)
    model.eval()
    model.max_seq_length = served_len
    model.save(str(args.out))
    print(f"saved {args.out} after {time.time() - t0:.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
