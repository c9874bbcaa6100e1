"""Performance benchmark: index build, query latency, memory and cold start at 1k/10k/100k turns.

A script, not a test: it prints figures (and writes them as JSON) for the README and the issue
notes. Each corpus size runs in its own worker process so peak RSS is per size.

    python bench/run.py                      # 1k, 10k, 100k turns (about 15-20 min on 2 cores)
    python bench/run.py --sizes 1000         # quick check
    python bench/run.py --million            # also 1M turns (synthetic vectors from real ones)

Corpora are real meeting turns from data/qmsum-train (85,566 turns), topped up with the dev
meetings and the bundled transcript, replicated under distinct ids when more are needed.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT / "data"


# ---------------------------------------------------------------------- corpora


def source_files() -> list[Path]:
    return (sorted((DATA / "qmsum-train" / "transcripts").glob("*.txt"))
            + sorted((DATA / "qmsum-dev" / "transcripts").glob("*.txt"))
            + sorted((ROOT / "transcripts").glob("*.txt")))


def make_corpus(n_turns: int, out: Path) -> int:
    """Write transcripts with exactly `n_turns` turns (whole files, the last one cut)."""
    from transcript_qa.formats import parse_file

    out.mkdir(parents=True, exist_ok=True)
    total, copy = 0, 0
    while total < n_turns:
        for path in source_files():
            t = parse_file(path)
            need = n_turns - total
            text = path.read_text(encoding="utf-8")
            stem = path.stem if copy == 0 else f"{path.stem}-copy{copy}"
            if len(t.turns) > need:  # cut after turn `need` (paragraph boundary)
                text = text[: t.turns[need - 1].end_char] + "\n"
            (out / f"{stem}.txt").write_text(text, encoding="utf-8")
            total += min(len(t.turns), need)
            if total >= n_turns:
                break
        copy += 1
    return total


def questions(n: int) -> list[str]:
    rows = [json.loads(x) for x in (DATA / "qmsum-train" / "queries.jsonl").read_text().splitlines()]
    rows += [json.loads(x) for x in (DATA / "seed-dev-questions.jsonl").read_text().splitlines()]
    qs = [r.get("query") or r.get("question") for r in rows]
    random.Random(7).shuffle(qs)
    return qs[:n]


# ---------------------------------------------------------------------- measuring


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def worker(n_turns: int, work: Path, n_queries: int, threads: int, encode_sample: int) -> dict:
    """Build and query one corpus size in this process; returns the figures."""
    from transcript_qa.api import TranscriptQA
    from transcript_qa.config import load_config
    from transcript_qa.embed import load_encoder
    from transcript_qa.formats import parse_file
    from transcript_qa.passages import build_sentences, build_units

    tdir, idir = work / "transcripts", work / "index"
    made = make_corpus(n_turns, tdir)
    shutil.rmtree(idir, ignore_errors=True)  # a reused --work folder: measure a fresh build
    cfg = load_config(transcripts_dir=tdir, index_dir=idir, threads=threads)
    encoder = load_encoder(cfg.model, cfg.backend, cfg.cache_dir / "encoders", cfg.threads,
                           cfg.batch_size)
    # Loaded and warm before timing, as for the bare encode below: the bulk-encode session is
    # part of loading the model, not of indexing.
    encoder.encode(["warm up"] * (4 * cfg.batch_size + 1))
    rss_model = rss_mb()
    qa = TranscriptQA(cfg, encoder=encoder)

    calls0 = encoder.calls
    t0 = time.perf_counter()
    report = qa.build_index()
    build_s = time.perf_counter() - t0
    embedded = encoder.calls - calls0
    peak_build = peak_rss_mb()

    # Bare encode of the same texts the build embedded (a sample at large sizes): the distinct
    # unit and sentence texts, derived exactly as the builder derives them.
    idx = qa.index
    texts = list(dict.fromkeys(
        x.text for f in sorted(tdir.iterdir()) for t in [parse_file(f).turns]
        for x in (*build_units(t), *build_sentences(t))
    ))
    assert len(texts) == report.embedded_texts, (len(texts), report.embedded_texts)
    sample = texts if len(texts) <= encode_sample else random.Random(1).sample(texts, encode_sample)
    t0 = time.perf_counter()
    encoder.encode(sample)
    bare_s = (time.perf_counter() - t0) * len(texts) / len(sample)

    # Queries: warm up, then time search and ask with per-stage timings.
    qs = questions(n_queries)
    for q in qs[:3]:
        qa.ask(q)
    search_ms, ask_ms, stages = [], [], {}
    for q in qs:
        t0 = time.perf_counter()
        qa.search(q)
        search_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        a = qa.ask(q)
        ask_ms.append((time.perf_counter() - t0) * 1000)
        for k, v in a.timings.items():
            stages.setdefault(k, []).append(v * 1000)

    # Recall@10 of the built index against exact search on the same vectors (IVF sizes).
    recall = None
    if qa.index.ann.get("type") != "flat-ip":
        import numpy as np

        from transcript_qa import vectors

        qv = encoder.encode(qs)
        _, approx = qa.index.dense_search(qv, 10)
        exact_index = vectors.build(qa.index.unit_vectors(np.arange(qa.index.faiss.ntotal)),
                                    qa.index.dim, {"type": "flat-ip"})
        _, exact = exact_index.search(qv, 10)
        recall = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)]))
        del exact_index

    # Memory of a serving process: a fresh process (freed heap in this one would hide growth).
    del qa, idx
    mem = json.loads(subprocess.run(
        [sys.executable, __file__, "--serve-mem", str(work), "--threads", str(threads)],
        check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    rss_noindex, rss_served = mem["rss_model_mb"], mem["rss_served_mb"]
    n_units, raw_mb = mem["units"], mem["raw_mb"]
    index_type, ann = mem["index_type"], mem["ann"]
    return {
        "turns": made, "units": n_units, "embedded": embedded, "texts": len(texts),
        "build_s": build_s, "turns_per_s": made / build_s, "bare_encode_s": bare_s,
        "bare_sample": len(sample), "build_over_encode": build_s / bare_s,
        "search_p50_ms": pct(search_ms, .5), "search_p95_ms": pct(search_ms, .95),
        "ask_p50_ms": pct(ask_ms, .5), "ask_p95_ms": pct(ask_ms, .95),
        "stages_p50_ms": {k: pct(v, .5) for k, v in stages.items()},
        "stages_p95_ms": {k: pct(v, .95) for k, v in stages.items()},
        "peak_rss_build_mb": peak_build, "rss_model_mb": rss_model,
        "rss_index_mb": rss_served - rss_noindex, "raw_vectors_text_mb": raw_mb,
        "memory_ratio": (rss_served - rss_noindex) / raw_mb if raw_mb else None,
        "index_disk_mb": du_mb(idir), "index_type": index_type,
        "ann": ann, "recall_at_10": recall,
        "queries": len(qs),
    }


def serve_memory(work: Path, threads: int) -> dict:
    """RSS of a process with the model loaded, then with the index loaded and 20 questions
    answered: the growth is what the index costs a serving app."""
    from transcript_qa.api import TranscriptQA
    from transcript_qa.config import load_config
    from transcript_qa.embed import load_encoder

    cfg = load_config(transcripts_dir=work / "transcripts", index_dir=work / "index",
                      threads=threads)
    encoder = load_encoder(cfg.model, cfg.backend, cfg.cache_dir / "encoders", cfg.threads,
                           cfg.batch_size)
    encoder.encode(["warm up the encoder before the baseline"])
    import faiss  # noqa: F401  (libraries are not the index: load them before the baseline)

    from transcript_qa import answer, index, lexicon, search, vectors  # noqa: F401
    rss_model = rss_mb()
    qa = TranscriptQA(cfg, encoder=encoder)
    for q in questions(20):
        qa.ask(q)
    rss_served = rss_mb()
    idx = qa.index
    text_bytes = sum(r[0] or 0 for r in idx.db.execute(
        "SELECT SUM(LENGTH(CAST(text AS BLOB))) FROM turns UNION ALL "
        "SELECT SUM(LENGTH(CAST(text AS BLOB))) FROM units"))
    n_units = idx.faiss.ntotal
    return {"rss_model_mb": rss_model, "rss_served_mb": rss_served, "units": n_units,
            "raw_mb": (n_units * idx.dim * 4 + text_bytes) / 1e6,
            "index_type": idx.manifest.get("index_type"), "ann": idx.ann}


def cold_start(work: Path, runs: int = 3) -> dict:
    """A fresh `transcript-qa ask` on a built index vs a bare sentence-transformers import."""
    exe = Path(sys.executable).with_name("transcript-qa")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    ask = [str(exe), "--transcripts", str(work / "transcripts"), "--index", str(work / "index"),
           "ask", "What did they decide about the budget?", "--json"]
    imp = [sys.executable, "-c", "import sentence_transformers"]

    def timed(cmd: list[str]) -> float:
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        return time.perf_counter() - t0

    a = [timed(ask) for _ in range(runs)]
    b = [timed(imp) for _ in range(runs)]
    return {"cli_ask_s": statistics.median(a), "import_st_s": statistics.median(b),
            "ratio": statistics.median(a) / statistics.median(b), "runs": runs}


def machine(threads: int) -> dict:
    import faiss
    import numpy
    import onnxruntime

    info = {"date": time.strftime("%Y-%m-%d %H:%M"), "python": platform.python_version(),
            "machine": platform.machine(), "cpus": os.cpu_count(), "threads": threads or "default",
            "numpy": numpy.__version__, "faiss": faiss.__version__,
            "onnxruntime": onnxruntime.__version__, "loadavg": os.getloadavg()}
    try:
        with open("/proc/cpuinfo") as fh:
            info["cpu"] = next(x.split(":", 1)[1].strip() for x in fh if x.startswith("model name"))
    except (OSError, StopIteration):
        pass
    from importlib.metadata import PackageNotFoundError, version

    for pkg in ("torch", "sentence-transformers", "transcript-qa"):
        try:
            info[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return info


def print_table(size: int, r: dict) -> None:
    print(f"\n== {size:,} turns ({r['units']:,} units, {r['texts']:,} distinct texts embedded "
          f"with sentences, index {r['index_type']}) ==")
    rows = [
        ("index build", f"{r['build_s']:.1f} s, {r['turns_per_s']:.0f} turns/s"),
        ("bare encode, same texts", f"{r['bare_encode_s']:.1f} s"
         + ("" if r["bare_sample"] >= r["texts"] else f" (from a {r['bare_sample']:,}-text sample)")),
        ("build / bare encode", f"{r['build_over_encode']:.2f}x   (target <= 1.10x)"),
        ("search p50 / p95", f"{r['search_p50_ms']:.1f} / {r['search_p95_ms']:.1f} ms"),
        ("ask p50 / p95", f"{r['ask_p50_ms']:.1f} / {r['ask_p95_ms']:.1f} ms   (target p50 <= 50 ms at 100k)"),
    ]
    for k in r["stages_p50_ms"]:
        rows.append((f"  stage {k} p50 / p95",
                     f"{r['stages_p50_ms'][k]:.1f} / {r['stages_p95_ms'][k]:.1f} ms"))
    rows += [
        ("peak RSS (build process)", f"{r['peak_rss_build_mb']:.0f} MB"),
        ("index memory when serving", f"{r['rss_index_mb']:.0f} MB vs raw vectors+text "
         f"{r['raw_vectors_text_mb']:.0f} MB = {r['memory_ratio']:.2f}x   (target <= 1.3x)"),
        ("index size on disk", f"{r['index_disk_mb']:.0f} MB"),
    ]
    if r.get("recall_at_10") is not None:
        rows.append(("recall@10 vs exact search", f"{r['recall_at_10']:.3f}   (required >= 0.95; "
                     f"nlist {r['ann']['nlist']}, nprobe {r['ann']['nprobe']})"))
    for k, v in rows:
        print(f"  {k:<28} {v}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--million", action="store_true", help="also 1M turns (synthetic vectors)")
    p.add_argument("--big", type=int, default=1_000_000, help=argparse.SUPPRESS)
    p.add_argument("--queries", type=int, default=50)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--encode-sample", type=int, default=5000,
                   help="bare-encode at most this many texts (scaled to all)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    p.add_argument("--work", type=Path, help="keep corpora and indexes here")
    p.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    p.add_argument("--serve-mem", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    if args.serve_mem:
        print(json.dumps(serve_memory(args.serve_mem, args.threads)))
        return 0
    work_root = args.work or Path(tempfile.mkdtemp(prefix="tqa-bench-"))
    if args.worker:
        r = worker(args.worker, work_root / f"n{args.worker}", args.queries, args.threads,
                   args.encode_sample)
        print(json.dumps(r))
        return 0

    results = {"machine": machine(args.threads), "sizes": {}}
    print("machine:", json.dumps(results["machine"]))
    t_all = time.perf_counter()
    last_work = None
    for size in [int(s) for s in args.sizes.split(",") if s]:
        cmd = [sys.executable, __file__, "--worker", str(size), "--work", str(work_root),
               "--queries", str(args.queries), "--threads", str(args.threads),
               "--encode-sample", str(args.encode_sample)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        results["sizes"][size] = r
        print_table(size, r)
        last_work = work_root / f"n{size}"
    if last_work is not None:
        c = cold_start(last_work)
        results["cold_start"] = c
        print(f"\n== cold start on the largest built index ==\n  CLI ask {c['cli_ask_s']:.2f} s vs "
              f"`import sentence_transformers` {c['import_st_s']:.2f} s = {c['ratio']:.2f}x "
              f"(target <= 1.5x; medians of {c['runs']})")
    if args.million:
        from ann import million  # bench/ann.py

        results["million"] = million(work_root, args.big, args.queries)
    results["total_s"] = time.perf_counter() - t_all
    print(f"\ntotal benchmark time {results['total_s'] / 60:.1f} min")
    args.out.write_text(json.dumps(results, indent=2))
    if not args.work:
        shutil.rmtree(work_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
