"""The index round-trips, reuses what did not change and rebuilds what did (real model, FAISS)."""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace

import pytest

from conftest import QMSUM_DEV, SEED, make_qa
from transcript_qa import index as index_mod
from transcript_qa.errors import TranscriptQAError
from transcript_qa.formats import parse_file
from transcript_qa.passages import build_sentences, build_units


def test_round_trip_turns_equal_parsed_turns(seed_qa):
    parsed = parse_file(SEED)
    stored = seed_qa.turns()
    assert [t.to_dict() for t in stored] == [
        {**t.to_dict(), "transcript_id": "state-dept-podcast-trafficking-in-persons"}
        for t in parsed.turns
    ]


def test_manifest_describes_the_index(seed_qa):
    m = index_mod.read_manifest(seed_qa.cfg.index_dir)
    assert m["model"].startswith("sentence-transformers/all-MiniLM-L6-v2")
    assert m["dim"] == 384
    assert m["format_version"] == index_mod.FORMAT_VERSION
    entry = m["transcripts"]["state-dept-podcast-trafficking-in-persons"]
    assert entry["sha256"] == parse_file(SEED).sha256
    idx = seed_qa.index
    assert idx.faiss.ntotal == m["n_units"] == idx.db.execute("SELECT COUNT(*) FROM units").fetchone()[0]
    assert m["n_turns"] == 42


def test_long_turns_are_windowed_not_truncated(seed_qa):
    """Every sentence of every turn is inside some unit, so no turn loses its end."""
    unit_text = " ".join(r[0] for r in seed_qa.index.db.execute("SELECT text FROM units"))
    for t in seed_qa.turns():
        last_words = " ".join(t.text.split()[-6:])
        assert last_words in unit_text, t.number
    assert max(len(r[0].split()) for r in seed_qa.index.db.execute("SELECT text FROM units")) <= 160


def test_fresh_index_is_reused_and_changes_rebuild(tmp_path, encoder):
    a = QMSUM_DEV / "transcripts" / "education_2.txt"
    qa = make_qa(tmp_path, [SEED, a], encoder)
    first = qa.build_index()
    assert first.rebuilt and sorted(first.added) == ["education_2", SEED.stem]
    calls = encoder.calls
    again = qa.build_index()
    assert not again.rebuilt and encoder.calls == calls  # nothing re-embedded

    # Change one transcript: only its units are embedded again.
    seed_copy = qa.cfg.transcripts_dir / SEED.name
    text = seed_copy.read_text(encoding="utf-8").replace("$530 million", "$531 million")
    seed_copy.write_text(text, encoding="utf-8")
    assert not qa.status().fresh
    report = qa.build_index()
    assert report.changed == [SEED.stem] and report.unchanged == ["education_2"]
    seed_turns = parse_file(seed_copy).turns
    seed_units = len(build_units(seed_turns))
    seed_texts = len({u.text for u in build_units(seed_turns)}
                     | {x.text for x in build_sentences(seed_turns)})
    assert report.embedded_units == seed_units
    assert report.embedded_texts == seed_texts == encoder.calls - calls
    hits = qa.index.db.execute("SELECT COUNT(*) FROM turns WHERE text LIKE '%$531 million%'")
    assert hits.fetchone()[0] == 1

    # Remove a transcript: it disappears from the index, nothing is embedded.
    calls = encoder.calls
    (qa.cfg.transcripts_dir / a.name).unlink()
    report = qa.build_index()
    assert report.removed == ["education_2"] and encoder.calls == calls
    assert qa.transcript_ids() == [SEED.stem]


def test_touch_without_change_does_not_reembed(tmp_path, encoder):
    qa = make_qa(tmp_path, [SEED], encoder)
    qa.build_index()
    f = qa.cfg.transcripts_dir / SEED.name
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    assert qa.status().fresh  # same content hash
    calls = encoder.calls
    qa.build_index()
    assert encoder.calls == calls


def test_model_or_format_change_marks_stale(tmp_path, encoder):
    qa = make_qa(tmp_path, [SEED], encoder)
    qa.build_index()
    other = replace(qa.cfg, model="sentence-transformers/some-other-model")
    assert "model changed" in " ".join(index_mod.status(other).reasons)
    cur = index_mod._current_dir(qa.cfg.index_dir)
    m = json.loads((cur / "manifest.json").read_text())
    m["format_version"] = "0/old"
    (cur / "manifest.json").write_text(json.dumps(m))
    st = qa.status()
    assert not st.fresh and "index format changed" in st.reasons
    report = qa.build_index()
    assert report.rebuilt and report.added == [SEED.stem]  # nothing reused across formats


def test_load_rejects_faiss_sqlite_disagreement(tmp_path, encoder):
    qa = make_qa(tmp_path, [SEED], encoder)
    qa.build_index()
    cur = index_mod._current_dir(qa.cfg.index_dir)
    import faiss

    idx = faiss.read_index(str(cur / "vectors.faiss"))
    idx.remove_ids(faiss.IDSelectorRange(0, 1))
    faiss.write_index(idx, str(cur / "vectors.faiss"))
    with pytest.raises(TranscriptQAError, match="FAISS has"):
        index_mod.load(qa.cfg)


def test_unparseable_file_is_skipped_and_reported(tmp_path, encoder):
    qa = make_qa(tmp_path, [SEED], encoder)
    (qa.cfg.transcripts_dir / "empty.txt").write_text("", encoding="utf-8")
    report = qa.build_index()
    assert "empty.txt" in report.errors and "empty" in report.errors["empty.txt"]
    assert qa.transcript_ids() == [SEED.stem]
    assert qa.status().fresh  # the bad file does not force a rebuild on every query


def test_files_of_no_transcript_type_are_named_not_silently_left_out(tmp_path, encoder):
    qa = make_qa(tmp_path, [SEED], encoder)
    folder = qa.cfg.transcripts_dir
    (folder / "talk.pdf").write_bytes(b"%PDF-1.4 ...")
    (folder / "NOTES").write_text("to read later", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\0")  # hidden: the system's, not the user's
    (folder / "empty.txt").write_text("", encoding="utf-8")
    for report in (qa.build_index(), qa.build_index()):  # built, then up to date
        assert report.ignored == ["NOTES", "talk.pdf"]
        lines = report.summary().splitlines()
        assert "  not read talk.pdf: not a transcript type ('.pdf'); export or save it as " \
            "one of .json, .log, .markdown, .md, .srt, .text, .txt, .vtt" in lines
        assert any(x.startswith("  not read NOTES: not a transcript type (no extension)")
                   for x in lines)
        assert any(x.startswith("  skipped empty.txt: ") for x in lines)
        assert not any("DS_Store" in x for x in lines)
    assert not report.rebuilt and qa.transcript_ids() == [SEED.stem]


def test_missing_transcripts_folder_is_a_user_error(tmp_path):
    from transcript_qa.api import TranscriptQA
    from transcript_qa.config import load_config

    qa = TranscriptQA(load_config(env={}, transcripts_dir=tmp_path / "nope", index_dir=tmp_path / "i"))
    with pytest.raises(TranscriptQAError, match="does not exist"):
        qa.build_index()


def test_old_versions_are_cleaned_up(tmp_path, encoder):
    qa = make_qa(tmp_path, [SEED], encoder)
    for _ in range(3):
        qa.build_index(force=True)
    versions = [p for p in qa.cfg.index_dir.iterdir() if p.name.startswith("v-")]
    assert len(versions) <= 2  # the live one and the previous one (for in-flight readers)
    assert not [p for p in qa.cfg.index_dir.iterdir() if p.name.startswith(".tmp-")]


def test_empty_transcripts_folder_builds_and_says_what_to_do(tmp_path, encoder):
    qa = make_qa(tmp_path, [], encoder)
    report = qa.build_index()
    assert report.total_turns == 0 and qa.transcript_ids() == []
    with pytest.raises(TranscriptQAError, match="No transcripts are indexed yet"):
        qa.ask("anything?")
    shutil.copy(SEED, qa.cfg.transcripts_dir / SEED.name)
    assert qa.build_index().added == [SEED.stem]
    assert "$530 million" in qa.ask("How much has the government spent on programs?").text
