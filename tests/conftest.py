"""Shared fixtures: the real packaged model, loaded once per test session, and real indexes
built into temporary folders (the repo's own index/ is never touched by tests)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SEED = ROOT / "transcripts" / "state-dept-podcast-trafficking-in-persons.txt"
QMSUM_DEV = DATA / "qmsum-dev"


@pytest.fixture(scope="session")
def encoder():
    """The encoder users get by default (ONNX export of the packaged model, cached per user)."""
    from transcript_qa.config import load_config
    from transcript_qa.embed import load_encoder

    cfg = load_config(env={})
    return load_encoder(cfg.model, cfg.backend, cfg.cache_dir / "encoders")


def make_qa(tmp: Path, files: list[Path], encoder=None):
    """A TranscriptQA over copies of `files` in a fresh transcripts/ + index/ pair."""
    from transcript_qa.api import TranscriptQA
    from transcript_qa.config import load_config

    tdir, idir = tmp / "transcripts", tmp / "index"
    tdir.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, tdir / f.name)
    cfg = load_config(env={}, transcripts_dir=tdir, index_dir=idir)
    return TranscriptQA(cfg, encoder=encoder)


@pytest.fixture(scope="session")
def seed_qa(tmp_path_factory, encoder):
    """The bundled transcript, indexed once for all read-only tests."""
    qa = make_qa(tmp_path_factory.mktemp("seed"), [SEED], encoder)
    qa.build_index()
    return qa


@pytest.fixture(scope="session")
def dev_qa(tmp_path_factory, encoder):
    """The bundled transcript and the five QMSum dev meetings in one index (read-only use)."""
    files = [SEED] + sorted((QMSUM_DEV / "transcripts").glob("*.txt"))
    qa = make_qa(tmp_path_factory.mktemp("dev"), files, encoder)
    qa.build_index()
    return qa
