"""FAISS index types: exact below the size threshold, IVF above, filtered search exact on
small subsets; an index-type change rebuilds without re-embedding."""
from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest

from transcript_qa import vectors
from transcript_qa.api import TranscriptQA
from transcript_qa.errors import TranscriptQAError


def test_plan_by_size():
    assert vectors.plan(10_000)["type"] == "flat-ip"
    assert vectors.plan(vectors.FLAT_MAX)["type"] == "flat-ip"
    big = vectors.plan(1_000_000)
    assert big["type"] == "ivf-flat-ip" and big["nlist"] == 4000 and big["nprobe"] >= 16
    assert vectors.plan(1_000_000, "flat")["type"] == "flat-ip"
    assert vectors.plan(50_000, "ivf")["type"] == "ivf-flat-ip"
    with pytest.raises(TranscriptQAError, match="index_type"):
        vectors.plan(10, "hnsw-typo")


@pytest.fixture(scope="module")
def real_vectors(dev_qa):
    """Real embeddings of ~3k units, replicated with small noise to 30k (clustered like text)."""
    base = dev_qa.index.unit_vectors(np.arange(dev_qa.index.faiss.ntotal))
    rng = np.random.default_rng(0)
    reps = [base] + [base + rng.normal(0, 0.02, base.shape).astype(np.float32) for _ in range(9)]
    v = np.vstack(reps)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32), base


def test_ivf_recall_against_exact(real_vectors):
    v, base = real_vectors
    flat = vectors.build(v, v.shape[1], vectors.plan(len(v), "flat"))
    spec = vectors.plan(len(v), "ivf")
    ivf = vectors.build(v, v.shape[1], spec)
    vectors.prepare(ivf, spec)
    q = base[::37][:80]
    _, exact = flat.search(q, 10)
    _, approx = vectors.search(ivf, q, 10, None, spec)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)])
    assert recall >= 0.95
    assert np.allclose(vectors.reconstruct(ivf, np.array([5, 7])), v[[5, 7]])


def test_filtered_search_is_exact_within_the_subset(real_vectors):
    v, base = real_vectors
    spec = vectors.plan(len(v), "ivf")
    ivf = vectors.build(v, v.shape[1], spec)
    vectors.prepare(ivf, spec)
    allowed = np.arange(100, 4000, 3, dtype=np.int64)
    scores, ids = vectors.search(ivf, base[:5], 7, allowed, spec)
    want = np.argsort(-(base[:5] @ v[allowed].T), axis=1)[:, :7]
    assert np.array_equal(ids, allowed[want])
    assert np.all(np.diff(scores, axis=1) <= 1e-6)


def test_index_type_change_rebuilds_without_reembedding(dev_qa, tmp_path, encoder):
    shutil.copytree(dev_qa.cfg.transcripts_dir.parent, tmp_path / "w")
    cfg = replace(dev_qa.cfg, transcripts_dir=tmp_path / "w" / "transcripts",
                  index_dir=tmp_path / "w" / "index", index_type="ivf")
    qa = TranscriptQA(cfg, encoder=encoder)
    st = qa.status()
    assert not st.fresh and "index type changed to ivf-flat-ip" in st.reasons
    calls = encoder.calls
    report = qa.build_index()
    assert encoder.calls == calls and report.embedded_units == 0
    assert qa.index.manifest["index_type"] == "ivf-flat-ip"
    a = qa.ask("How much has the U.S. government spent on anti-trafficking programs?")
    assert "$530 million" in a.text
    only = qa.search("budget for the remote control", k=5, transcript="ES2015b")
    assert only and {p.turn.transcript_id for p in only} == {"ES2015b"}
