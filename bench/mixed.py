"""Every labelled set asked of one index that holds every bundled transcript (a script, not a
test): what a user sees after dropping more transcripts into `transcripts/`.

    .venv/bin/python bench/mixed.py [--json FILE] [--restrict]

The folder is the seed transcript, the four bench sets' transcripts and the five QMSum dev
meetings (10 transcripts, ~3,300 turns), indexed once into $TQA_CACHE/mixed. Questions are
searched over all of them (`--restrict` also prints each set searched within its own
transcripts, in the same index): a passage counts only when it is from the item's
transcript, so the drop from the single-transcript figures is what the other transcripts
take away.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from transcript_qa import evaluate  # noqa: E402
from transcript_qa.api import TranscriptQA  # noqa: E402
from transcript_qa.config import load_config  # noqa: E402
from transcript_qa.index import scan  # noqa: E402

SETS = {
    "seed": (ROOT / "data" / "seed-dev-questions.jsonl", ROOT / "transcripts"),
    "extra": (ROOT / "bench" / "podcast-extra-questions.jsonl", ROOT / "transcripts"),
    "briefing": (ROOT / "bench" / "briefing" / "questions.jsonl", None),
    "monkeypox": (ROOT / "bench" / "monkeypox-briefing" / "questions.jsonl", None),
    "mr3": (ROOT / "bench" / "mr3" / "questions.jsonl", None),
    "mr4": (ROOT / "bench" / "mr4-liberty-bell" / "questions.jsonl", None),
    "qmsum": (ROOT / "data" / "qmsum-dev" / "queries.jsonl", None),
}
COLS = ["R@1", "R@3", "R@5", "MRR@10", "answer_acc", "abstain_unanswerable", "false_abstain"]


def folder(root: Path) -> Path:
    """Copies of every set's transcripts in one folder (rebuilt when a source changed)."""
    out = root / "transcripts"
    out.mkdir(parents=True, exist_ok=True)
    for questions, tdir in SETS.values():
        src = tdir or questions.parent / "transcripts"
        for f in scan(src):
            dest = out / f.path.name
            if not dest.exists() or dest.read_bytes() != f.path.read_bytes():
                shutil.copyfile(f.path, dest)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", type=Path, help="also write all figures here")
    ap.add_argument("--restrict", action="store_true",
                    help="also run each set within its own transcripts (same index)")
    ap.add_argument("--sets", default=",".join(SETS))
    args = ap.parse_args()
    root = evaluate.cache_root() / "mixed"
    cfg = load_config(transcripts_dir=folder(root), index_dir=root / "index")
    qa = TranscriptQA(cfg)
    print(qa.build_index().summary(), file=sys.stderr)
    ids = qa.transcript_ids()
    rows = []
    for name in args.sets.split(","):
        questions, tdir = SETS[name]
        items = evaluate.load_items(questions)
        if tdir is not None:  # sets that name no transcript: theirs is the podcast
            own = [f.id for f in scan(tdir)]
            items = [replace(i, transcript=own[0]) for i in items]
        modes = [("all", False)] + ([("own", True)] if args.restrict else [])
        for label, restrict in modes:
            rep = evaluate.report(evaluate.evaluate(qa, items, restrict=restrict))
            rows.append({"set": name, "search": label, **rep["overall"],
                         "timings": rep["timings"], "items": rep["items"]})
    print(f"index: {len(ids)} transcripts, {qa.index.n_units} units")
    print(f"{'set':10} {'search':6}" + "".join(c.rjust(9) for c in
          ["R@1", "R@3", "R@5", "MRR@10", "ans.acc", "abst.un", "false.ab", "p50ms"]))
    for r in rows:
        cells = ["-" if r[c] is None else f"{r[c]:.3f}" for c in COLS]
        p50 = r["timings"].get("total", {}).get("p50_ms", 0)
        print(f"{r['set']:10} {r['search']:6}" + "".join(x.rjust(9) for x in cells)
              + f"{p50:9.1f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
