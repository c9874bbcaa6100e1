"""Held-out check: the eval metrics on QMSum *train* meetings, which no knob of the shipped
ranking was chosen on (the dev sets were), so a change that only fits the dev sets shows here.

    .venv/bin/python bench/heldout.py [--max-turns 25000] [--only full,full-no-topic,...] [--all]

Takes a domain-stratified subset of data/qmsum-train meetings (`train._subset`, seed 0; 25k
turns = 55 meetings, 417 queries) and indexes it once into $TQA_CACHE/heldout-N (about 7
minutes here); later runs take seconds per system. System names are bench/eval.py's.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from eval import SYSTEMS  # noqa: E402

from transcript_qa import evaluate  # noqa: E402
from transcript_qa.api import TranscriptQA  # noqa: E402
from transcript_qa.config import load_config  # noqa: E402
from transcript_qa.train import _subset  # noqa: E402

DATA = ROOT / "data" / "qmsum-train"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-turns", type=int, default=25000)
    ap.add_argument("--only", default=",".join([
        "bm25", "dense", "fused", "plain", "plain+diversity", "plain+diversity+topic",
        "plain+diversity+topic+phrases", "plain+diversity+topic+phrases+neighbours", "full",
        "full-no-speakers", "full-no-diversity"]))  # the README's held-out table
    ap.add_argument("--all", action="store_true",
                    help="search all the meetings at once (a hit still needs the query's meeting)")
    args = ap.parse_args()
    meetings = _subset(DATA / "queries.jsonl", args.max_turns, 0)
    cache = evaluate.cache_root() / f"heldout-{args.max_turns}"
    tdir = cache / "transcripts"
    tdir.mkdir(parents=True, exist_ok=True)
    for m in meetings:
        if not (tdir / m).exists():
            (tdir / m).symlink_to((DATA / "transcripts" / m).resolve())
    qa = TranscriptQA(load_config(transcripts_dir=tdir, index_dir=cache / "index"))
    print(qa.build_index().summary(), flush=True)
    wanted = {Path(m).stem for m in meetings}
    items = [i for i in evaluate.load_items(DATA / "queries.jsonl") if i.transcript in wanted]
    print(f"{len(meetings)} meetings, {len(items)} queries", flush=True)
    print(f"{'system':28s} {'R@1':>6s} {'R@3':>6s} {'R@5':>6s} {'MRR@10':>7s}")
    for name in args.only.split(","):
        qa.ranking = SYSTEMS[name]
        m = evaluate.metrics(evaluate.evaluate(qa, items, restrict=not args.all))
        print(f"{name:28s} {m['R@1']:6.3f} {m['R@3']:6.3f} {m['R@5']:6.3f} {m['MRR@10']:7.3f}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
