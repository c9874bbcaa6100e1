"""BM25 as FTS5 computes it, but with each transcript's own statistics.

FTS5's `bm25()` weighs a word by how rare it is in the whole index. With one transcript that
is what ranking needs; with many it is not: a transcript's own topic word ("trafficking" in
the podcast, said in most of its turns) is rare among ten transcripts, so it outweighs the
words that tell the podcast's turns apart, and adding a folder of meetings changed which
podcast turn answered (the seed questions searched within the podcast alone: R@1 0.923 ->
0.692 in an index of ten transcripts). Here a unit is scored with its own transcript's unit
count, average length and word frequencies, so one transcript's ranking is the same whatever
else is indexed, and with one transcript the scores equal FTS5's (tested).

FTS5 still finds the candidates (`Searcher._lexical`); only their scores are recomputed,
from FTS5's own tokens (`fts5vocab` instances) and stored unit sizes (`units_fts_docsize`).
"""
from __future__ import annotations

import math
import sqlite3
import threading
from collections import Counter

import numpy as np

K1, B = 1.2, 0.75  # FTS5's bm25() defaults
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"  # index._SCHEMA's units_fts reads with it


class Tokenizer:
    """FTS5's own tokenizer, run in a private in-memory table: the tokens a quoted query term
    matches (porter stems, in order). Cached per text; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._cache: dict[str, tuple[str, ...]] = {}

    def __call__(self, text: str) -> tuple[str, ...]:
        got = self._cache.get(text)
        if got is not None:
            return got
        with self._lock:
            if self._db is None:
                db = sqlite3.connect(":memory:", check_same_thread=False)
                db.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{FTS_TOKENIZER}')")
                db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
                self._db = db
            self._db.execute("INSERT INTO t (rowid, x) VALUES (1, ?)", (text,))
            got = tuple(r[0] for r in self._db.execute("SELECT term FROM v ORDER BY offset"))
            self._db.execute("DELETE FROM t")
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[text] = got
        return got


def varint(blob: bytes) -> int:
    """The first SQLite varint in `blob` (FTS5 stores a unit's token count this way)."""
    v = 0
    for i, byte in enumerate(blob[:9]):
        if i == 8:
            return (v << 8) | byte
        v = (v << 7) | (byte & 0x7F)
        if byte < 0x80:
            return v
    return v


class TranscriptBM25:
    """Per-transcript BM25 over one index's FTS5 table; caches each transcript's statistics.
    `transcript`: the transcript code of every unit id, `n_units`: units per code
    (UnitTable.transcript, UnitTable.sizes)."""

    def __init__(self, db_of, transcript: np.ndarray, n_units: np.ndarray):
        self._db_of = db_of  # () -> this thread's read-only connection
        self.transcript = transcript
        self.n_units = n_units
        self._avgdl: dict[int, float] = {}
        self._lock = threading.Lock()
        self.tokens = Tokenizer()

    def _db(self) -> sqlite3.Connection:
        db = self._db_of()
        try:
            db.execute("SELECT 1 FROM temp.units_fts_inst LIMIT 0")
        except sqlite3.OperationalError:
            db.execute("CREATE VIRTUAL TABLE temp.units_fts_inst "
                       "USING fts5vocab(main, units_fts, instance)")
        return db

    def _sizes(self, db: sqlite3.Connection, ids: list[int]) -> dict[int, int]:
        out = {}
        for i in range(0, len(ids), 900):
            chunk = ids[i:i + 900]
            out.update((r[0], varint(r[1])) for r in db.execute(
                f"SELECT id, sz FROM units_fts_docsize WHERE id IN ({','.join('?' * len(chunk))})",
                chunk))
        return out

    def avgdl(self, code: int) -> float:
        with self._lock:
            got = self._avgdl.get(code)
        if got is None:
            ids = np.flatnonzero(self.transcript == code).tolist()
            sizes = self._sizes(self._db(), ids)
            got = sum(sizes.values()) / max(len(ids), 1)
            with self._lock:
                self._avgdl[code] = got
        return got

    def _hits(self, db: sqlite3.Connection, phrase: tuple[str, ...]
              ) -> tuple[np.ndarray, np.ndarray]:
        """(unit ids, how often the phrase occurs in each): consecutive tokens."""
        if len(phrase) == 1:  # most terms: counted by SQLite
            rows = db.execute("SELECT doc, COUNT(*) FROM temp.units_fts_inst WHERE term = ? "
                              "GROUP BY doc", phrase).fetchall()
        else:
            pos = [set(db.execute("SELECT doc, offset FROM temp.units_fts_inst WHERE term = ?",
                                  (tok,)).fetchall()) for tok in phrase]
            rows = sorted(Counter(d for d, o in pos[0] if all(
                (d, o + i) in p for i, p in enumerate(pos[1:], start=1))).items())
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        arr = np.asarray(rows, dtype=np.int64)
        return arr[:, 0], arr[:, 1]

    def scores(self, terms: list[str], ids: list[int]) -> dict[int, float]:
        """BM25 of each unit in `ids` for the OR of `terms` (quoted FTS5 phrases), with the
        unit's own transcript's statistics; the same sign as `-bm25()`: higher is better."""
        db = self._db()
        texts = dict.fromkeys(t.replace('"', "") for t in terms)  # as `search.fts_query`
        phrases = [p for p in map(self.tokens, texts) if p]
        size = self._sizes(db, ids)
        wanted = np.asarray(ids, dtype=np.int64)
        out = dict.fromkeys(ids, 0.0)
        for phrase in phrases:
            docs, tfs = self._hits(db, phrase)
            if not len(docs):
                continue
            df = np.bincount(self.transcript[docs], minlength=len(self.n_units))
            mine = np.isin(docs, wanted)
            for u, tf in zip(docs[mine].tolist(), tfs[mine].tolist()):
                code = int(self.transcript[u])
                n, hit = int(self.n_units[code]), int(df[code])
                idf = math.log((n - hit + 0.5) / (hit + 0.5))
                idf = idf if idf > 0 else 1e-6
                norm = K1 * (1 - B + B * size.get(u, 0) / (self.avgdl(code) or 1.0))
                out[u] += idf * tf * (K1 + 1) / (tf + norm)
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))
