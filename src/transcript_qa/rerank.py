"""The learned turn scorer: a tiny numpy MLP (or linear model) over `FEATURES`.

Weights are plain JSON (`weights/reranker.json`, a few KB), written by
`python -m transcript_qa.train` from the QMSum train meetings: no pickle, nothing downloaded,
and scoring 200 candidates costs microseconds. Features are standardised with the training
means/stds stored beside the weights.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import TranscriptQAError

FEATURES = (
    "unit_cos", "unit_lex", "fused", "dense_rrank", "lex_rrank",
    "sent_max", "sent_2nd", "sent_cov", "turn_cov",
    "nb_max2", "nb_mean5", "prev_q", "is_question", "log_words",
    "speaker_named", "any_speaker", "cos_gap", "sent_gap",
)
WEIGHTS = Path(__file__).parent / "weights" / "reranker.json"


class Reranker:
    def __init__(self, data: dict[str, Any]):
        feats = tuple(data["features"])
        unknown = set(feats) - set(FEATURES)
        if unknown:
            raise TranscriptQAError(f"Reranker weights use unknown features {sorted(unknown)}.")
        self.features = feats
        self.mean = np.asarray(data["mean"], dtype=np.float64)
        self.std = np.asarray(data["std"], dtype=np.float64)
        self.layers = [(np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64))
                       for w, b in data["layers"]]
        self.meta = {k: v for k, v in data.items() if k not in ("mean", "std", "layers")}

    @classmethod
    def load(cls, path: Path) -> "Reranker":
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            raise TranscriptQAError(f"Reranker weights {path} are unreadable: {exc}") from None

    def matrix(self, rows: list[dict[str, float]]) -> np.ndarray:
        return np.array([[r[f] for f in self.features] for r in rows], dtype=np.float64)


    def score_matrix(self, x: np.ndarray) -> np.ndarray:
        h = (x - self.mean) / self.std
        for i, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if i < len(self.layers) - 1:
                h = np.tanh(h)
        return h[:, 0]

    def score(self, rows: list[dict[str, float]]) -> list[float]:
        if not rows:
            return []
        return self.score_matrix(self.matrix(rows)).tolist()


@lru_cache(maxsize=4)
def default_reranker(path: str | None = None) -> Reranker:
    if path:
        return Reranker.load(Path(path))
    if not WEIGHTS.is_file():
        raise TranscriptQAError(
            f"Reranker weights {WEIGHTS} are missing; reinstall the package or run "
            "`python -m transcript_qa.train`."
        )
    return Reranker.load(WEIGHTS)
