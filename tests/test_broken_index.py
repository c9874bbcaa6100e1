"""Every kind of broken index is detected at load, logged, and rebuilt from transcripts/;
a broken index is never served."""
from __future__ import annotations

import json
import logging
import os
import shutil

import pytest

from conftest import SEED, make_qa
from transcript_qa import index as index_mod
from transcript_qa.api import TranscriptQA

Q = "How much has the U.S. government spent on anti-trafficking programs?"


@pytest.fixture
def built(tmp_path, encoder):
    qa = make_qa(tmp_path, [SEED], encoder)
    qa.build_index()
    return qa


def _version_dir(qa):
    return index_mod._current_dir(qa.cfg.index_dir)


def _fresh_qa_answers(qa, encoder, caplog, expect_log: str):
    """A new process-like instance (no cached index) must repair, log, and answer right."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="transcript_qa"):
        fresh = TranscriptQA(qa.cfg, encoder=encoder)
        answer = fresh.ask(Q)
    assert "$530 million" in answer.text and answer.cited.turn.number == 10
    assert expect_log in caplog.text
    index_mod.load(qa.cfg)  # what is live now validates
    return fresh


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garbage(path):
    path.write_bytes(os.urandom(4096))


@pytest.mark.parametrize("damage, filename", [
    (_truncate, "vectors.faiss"),
    (_garbage, "vectors.faiss"),
    (_truncate, "store.sqlite"),
    (_garbage, "store.sqlite"),
    (lambda p: p.unlink(), "store.sqlite"),
    (lambda p: p.unlink(), "vectors.faiss"),
])
def test_damaged_files_are_rebuilt(built, encoder, caplog, damage, filename):
    damage(_version_dir(built) / filename)
    _fresh_qa_answers(built, encoder, caplog, "rebuilding from transcripts")


def test_faiss_and_sqlite_disagreeing_is_rebuilt(built, encoder, caplog):
    import faiss

    path = _version_dir(built) / "vectors.faiss"
    idx = faiss.read_index(str(path))
    idx.add(idx.reconstruct_n(0, 3))  # three extra vectors SQLite knows nothing about
    faiss.write_index(idx, str(path))
    _fresh_qa_answers(built, encoder, caplog, "FAISS has")


def _overwrite_vectors(path):
    """Garbage over the vectors, the header, size and mtime kept: it loads, counts agree."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[200:] = b"\xff" * (len(data) - 200)
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_overwritten_vectors_are_rebuilt(built, encoder, caplog):
    _overwrite_vectors(_version_dir(built) / "vectors.faiss")
    _fresh_qa_answers(built, encoder, caplog, "differs from the stored one")


def test_index_command_rebuilds_overwritten_vectors(built, encoder):
    old = _version_dir(built)
    _overwrite_vectors(old / "vectors.faiss")
    assert built.status().fresh  # the files look unchanged ...
    report = built.build_index()  # ... but `transcript-qa index` does not call it up to date
    assert report.rebuilt and _version_dir(built) != old
    index_mod.load(built.cfg)


def test_sqlite_missing_units_is_rebuilt(built, encoder, caplog):
    import sqlite3

    db = sqlite3.connect(_version_dir(built) / "store.sqlite")
    db.execute("DELETE FROM units WHERE id = (SELECT MAX(id) FROM units)")
    db.commit()
    db.close()
    _fresh_qa_answers(built, encoder, caplog, "inconsistent")


@pytest.mark.parametrize("field, value, reason", [
    ("model", "sentence-transformers/all-mpnet-base-v2", "model changed"),
    ("format_version", "0/0/old", "index format changed"),
    ("dim", 768, "dimension"),
])
def test_manifest_from_another_model_dim_or_format(built, encoder, caplog, field, value, reason):
    path = _version_dir(built) / "manifest.json"
    m = json.loads(path.read_text())
    m[field] = value
    path.write_text(json.dumps(m))
    _fresh_qa_answers(built, encoder, caplog, reason)


def test_garbage_manifest_and_current(built, encoder, caplog):
    (_version_dir(built) / "manifest.json").write_text("{not json")
    _fresh_qa_answers(built, encoder, caplog, "no index built yet")
    (built.cfg.index_dir / "CURRENT").write_text("../../etc")
    _fresh_qa_answers(built, encoder, caplog, "no index built yet")


def test_deleted_transcript_is_dropped_not_served(tmp_path, encoder, caplog):
    from conftest import QMSUM_DEV

    qa = make_qa(tmp_path, [SEED, QMSUM_DEV / "transcripts" / "education_2.txt"], encoder)
    qa.build_index()
    (qa.cfg.transcripts_dir / "education_2.txt").unlink()
    fresh = _fresh_qa_answers(qa, encoder, caplog, "removed transcript education_2")
    assert fresh.transcript_ids() == [SEED.stem]
    assert all(p.turn.transcript_id == SEED.stem for p in fresh.search("school funding", k=10))


def test_leftover_temp_build_is_ignored_and_cleaned(built, encoder, caplog):
    junk = built.cfg.index_dir / ".tmp-v-20000101T000000-999999-1"
    junk.mkdir()
    (junk / "store.sqlite").write_bytes(b"half written")
    assert built.status().fresh  # a dead build's leftovers do not affect the live index
    built.build_index(force=True)
    assert not junk.exists()
