"""Abstention calibration: how often each rule refuses answerable questions and abstains on
unanswerable ones, on every labelled set at once (a script, not a test).

    .venv/bin/python bench/abstain.py [--heldout] [--max-turns 25000]

Unanswerable questions: the seed set's own, and every QMSum query asked of a meeting from
another domain (seeded choice; "What did the team decide about the remote's buttons?" of a
parliament committee). `--heldout` adds the QMSum train meetings of bench/heldout.py (its
cached index; built there first if missing, about 7 minutes). Each question is asked once;
the rules are applied to the same passages (`answer.abstains`), so rows differ only by rule.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from eval import SETS  # noqa: E402

from transcript_qa import answer as A  # noqa: E402
from transcript_qa import evaluate  # noqa: E402
from transcript_qa.api import TranscriptQA  # noqa: E402
from transcript_qa.config import load_config  # noqa: E402
from transcript_qa.train import _subset  # noqa: E402

# (cosine threshold, ungrounded threshold, named-and-found share): the shipped rule first.
RULES = [(A.ABSTAIN_BELOW, A.UNGROUNDED_BELOW, A.NAMED_FOUND_MIN),
         (A.ABSTAIN_BELOW, A.UNGROUNDED_BELOW, 2.0)] + [
    (A.ABSTAIN_BELOW, A.UNGROUNDED_BELOW, x) for x in (0.4, 0.5, 0.6, 0.7)] + [
    (A.ABSTAIN_BELOW, 0.0, A.NAMED_FOUND_MIN)] + [
    (A.ABSTAIN_BELOW, u, A.NAMED_FOUND_MIN) for u in (0.35, 0.45, 0.5)] + [
    (0.35, 0.0, A.NAMED_FOUND_MIN), (0.4, 0.0, A.NAMED_FOUND_MIN)]


def _domains(queries: Path) -> dict[str, str]:
    out = {}
    for line in queries.open(encoding="utf-8"):
        d = json.loads(line)
        out[Path(d["meeting"]).stem] = d["domain"]
    return out


def _cross(qa: TranscriptQA, items, domains: dict[str, str], rnd: random.Random):
    """Each query asked of its own meeting (answerable) and of another domain's (not)."""
    own, other = [], []
    for it in items:
        own.append(qa.ask(it.question, k=5, transcript=it.transcript).passages)
        away = rnd.choice([m for m in sorted(domains) if domains[m] != domains[it.transcript]])
        other.append(qa.ask(it.question, k=5, transcript=away).passages)
    return own, other


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--heldout", action="store_true", help="add the held-out QMSum train meetings")
    ap.add_argument("--max-turns", type=int, default=25000)
    args = ap.parse_args()
    rnd = random.Random(0)
    sets: list[tuple[str, list, list]] = []  # (name, answerable passages, unanswerable passages)

    path = SETS["seed"]
    items = evaluate.load_items(path)
    cfg, _ = evaluate.eval_config(load_config(transcripts_dir=ROOT / "transcripts"), items, path)
    qa = TranscriptQA(cfg.with_overrides(index_dir=evaluate.cache_root() / "eval-seed"))
    qa.build_index()
    asked = [(it, qa.ask(it.question, k=5).passages) for it in items]
    sets.append(("seed", [p for it, p in asked if it.answerable],
                 [p for it, p in asked if not it.answerable]))
    encoder = qa.encoder

    path = SETS["qmsum"]
    items = evaluate.load_items(path)
    cfg, _ = evaluate.eval_config(load_config(), items, path)
    qa = TranscriptQA(cfg, encoder=encoder)
    qa.build_index()
    sets.append(("qmsum dev", *_cross(qa, items, _domains(path), rnd)))

    if args.heldout:
        data = ROOT / "data" / "qmsum-train"
        meetings = _subset(data / "queries.jsonl", args.max_turns, 0)
        cache = evaluate.cache_root() / f"heldout-{args.max_turns}"
        (cache / "transcripts").mkdir(parents=True, exist_ok=True)
        for m in meetings:
            if not (cache / "transcripts" / m).exists():
                (cache / "transcripts" / m).symlink_to((data / "transcripts" / m).resolve())
        qa = TranscriptQA(load_config(transcripts_dir=cache / "transcripts",
                                      index_dir=cache / "index"), encoder=encoder)
        qa.build_index()
        wanted = {Path(m).stem for m in meetings}
        items = [i for i in evaluate.load_items(data / "queries.jsonl") if i.transcript in wanted]
        domains = {m: d for m, d in _domains(data / "queries.jsonl").items() if m in wanted}
        sets.append(("held-out", *_cross(qa, items, domains, rnd)))

    print("answerable refused / unanswerable abstained, per set and rule")
    print(f"{'cosine below':>12} {'ungrounded below':>17} {'named found':>12} | " + " | ".join(
        f"{name} ({len(pos)} / {len(neg)})" for name, pos, neg in sets))
    for conf, ung, named in RULES:
        cells = []
        for _, pos, neg in sets:
            refused = sum(A.abstains(p, conf, ung, named) for p in pos)
            abstained = sum(A.abstains(p, conf, ung, named) for p in neg)
            cells.append(f"{refused:4d} / {abstained:4d}")
        mark = "  (shipped)" if (conf, ung, named) == RULES[0] else ""
        off = "off" if named > 1 else f"{named:.2f}"
        names = [s[0] for s in sets]
        print(f"{conf:12.2f} {ung or 0:17.2f} {off:>12} | "
              + " | ".join(c.center(len(n) + 12) for c, n in zip(cells, names)) + mark)
    return 0


if __name__ == "__main__":
    sys.exit(main())
