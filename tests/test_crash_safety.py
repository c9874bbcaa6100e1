"""A build killed (SIGKILL) at any point leaves the previous index loadable and answering,
and the next run completes the build. Real subprocesses, real model."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import QMSUM_DEV, SEED, make_qa
from transcript_qa import index as index_mod
from transcript_qa.api import TranscriptQA
from transcript_qa.config import load_config

EXE = Path(sys.executable).with_name("transcript-qa")


def _kill_build_at(cfg, marker: str) -> bool:
    """Start `transcript-qa -v index --force`; SIGKILL it when stderr shows `marker`.
    Returns False if the build finished before the marker appeared."""
    args = [str(EXE), "--transcripts", str(cfg.transcripts_dir), "--index", str(cfg.index_dir),
            "-v", "index", "--force"]
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"})
    try:
        for line in proc.stderr:  # type: ignore[union-attr]
            if marker in line:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=60)
                return True
        proc.wait(timeout=600)
        return False
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.fixture(scope="module")
def template(tmp_path_factory, encoder):
    """One built index (seed + two meetings, several embed chunks) copied into each test."""
    files = [SEED, QMSUM_DEV / "transcripts" / "education_2.txt",
             QMSUM_DEV / "transcripts" / "IS1009d.txt"]
    qa = make_qa(tmp_path_factory.mktemp("template"), files, encoder)
    report = qa.build_index()
    assert report.total_units > index_mod.EMBED_CHUNK  # so "embedded 512/" is mid-way
    return qa.cfg.transcripts_dir.parent, report


@pytest.mark.slow
@pytest.mark.parametrize("marker", [
    "building v-",        # after parsing, before any vector is written
    f"embedded {index_mod.EMBED_CHUNK}/",  # mid-embedding (first chunk of several done)
    "writing FAISS",      # SQLite complete, FAISS not yet written
    "switching to",       # new version complete, CURRENT not yet switched
])
def test_sigkill_mid_build_keeps_previous_index(tmp_path, encoder, template, marker):
    src, before = template
    shutil.copytree(src, tmp_path / "w")  # copy2 keeps mtimes: the copy is fresh
    qa = TranscriptQA(load_config(env={}, transcripts_dir=tmp_path / "w" / "transcripts",
                                  index_dir=tmp_path / "w" / "index"), encoder=encoder)
    assert qa.status().fresh

    killed = _kill_build_at(qa.cfg, marker)
    assert killed, f"build finished before {marker!r}"

    # The previous (or, if the switch happened, the complete new) version loads and answers.
    live = index_mod.load(qa.cfg)
    assert live.faiss.ntotal == before.total_units
    fresh = TranscriptQA(qa.cfg, encoder=encoder)
    assert fresh.status().fresh
    a = fresh.ask("How much has the U.S. government spent on anti-trafficking programs?",
                  transcript=SEED.stem)
    assert "$530 million" in a.text

    # The next run completes a build and clears the dead build's temporary folder.
    after = fresh.build_index(force=True)
    assert after.rebuilt and after.total_units == before.total_units
    leftovers = [p.name for p in qa.cfg.index_dir.iterdir() if p.name.startswith(".tmp-")]
    assert leftovers == []


def test_a_full_disk_mid_build_is_one_clear_error_and_keeps_the_previous_index(
        tmp_path, encoder, template):
    """Files may grow only a little (RLIMIT_FSIZE, as a nearly full disk): the build fails
    with the project's error, leaves no half-built version and the old one still answers."""
    import resource

    from transcript_qa.errors import TranscriptQAError

    src, before = template
    shutil.copytree(src, tmp_path / "w")
    qa = TranscriptQA(load_config(env={}, transcripts_dir=tmp_path / "w" / "transcripts",
                                  index_dir=tmp_path / "w" / "index"), encoder=encoder)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, hard))  # Python ignores SIGXFSZ
    try:
        with pytest.raises(TranscriptQAError, match="Could not write the index .* still in use"):
            qa.build_index(force=True)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert [p.name for p in qa.cfg.index_dir.iterdir() if p.name.startswith(".tmp-")] == []
    assert index_mod.load(qa.cfg).faiss.ntotal == before.total_units
    a = TranscriptQA(qa.cfg, encoder=encoder).ask(
        "How much has the U.S. government spent on anti-trafficking programs?",
        transcript=SEED.stem)
    assert "$530 million" in a.text
