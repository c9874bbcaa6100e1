"""FAISS index types by size: exact inner product while it is fast, IVF above a threshold.

Vectors are L2-normalised, so inner product is cosine. Exact search over 100k x 384 floats
costs ~20 ms per query here, too much of a 50 ms answer budget; above 50k vectors an IVF-Flat
index (nlist ~ 4 sqrt(n), trained on a sample) scans a tenth of its lists. Queries run FAISS
on one thread: a single query gains little from two, and on a busy machine OpenMP threads
wait on each other (measured at 100k: 20 ms on one thread, 45-70 ms on two under load).
Recall@10 of IVF against exact search is measured on real embeddings by bench/ann.py (required >= 0.95); the chosen plan is
written to the manifest so a loaded index describes itself.

Filtered searches (one speaker, one transcript) score the allowed subset exactly when it is
small: an IVF probe restricted by a selector could miss most of a small subset.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from .errors import TranscriptQAError

FLAT_MAX = 50_000  # vectors; above this "auto" builds IVF (exact 100k: ~20 ms a query)
EXACT_SUBSET_MAX = 100_000
TYPES = ("auto", "flat", "ivf")


def plan(n: int, requested: str = "auto") -> dict[str, Any]:
    """Which index to build for n vectors, with its parameters."""
    if requested not in TYPES:
        raise TranscriptQAError(f"index_type must be one of {', '.join(TYPES)}, got {requested!r}.")
    if requested == "flat" or (requested == "auto" and n <= FLAT_MAX) or n < 1000:
        return {"type": "flat-ip"}
    nlist = max(16, int(4 * math.sqrt(n)))
    return {"type": "ivf-flat-ip", "nlist": nlist, "nprobe": nprobe_for(nlist),
            "train_size": min(n, max(40 * nlist, 50_000))}


def nprobe_for(nlist: int) -> int:
    """Lists probed per query: a tenth of them. Measured at 100k real turn vectors (nlist
    1282, 200 questions): nprobe 25 -> recall@10 0.90, 64 -> 0.95, 128 -> 0.97 at 1.9 ms."""
    return max(32, nlist // 10)


def build(vectors: np.ndarray, dim: int, spec: dict[str, Any]):
    import faiss

    faiss.omp_set_num_threads(os.cpu_count() or 1)  # training and adding use every core
    try:
        return _build(faiss, vectors, max(dim, 1), spec)
    finally:
        faiss.omp_set_num_threads(1)


def _build(faiss, vectors: np.ndarray, d: int, spec: dict[str, Any]):
    if spec["type"] == "flat-ip":
        index = faiss.IndexFlatIP(d)
    else:
        quantizer = faiss.IndexFlatIP(d)
        index = faiss.IndexIVFFlat(quantizer, d, spec["nlist"], faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        sample = vectors[rng.choice(len(vectors), spec["train_size"], replace=False)]
        index.train(sample)
    if len(vectors):
        index.add(vectors)
    return index


def prepare(index, spec: dict[str, Any]) -> None:
    """Set search-time parameters of a loaded index (IVF: nprobe, id -> vector map)."""
    import faiss

    faiss.omp_set_num_threads(1)
    if spec.get("type") == "ivf-flat-ip":
        ivf = faiss.extract_index_ivf(index)
        ivf.nprobe = nprobe_for(ivf.nlist)  # the current rule, also for indexes built before it
        ivf.make_direct_map()


def reconstruct(index, ids: np.ndarray) -> np.ndarray:
    if len(ids) == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return index.reconstruct_batch(np.ascontiguousarray(ids, dtype=np.int64))


def search(index, qvecs: np.ndarray, n: int, allowed: np.ndarray | None = None,
           spec: dict[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Top-n (scores, ids) per query; `allowed` restricts to those vector ids."""
    import faiss

    if allowed is None:
        n = min(n, index.ntotal)
        if n <= 0:
            return _empty(len(qvecs))
        return index.search(qvecs, n)
    n = min(n, len(allowed))
    if n <= 0:
        return _empty(len(qvecs))
    if len(allowed) <= EXACT_SUBSET_MAX:
        scores = qvecs @ reconstruct(index, allowed).T
        top = np.argpartition(-scores, n - 1, axis=1)[:, :n]
        part = np.take_along_axis(scores, top, axis=1)
        order = np.argsort(-part, axis=1, kind="stable")
        return np.take_along_axis(part, order, axis=1), allowed[np.take_along_axis(top, order, axis=1)]
    sel = faiss.IDSelectorBatch(allowed)
    if (spec or {}).get("type") == "ivf-flat-ip":
        params = faiss.SearchParametersIVF(sel=sel, nprobe=faiss.extract_index_ivf(index).nprobe)
    else:
        params = faiss.SearchParameters(sel=sel)
    return index.search(qvecs, n, params=params)


def _empty(rows: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros((rows, 0), dtype=np.float32), np.zeros((rows, 0), dtype=np.int64)


def write(index, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))
    with path.open("rb") as fh:
        os.fsync(fh.fileno())
