"""1M-turn benchmark (called by `bench/run.py --million`): build, recall@10 of the approximate
index against exact search, and query latency, through the real index builder and API.

Encoding 1M turns would take hours on 2 cores, so vectors are synthetic from real ones: the
corpus is the largest benchmark corpus replicated under distinct ids, and each replica of a
text gets that text's real embedding plus small Gaussian noise (renormalised). Everything else
(parsing, SQLite + FTS5, the IVF index, search and answers) is the product's own code path.
"""
from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import numpy as np

NOISE = 0.03


class ReplicaEncoder:
    """Real vectors for texts seen in an existing index, + per-replica noise; real encoding else."""

    def __init__(self, real, known: dict[str, np.ndarray]):
        self.real, self.known = real, known
        self.identity, self.dim = real.identity, real.dim
        self.calls = 0
        self.seen: dict[str, int] = defaultdict(int)
        self.rng = np.random.default_rng(0)
        self.synthetic = 0

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing = [i for i, t in enumerate(texts) if t not in self.known]
        if missing:
            out[missing] = self.real.encode([texts[i] for i in missing])
            self.known.update((texts[i], out[i].copy()) for i in missing)  # replicas reuse it
            self.seen.update((texts[i], 1) for i in missing)
        encoded = set(missing)
        for i, t in enumerate(texts):
            if i not in encoded:
                n = self.seen[t]
                self.seen[t] += 1
                v = self.known[t] + (self.rng.normal(0, NOISE, self.dim).astype(np.float32) if n else 0)
                out[i] = v / np.linalg.norm(v)
                self.synthetic += 1
        return out


def million(work_root: Path, n_turns: int = 1_000_000, n_queries: int = 50) -> dict:
    import run  # bench/run.py helpers

    from transcript_qa import vectors
    from transcript_qa.api import TranscriptQA
    from transcript_qa.config import load_config
    from transcript_qa.embed import load_encoder

    donors = sorted((p for p in work_root.glob("n*/index") if p.is_dir()),
                    key=lambda p: int(p.parent.name[1:]))
    if not donors:
        raise SystemExit("--million needs a smaller size built in the same run (e.g. 100000)")
    donor_cfg = load_config(transcripts_dir=donors[-1].parent / "transcripts", index_dir=donors[-1])
    real = load_encoder(donor_cfg.model, donor_cfg.backend, donor_cfg.cache_dir / "encoders")
    donor = TranscriptQA(donor_cfg, encoder=real).index
    rows = donor.db.execute("SELECT id, text FROM units ORDER BY id").fetchall()
    vecs = donor.unit_vectors(np.array([r[0] for r in rows]))
    known = {text: vecs[i] for i, (_, text) in enumerate(rows)}
    # Sentence texts too (a sentence is turn.text[start:end]), so replicas need no encoding.
    for text, start, end, blob in donor.db.execute(
            'SELECT t.text, s.start, s."end", s.vec FROM sentences s JOIN turns t '
            "ON t.transcript_id = s.transcript_id AND t.number = s.turn"):
        known.setdefault(text[start:end], np.frombuffer(blob, dtype=np.float32))

    work = work_root / "n1000000"
    made = run.make_corpus(n_turns, work / "transcripts")
    cfg = load_config(transcripts_dir=work / "transcripts", index_dir=work / "index")
    enc = ReplicaEncoder(real, known)
    qa = TranscriptQA(cfg, encoder=enc)
    t0 = time.perf_counter()
    report = qa.build_index()
    build_s = time.perf_counter() - t0
    peak = run.peak_rss_mb()
    idx = qa.index

    # recall@10 of the built (approximate) index against exact search on the same vectors
    qs = run.questions(n_queries)
    qv = real.encode(qs)
    _, approx = idx.dense_search(qv, 10)
    allv = idx.unit_vectors(np.arange(idx.faiss.ntotal))
    exact_index = vectors.build(allv, idx.dim, {"type": "flat-ip"})
    t0 = time.perf_counter()
    _, exact = exact_index.search(qv, 10)
    exact_ms = (time.perf_counter() - t0) * 1000 / len(qs)
    del allv, exact_index
    recall = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)]))

    for q in qs[:3]:
        qa.ask(q)
    ask_ms, search_ms = [], []
    for q in qs:
        t0 = time.perf_counter()
        qa.search(q)
        search_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        qa.ask(q)
        ask_ms.append((time.perf_counter() - t0) * 1000)
    r = {
        "turns": made, "units": idx.faiss.ntotal, "index_type": idx.manifest.get("index_type"),
        "ann": idx.manifest.get("ann"), "build_s": build_s, "synthetic_vectors": enc.synthetic,
        "really_encoded": enc.calls - enc.synthetic, "recall_at_10": recall,
        "exact_search_ms_per_query": exact_ms,
        "search_p50_ms": run.pct(search_ms, .5), "search_p95_ms": run.pct(search_ms, .95),
        "ask_p50_ms": run.pct(ask_ms, .5), "ask_p95_ms": run.pct(ask_ms, .95),
        "peak_rss_mb": peak, "index_disk_mb": run.du_mb(work / "index"),
    }
    print(f"\n== {made:,} turns ({r['units']:,} units, {r['index_type']}, synthetic vectors from "
          f"real embeddings of the {donors[-1].parent.name[1:]}-turn corpus + N(0, {NOISE}) noise) ==")
    print(f"  index build                  {build_s / 60:.1f} min ({made / build_s:.0f} turns/s)")
    print(f"  recall@10 vs exact           {recall:.3f}   (required >= 0.95; {r['ann']})")
    print(f"  exact search, for reference  {exact_ms:.1f} ms/query")
    print(f"  search p50 / p95             {r['search_p50_ms']:.1f} / {r['search_p95_ms']:.1f} ms")
    print(f"  ask p50 / p95                {r['ask_p50_ms']:.1f} / {r['ask_p95_ms']:.1f} ms")
    print(f"  peak RSS                     {peak:.0f} MB;  index on disk {r['index_disk_mb']:.0f} MB")
    return r
