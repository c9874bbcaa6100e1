"""Benchmark table: `transcript-qa eval` metrics of the full system beside BM25-only,
dense-only and ablations, on the seed dev set and the QMSum dev set (a script, not a test).

    .venv/bin/python bench/eval.py [--only NAME,NAME] [--json FILE]

Indexes live in $TQA_CACHE (default $XDG_CACHE_HOME or ~/.cache, /transcript-qa): the seed transcript folder and
data/qmsum-dev/transcripts are indexed once; the model loads once for all rows.
"""
from __future__ import annotations

import argparse
import json
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

FULL = Ranking()
# The ladder of rows below builds on this: the full system without place diversity, frame
# stripping, the phrase signal, neighbour words, the keyword slot, "besides X" spans and the
# topic-word-free question vector (in that order after it), and without the transcript prior
# and the short-sentence discount.
PLAIN = Ranking(diversity=0, topic=False, phrases=False, exclusions=False, neighbour_words=False,
                keyword_slot=False, common_words=0.0, transcript_prior=0.0, short_words=0)
SYSTEMS = {
    "bm25": replace(PLAIN, mode="lexical", rescore="none", question_handoff=False, typos=False,
                    speakers=False),
    "dense": replace(PLAIN, mode="dense", rescore="none", question_handoff=False, typos=False,
                     speakers=False),
    "fused": replace(PLAIN, rescore="none", question_handoff=False),
    "fused+sentence": replace(PLAIN, rescore="sentence", question_handoff=False, speakers=False),
    "fused+sentence+handoff": replace(PLAIN, rescore="sentence", speakers=False),
    "plain": PLAIN,
    "plain+diversity": replace(PLAIN, diversity=FULL.diversity),
    "plain+diversity+topic": replace(PLAIN, diversity=FULL.diversity, topic=True),
    "plain+diversity+topic+phrases": replace(FULL, exclusions=False, neighbour_words=False,
                                             keyword_slot=False, common_words=0.0,
                                             transcript_prior=0.0, short_words=0),
    "plain+diversity+topic+phrases+neighbours": replace(FULL, exclusions=False,
                                                        keyword_slot=False, common_words=0.0,
                                                        transcript_prior=0.0, short_words=0),
    "plain+diversity+topic+phrases+neighbours+slot": replace(FULL, exclusions=False,
                                                             common_words=0.0,
                                                             transcript_prior=0.0, short_words=0),
    "full": FULL,
    "full-learned-reranker": replace(FULL, rescore="learned"),
    "full-no-typos": replace(FULL, typos=False),
    "full-no-joins": replace(FULL, joins=False),
    "full-no-speakers": replace(FULL, speakers=False),
    "full-no-handoff": replace(FULL, question_handoff=False),
    "full-no-cut-handoff": replace(FULL, cut_handoff=False),
    "full-no-utterances": replace(FULL, utterances=False),
    "full-no-backchannels": replace(FULL, backchannels=False),
    "full-global-stats": replace(FULL, local_stats=False),
    "full-no-common-words": replace(FULL, common_words=0.0),
    "full-no-transcript-prior": replace(FULL, transcript_prior=0.0),
    "full-no-short-discount": replace(FULL, short_words=0),
    "full-no-answer-type": replace(FULL, answer_type=False),
    "full-no-cascade": replace(FULL, rerank_depth=0),
    "full-cascade-20": replace(FULL, rerank_depth=20),
    "full-all-bm25-words": replace(FULL, common_df=0.0),
    "full-common-df-5%": replace(FULL, common_df=0.05),
    "full-dense-only-candidates": replace(FULL, mode="dense"),
    "full-50-candidates": replace(FULL, candidates=50),
    "full-no-diversity": replace(FULL, diversity=0),
    "full-diversity-600": replace(FULL, diversity=600),
    "full-diversity-1000": replace(FULL, diversity=1000),
    "full-diversity-1500": replace(FULL, diversity=1500),
    "full-no-exclusions": replace(FULL, exclusions=False),
    "full-no-topic": replace(FULL, topic=False),
    "full-no-phrases": replace(FULL, phrases=False),
    "full-no-neighbour-words": replace(FULL, neighbour_words=False),
    "full-no-keyword-slot": replace(FULL, keyword_slot=False),
}
# Extra rows: `--weights NAME=FILE` scores with another reranker JSON (from transcript_qa.train).
SETS = {
    "seed": ROOT / "data" / "seed-dev-questions.jsonl",
    "qmsum": ROOT / "data" / "qmsum-dev" / "queries.jsonl",
}
COLS = ["R@1", "R@3", "R@5", "MRR@10", "answer_acc", "answer_in_gold", "abstain_unanswerable",
        "false_abstain"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="comma-separated system names")
    ap.add_argument("--sets", default="seed,qmsum", help="comma-separated: seed,qmsum")
    ap.add_argument("--json", type=Path, help="also write all figures here")
    ap.add_argument("--weights", action="append", default=[], metavar="NAME=FILE",
                    help="add a row scored by this reranker weights file")
    args = ap.parse_args()
    for spec in args.weights:
        name, _, path = spec.partition("=")
        SYSTEMS[name] = replace(FULL, rescore="learned", weights=path)
    names = (args.only.split(",") if args.only else list(SYSTEMS)) + [
        w.partition("=")[0] for w in args.weights]
    base = load_config(transcripts_dir=ROOT / "transcripts")
    encoder = None
    rows = []
    for set_name in args.sets.split(","):
        path = SETS[set_name]
        items = evaluate.load_items(path)
        cfg, _ = evaluate.eval_config(base, items, path)
        qa = TranscriptQA(cfg, encoder=encoder)
        if cfg.index_dir == base.index_dir:  # keep the repo's index/ untouched
            cache = evaluate.cache_root() / "eval-seed"
            qa = TranscriptQA(cfg.with_overrides(index_dir=cache), encoder=encoder)
        qa.build_index()
        encoder = qa.encoder
        for name in names:
            qa.ranking = SYSTEMS[name]
            t0 = time.perf_counter()
            rep = evaluate.report(evaluate.evaluate(qa, items))
            rows.append({"set": set_name, "system": name, **rep["overall"],
                         "timings": rep["timings"], "seconds": time.perf_counter() - t0,
                         "per_kind": rep["per_kind"], "items": rep["items"]})
        if set_name == "qmsum" and "full" in names:
            # All five meetings searched together: latency over the whole dev index, and how
            # often the right meeting's turn still wins without the meeting filter.
            qa.ranking = FULL
            rep = evaluate.report(evaluate.evaluate(qa, items, restrict=False))
            rows.append({"set": set_name, "system": "full-unrestricted", **rep["overall"],
                         "timings": rep["timings"], "per_kind": rep["per_kind"],
                         "items": rep["items"]})
    print(f"{'set':6} {'system':28}" + "".join(c.rjust(10) for c in
          ["R@1", "R@3", "R@5", "MRR@10", "ans.acc", "ans.gold", "abst.un", "false.ab", "p50ms"]))
    for r in rows:
        cells = ["-" if r[c] is None else f"{r[c]:.3f}" for c in COLS]
        p50 = r["timings"].get("total", {}).get("p50_ms", 0)
        print(f"{r['set']:6} {r['system']:28}" + "".join(x.rjust(10) for x in cells)
              + f"{p50:10.1f}")
    print("\nask latency per stage, system 'full' (ms, p50 / p95):")
    for r in rows:
        if r["system"] in ("full", "full-unrestricted"):
            print(f"  {r['set']:6} {r['system']:18} " + ", ".join(
                f"{k} {v['p50_ms']:.1f}/{v['p95_ms']:.1f}" for k, v in r["timings"].items()))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
