"""Ranks turns for a question: dense (FAISS) + lexical (SQLite FTS5 BM25), fused, filtered.

Batch-first: `search_batch` embeds all questions in one call; `search` is a batch of one.
Both signals are computed for every candidate (a lexical-only hit gets its true cosine from
the stored vector), so a strong hit in one list is not halved by missing from the other.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .embed import Encoder
from .errors import TranscriptQAError
from .index import Index
from .model import Passage, Turn

MAX_QUESTION_CHARS = 2000
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have how i if in
    into is it its it's me my of on or our so than that the their them then there these they
    this to was we were what when where which who whom why will with would you your about any
    some tell say said talk""".split()
)


@dataclass
class Filters:
    """Restrict a search: one speaker (label or name) and/or a set of transcripts."""

    speaker: str | None = None
    transcripts: tuple[str, ...] = ()


def check_question(question: str) -> str:
    if not isinstance(question, str):
        raise TranscriptQAError("The question must be text.")
    q = " ".join(question.split())
    if not q:
        raise TranscriptQAError("The question is empty; type a question.")
    if len(q) > MAX_QUESTION_CHARS:
        raise TranscriptQAError(
            f"The question is {len(q)} characters long; keep it under {MAX_QUESTION_CHARS}."
        )
    return q


def keywords(text: str) -> list[str]:
    return [w for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in STOPWORDS]


def fts_query(question: str) -> str | None:
    """An OR of quoted terms: user text can never be read as FTS5 syntax (NEAR, *, quotes)."""
    terms = dict.fromkeys(w.replace('"', "") for w in keywords(question))
    return " OR ".join(f'"{t}"' for t in terms if t) or None


class Searcher:
    def __init__(self, index: Index, encoder: Encoder, alpha: float = 0.5, candidates: int = 50):
        self.index = index
        self.encoder = encoder
        self.alpha = alpha
        self.candidates = candidates

    # ------------------------------------------------------------------ filters

    def allowed_units(self, filters: Filters) -> np.ndarray | None:
        if not filters.speaker and not filters.transcripts:
            return None
        sql = "SELECT u.id FROM units u"
        where, args = [], []
        if filters.speaker:
            sql += (" JOIN turns t ON t.transcript_id = u.transcript_id"
                    " AND t.number = u.turn_first")
            where.append("(t.speaker = ? OR t.speaker_name = ?)")
            args += [filters.speaker, filters.speaker]
        if filters.transcripts:
            where.append(f"u.transcript_id IN ({','.join('?' * len(filters.transcripts))})")
            args += list(filters.transcripts)
        rows = self.index.db.execute(sql + " WHERE " + " AND ".join(where), args).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    # ------------------------------------------------------------------ signals

    def _dense(self, qvecs: np.ndarray, n: int, allowed: np.ndarray | None):
        return self.index.dense_search(qvecs, n, allowed)

    def _lexical(self, question: str, n: int, allowed: np.ndarray | None) -> dict[int, float]:
        query = fts_query(question)
        if not query:
            return {}
        sql = "SELECT rowid, -bm25(units_fts) FROM units_fts WHERE units_fts MATCH ?"
        args: list[object] = [query]
        if allowed is not None:
            sql += " AND rowid IN (SELECT value FROM json_each(?))"
            args.append("[" + ",".join(map(str, allowed.tolist())) + "]")
        rows = self.index.db.execute(sql + " ORDER BY rank LIMIT ?", [*args, n]).fetchall()
        return {int(r): float(s) for r, s in rows}

    def _cosines(self, qvec: np.ndarray, ids: list[int]) -> np.ndarray:
        return self.index.vectors(ids) @ qvec

    # ------------------------------------------------------------------ ranking

    def search_batch(
        self, questions: list[str], k: int = 5, filters: Filters | None = None,
    ) -> list[list[Passage]]:
        filters = filters or Filters()
        questions = [check_question(q) for q in questions]
        allowed = self.allowed_units(filters)
        if allowed is not None and len(allowed) == 0:
            return [[] for _ in questions]
        qvecs = self.encoder.encode(questions)
        _, dense_ids = self._dense(qvecs, self.candidates, allowed)
        return [
            self._rank(q, qvecs[i], [int(x) for x in dense_ids[i] if x >= 0], k, allowed)
            for i, q in enumerate(questions)
        ]

    def search(self, question: str, k: int = 5, filters: Filters | None = None) -> list[Passage]:
        return self.search_batch([question], k, filters)[0]

    def _rank(
        self, question: str, qvec: np.ndarray, dense_ids: list[int], k: int,
        allowed: np.ndarray | None,
    ) -> list[Passage]:
        lexical = self._lexical(question, self.candidates, allowed)
        ids = list(dict.fromkeys(dense_ids + list(lexical)))
        if not ids:
            return []
        cos = self._cosines(qvec, ids)
        lex = np.array([lexical.get(i, 0.0) for i in ids])
        dense_n = _minmax(cos)
        lex_n = lex / lex.max() if lex.max() > 0 else lex
        fused = self.alpha * dense_n + (1 - self.alpha) * lex_n
        units = self.index.units(ids)
        best: dict[tuple[str, int], tuple[float, int, float, float]] = {}
        for j, uid in enumerate(ids):
            tid, utt = units[uid][0], units[uid][1]
            if (tid, utt) not in best or fused[j] > best[(tid, utt)][0]:
                best[(tid, utt)] = (float(fused[j]), uid, float(cos[j]), float(lex_n[j]))
        ranked = sorted(best.values(), key=lambda x: -x[0])[:k]
        passages = []
        for rank, (score, uid, c, lx) in enumerate(ranked, start=1):
            tid, _, first, last, _ = units[uid]
            turns = self.index.turns_between(tid, first, last)
            passages.append(Passage(
                turn=_best_turn(question, turns), score=score, rank=rank,
                transcript_title=self.index.titles.get(tid, tid),
                scores={"dense": c, "lexical": lx},
            ))
        return passages


def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.ones_like(x)


def _best_turn(question: str, turns: list[Turn]) -> Turn:
    """Within a multi-turn utterance, the turn sharing most question words (longest on ties)."""
    if len(turns) == 1:
        return turns[0]
    q = set(keywords(question))
    return max(turns, key=lambda t: (len(q & set(keywords(t.text))), len(t.text)))
