"""What one ranking knob costs per question (a script, not a test): `ask` with the shipped
ranking and with the knob off, alternating question by question so the machine's drift hits
both alike. The default knob is the per-transcript word statistics (`Ranking.local_stats`, stop
22); `--knob common_words` is the topic-word-free question vector (stop 23), `--knob
transcript_prior` the transcript prior over many transcripts (stop 24), `--knob short_words`
the short-sentence discount (stop 25).

    .venv/bin/python bench/stats_cost.py [--knob local_stats]

Indexes: the seed podcast (bench/eval.py's, with the 206 extra podcast questions), the
held-out index (bench/heldout.py's 55 QMSum train meetings) and the mixed index (bench/mixed.py's
ten transcripts), each when built already.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from transcript_qa import evaluate  # noqa: E402
from transcript_qa.api import TranscriptQA  # noqa: E402
from transcript_qa.config import load_config  # noqa: E402
from transcript_qa.search import Ranking  # noqa: E402


def run(name: str, qa: TranscriptQA, items, restrict: bool, knob: str) -> None:
    on = Ranking()
    modes = {"on": on, "off": replace(on, **{knob: type(getattr(on, knob))()})}  # False / 0 / 0.0
    times: dict[str, list[float]] = {m: [] for m in modes}
    for item in items:
        for m, ranking in modes.items():
            qa.ranking = ranking
            t0 = time.perf_counter()
            qa.ask(item.question, transcript=item.transcript if restrict else None)
            times[m].append((time.perf_counter() - t0) * 1000)
    med = {m: statistics.median(v) for m, v in times.items()}
    p95 = {m: statistics.quantiles(v, n=20)[-1] for m, v in times.items()}
    print(f"{name:34s} " + "  ".join(f"{knob} {m} p50 {med[m]:5.1f} p95 {p95[m]:5.1f} ms"
                                     for m in modes)
          + f"  ratio p50 {med['on'] / med['off']:.2f}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--knob", default="local_stats", help="a Ranking field to turn off")
    args = ap.parse_args()
    if not isinstance(getattr(Ranking(), args.knob, None), (bool, int, float)):
        ap.error(f"{args.knob!r} is no Ranking switch (a bool or a number that 0 turns off)")
    cache = evaluate.cache_root()
    seed = cache / "eval-seed"
    if (seed / "CURRENT").is_file():
        qa = TranscriptQA(load_config(transcripts_dir=ROOT / "transcripts", index_dir=seed))
        items = evaluate.load_items(ROOT / "bench" / "podcast-extra-questions.jsonl")
        qa.ask(items[0].question)  # load the index and the encoder outside the timing
        run(f"seed ({qa.index.n_units} units)", qa, items, False, args.knob)
    held = cache / "heldout-25000"
    if (held / "index").is_dir():
        qa = TranscriptQA(load_config(transcripts_dir=held / "transcripts",
                                      index_dir=held / "index"))
        wanted = {p.stem for p in (held / "transcripts").iterdir()}
        items = [i for i in evaluate.load_items(ROOT / "data" / "qmsum-train" / "queries.jsonl")
                 if i.transcript in wanted]
        qa.ask(items[0].question)
        run(f"held-out ({qa.index.n_units} units), own meeting", qa, items, True, args.knob)
        run(f"held-out ({qa.index.n_units} units), all", qa, items[:150], False, args.knob)
    mixed = cache / "mixed"
    if (mixed / "index").is_dir():
        qa = TranscriptQA(load_config(transcripts_dir=mixed / "transcripts",
                                      index_dir=mixed / "index"))
        items = evaluate.load_items(ROOT / "bench" / "podcast-extra-questions.jsonl")
        qa.ask(items[0].question)
        run(f"mixed ({qa.index.n_units} units), all", qa, items, False, args.knob)
    return 0


if __name__ == "__main__":
    sys.exit(main())
