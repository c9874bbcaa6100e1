"""Builds, validates and loads `index/`: FAISS vectors + SQLite turn store + manifest.

Layout: `index/CURRENT` names the live version folder `index/v-*/` holding `manifest.json`,
`store.sqlite` (transcripts, turns, units with their vectors, FTS5) and `vectors.faiss`.
A build writes a new version beside the live one, fsyncs it and switches `CURRENT` with an
atomic rename, so readers never see a half-written index and a killed build loses nothing.
Only transcripts whose content hash changed are parsed and embedded again; the vectors of the
others are copied from the previous version. FAISS row i is SQLite unit id i.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import numpy as np

from . import formats
from . import vectors as vectors_mod
from .config import Config
from .embed import model_identity
from .errors import TranscriptQAError
from .bm25 import FTS_TOKENIZER, TranscriptBM25
from .model import Speaker, Transcript, Turn
from .passages import UNITS_VERSION, build_sentences, build_units

if TYPE_CHECKING:
    from .embed import Encoder

INDEX_FORMAT = 2  # 2: sentence vectors and a surface-word vocabulary beside the units
log = logging.getLogger("transcript_qa")
FORMAT_VERSION = f"{INDEX_FORMAT}/{formats.PARSER_VERSION}/{UNITS_VERSION}"
Progress = Callable[[int, int, str], None]
EMBED_CHUNK = 512  # units per encode call: batches well, and progress shows often
VECTOR_SAMPLES = 256  # FAISS rows compared with SQLite's at load (`Index._check_vectors`)

_SCHEMA = """
CREATE TABLE transcripts (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, path TEXT NOT NULL, format TEXT NOT NULL,
  sha256 TEXT NOT NULL, n_turns INTEGER NOT NULL, speakers TEXT NOT NULL
);
CREATE TABLE turns (
  transcript_id TEXT NOT NULL, number INTEGER NOT NULL, speaker TEXT NOT NULL,
  speaker_name TEXT NOT NULL, speaker_role TEXT, text TEXT NOT NULL,
  start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, utterance INTEGER NOT NULL,
  start_s REAL, end_s REAL, PRIMARY KEY (transcript_id, number)
) WITHOUT ROWID;
CREATE TABLE units (
  id INTEGER PRIMARY KEY, transcript_id TEXT NOT NULL, utterance INTEGER NOT NULL,
  turn_first INTEGER NOT NULL, turn_last INTEGER NOT NULL, text TEXT NOT NULL, vec BLOB NOT NULL
);
CREATE INDEX units_by_transcript ON units (transcript_id, turn_first);
CREATE TABLE sentences (
  id INTEGER PRIMARY KEY, transcript_id TEXT NOT NULL, turn INTEGER NOT NULL,
  start INTEGER NOT NULL, "end" INTEGER NOT NULL, vec BLOB NOT NULL
);
CREATE INDEX sentences_by_turn ON sentences (transcript_id, turn);
CREATE TABLE vocab (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE transcript_vocab (
  transcript_id TEXT NOT NULL, term TEXT NOT NULL, df INTEGER NOT NULL,
  PRIMARY KEY (transcript_id, term)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE units_fts USING fts5(
  text, content='units', content_rowid='id', tokenize='%s'
);
""" % FTS_TOKENIZER


# ----------------------------------------------------------------------------- scanning


@dataclass
class SourceFile:
    id: str
    path: Path
    size: int
    mtime_ns: int


def scan(transcripts_dir: Path) -> list[SourceFile]:
    """Transcript files in the folder, with unique ids (file stems)."""
    if not transcripts_dir.is_dir():
        raise TranscriptQAError(
            f"Transcripts folder {transcripts_dir} does not exist; create it or pass "
            "--transcripts DIR."
        )
    found: list[SourceFile] = []
    seen: dict[str, Path] = {}
    for path in sorted(transcripts_dir.iterdir()):
        if not formats.is_transcript_file(path):
            continue
        tid = path.stem
        if tid in seen:
            tid = path.name  # `talk.txt` and `talk.srt` both present: keep both, distinctly
        seen[tid] = path
        st = path.stat()
        found.append(SourceFile(tid, path, st.st_size, st.st_mtime_ns))
    return found


def unsupported(transcripts_dir: Path) -> list[str]:
    """Files in the folder that are never read (no transcript type: "talk.pdf", "notes.docx").
    Named in the build report, so a file dropped in is not silently left out of search."""
    if not transcripts_dir.is_dir():
        return []
    return [p.name for p in sorted(transcripts_dir.iterdir())
            if p.is_file() and not p.name.startswith(".")
            and p.suffix.lower() not in formats.EXTENSIONS]


def unsupported_note(name: str) -> str:
    """Why `name` is not read, and what to do."""
    suffix = Path(name).suffix.lower()
    kind = f"'{suffix}'" if suffix else "no extension"
    return (f"not a transcript type ({kind}); export or save it as one of "
            f"{', '.join(sorted(formats.EXTENSIONS))}")


# ----------------------------------------------------------------------------- manifest


def _current_dir(index_dir: Path) -> Path | None:
    try:
        name = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return None
    if not name or "/" in name or name.startswith("."):
        return None
    path = index_dir / name
    return path if path.is_dir() else None


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    cur = _current_dir(index_dir)
    if cur is None:
        return None
    try:
        data = json.loads((cur / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@dataclass
class Status:
    """Whether the live index matches the transcripts folder and config, and why not."""

    fresh: bool
    reasons: list[str] = field(default_factory=list)


def status(cfg: Config) -> Status:
    """Cheap staleness check: stat() per file, hashing only files whose stat changed."""
    manifest = read_manifest(cfg.index_dir)
    if manifest is None:
        return Status(False, ["no index built yet"])
    reasons: list[str] = []
    if manifest.get("format_version") != FORMAT_VERSION:
        reasons.append("index format changed")
    if manifest.get("model") != model_identity(cfg.model):
        reasons.append(f"model changed to {cfg.model}")
    wanted = vectors_mod.plan(int(manifest.get("n_units", 0)), cfg.index_type)["type"]
    if manifest.get("index_type") != wanted:
        reasons.append(f"index type changed to {wanted}")
    # Files that failed to parse are remembered too, so they do not trigger a rebuild per query.
    known: dict[str, dict[str, Any]] = {**manifest.get("skipped", {}),
                                        **manifest.get("transcripts", {})}
    files = scan(cfg.transcripts_dir)
    for f in files:
        entry = known.get(f.id)
        if entry is None:
            reasons.append(f"new transcript {f.path.name}")
        elif (entry.get("size"), entry.get("mtime_ns")) != (f.size, f.mtime_ns):
            if _sha256(f.path) != entry.get("sha256"):
                reasons.append(f"changed transcript {f.path.name}")
    removed = set(known) - {f.id for f in files}
    reasons += [f"removed transcript {r}" for r in sorted(removed)]
    return Status(not reasons, reasons)


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ----------------------------------------------------------------------------- building


@dataclass
class BuildReport:
    version: str = ""
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # file name -> why it was skipped
    ignored: list[str] = field(default_factory=list)  # files of no transcript type (`unsupported`)
    embedded_units: int = 0
    embedded_texts: int = 0  # units + sentences actually encoded (distinct texts)
    total_units: int = 0
    total_turns: int = 0
    seconds: float = 0.0
    rebuilt: bool = False

    def summary(self) -> str:
        if not self.rebuilt:
            return "\n".join([f"Index is up to date ({self.total_turns} turns, "
                              f"{self.total_units} units)."] + self._left_out())
        parts = [
            f"{label} {len(items)}" for label, items in (
                ("added", self.added), ("changed", self.changed), ("removed", self.removed),
                ("unchanged", self.unchanged),
            ) if items
        ]
        lines = [
            f"Indexed {self.total_turns} turns ({self.total_units} units) in {self.seconds:.1f}s: "
            + ", ".join(parts) + f"; embedded {self.embedded_units} units"
            + f" ({self.embedded_texts} distinct texts with their sentences)."
        ]
        return "\n".join(lines + self._left_out())

    def _left_out(self) -> list[str]:
        """A line per file of the folder that is not searched, and why."""
        # a parse error names its file already ("x.txt: looks like a binary file ...")
        return ([f"  skipped {name}: {why.removeprefix(f'{name}: ')}"
                 for name, why in self.errors.items()]
                + [f"  not read {name}: {unsupported_note(name)}" for name in self.ignored])


def _lock(index_dir: Path):
    from filelock import FileLock

    why = "it is a file, not a folder" if index_dir.exists() and not index_dir.is_dir() else ""
    try:
        if not why:
            index_dir.mkdir(parents=True, exist_ok=True)
            why = "" if os.access(index_dir, os.W_OK) else "it is not writable"
    except OSError as exc:
        why = (exc.strerror or str(exc)).lower()
    if why:
        raise TranscriptQAError(f"Cannot use {index_dir} as the index folder: {why}. Pass "
                                "another with --index or TQA_INDEX_DIR.")
    return FileLock(str(index_dir / ".build.lock"))


def build(
    cfg: Config, encoder_factory: Callable[[], "Encoder"], progress: Progress | None = None,
    force: bool = False,
) -> BuildReport:
    """Bring the index in line with the transcripts folder; a no-op when nothing changed."""
    with _lock(cfg.index_dir):
        # Fresh on disk is not enough: a damaged version that no longer loads is rebuilt.
        if not force and status(cfg).fresh and _validates(_current_dir(cfg.index_dir)):
            return _report_fresh(cfg)
        try:
            return _build_locked(cfg, encoder_factory, progress, force)
        except (OSError, sqlite3.OperationalError) as exc:
            # A full disk or a folder that turned read-only: the half-built version is gone
            # (`_build_locked`) and the live one, if any, is untouched.
            kept = ("; the previous index is still in use" if _current_dir(cfg.index_dir)
                    else "")
            raise TranscriptQAError(
                f"Could not write the index in {cfg.index_dir}: {exc}. Free some disk space "
                f"or pass another folder with --index{kept}."
            ) from None


def _report_fresh(cfg: Config) -> BuildReport:
    m = read_manifest(cfg.index_dir) or {}
    return BuildReport(
        version=str(m.get("version", "")), unchanged=sorted(m.get("transcripts", {})),
        total_units=int(m.get("n_units", 0)), total_turns=int(m.get("n_turns", 0)),
        errors={str(e.get("path", tid)): str(e.get("error", ""))
                for tid, e in sorted(m.get("skipped", {}).items())},
        ignored=unsupported(cfg.transcripts_dir),
    )


def _build_locked(
    cfg: Config, encoder_factory: Callable[[], "Encoder"], progress: Progress | None,
    force: bool,
) -> BuildReport:
    t0 = time.perf_counter()
    report = BuildReport(rebuilt=True, ignored=unsupported(cfg.transcripts_dir))
    index_dir = cfg.index_dir
    old = read_manifest(index_dir)
    old_dir = _current_dir(index_dir)
    reusable = (
        not force and old is not None and old_dir is not None
        and old.get("format_version") == FORMAT_VERSION
        and old.get("model") == model_identity(cfg.model)
        and _validates(old_dir)
    )
    old_entries: dict[str, dict[str, Any]] = old.get("transcripts", {}) if reusable else {}

    files = scan(cfg.transcripts_dir)
    keep: list[str] = []
    parsed: list[Transcript] = []
    entries: dict[str, dict[str, Any]] = {}
    skipped: dict[str, dict[str, Any]] = {}
    for f in files:
        entry = old_entries.get(f.id)
        same_stat = entry and (entry.get("size"), entry.get("mtime_ns")) == (f.size, f.mtime_ns)
        if entry and (same_stat or _sha256(f.path) == entry.get("sha256")):
            keep.append(f.id)
            entries[f.id] = {**entry, "size": f.size, "mtime_ns": f.mtime_ns}
            continue
        try:
            t = formats.parse_file(f.path)
        except TranscriptQAError as exc:
            report.errors[f.path.name] = str(exc)
            skipped[f.id] = {"sha256": _sha256(f.path), "size": f.size,
                             "mtime_ns": f.mtime_ns, "path": f.path.name, "error": str(exc)}
            continue
        t.id = f.id
        for turn in t.turns:
            turn.transcript_id = f.id
        parsed.append(t)
        entries[f.id] = {"sha256": t.sha256, "size": f.size, "mtime_ns": f.mtime_ns,
                         "path": f.path.name, "turns": len(t.turns)}
        (report.changed if f.id in old_entries else report.added).append(f.id)
    report.unchanged = keep
    report.removed = sorted(set(old_entries) - {f.id for f in files})

    version = f"v-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    tmp = index_dir / f".tmp-{version}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        encoder = None
        db = sqlite3.connect(tmp / "store.sqlite")
        db.executescript(_SCHEMA)
        if keep and old_dir is not None:
            _copy_transcripts(db, old_dir / "store.sqlite", keep)
        new_units = [(t, build_units(t.turns), build_sentences(t.turns)) for t in parsed]
        n_new = sum(len(u) for _, u, _ in new_units)
        # Units and sentences of every new transcript as one stream of distinct texts: big
        # batches, no per-transcript overhead, repeated texts ("Yeah .") encoded once.
        texts = list(dict.fromkeys(
            x.text for _, units, sents in new_units for x in (*units, *sents)
        ))
        log.info("building %s: %d transcripts reused, %d parsed, %d units, %d texts to embed",
                 version, len(keep), len(parsed), n_new, len(texts))
        if texts:
            encoder = encoder_factory()
        dim = encoder.dim if encoder else int((old or {}).get("dim", 0))
        for t, _, _ in new_units:
            _insert_transcript(db, t)
        db.execute("CREATE TEMP TABLE text_vecs (i INTEGER PRIMARY KEY, vec BLOB NOT NULL)")
        # Shortest first across the whole stream: each batch pads to similar lengths.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for i in range(0, len(order), EMBED_CHUNK):
            ids = order[i : i + EMBED_CHUNK]
            vecs = encoder.encode([texts[j] for j in ids])  # type: ignore[union-attr]
            db.executemany("INSERT INTO temp.text_vecs VALUES (?, ?)",
                           [(j, v.tobytes()) for j, v in zip(ids, vecs)])
            done = i + len(vecs)
            log.info("embedded %d/%d texts", done, len(texts))
            if progress:
                progress(done, len(texts), "embedding")
        row = {text: i for i, text in enumerate(texts)}
        next_id = db.execute("SELECT COUNT(*) FROM units").fetchone()[0]
        flat_units = [u for _, units, _ in new_units for u in units]
        db.executemany(
            "INSERT INTO units VALUES (?, ?, ?, ?, ?, ?, "
            "(SELECT vec FROM temp.text_vecs WHERE i = ?))",
            [(next_id + j, u.transcript_id, u.utterance, u.turn_first, u.turn_last, u.text,
              row[u.text]) for j, u in enumerate(flat_units)],
        )
        db.executemany(
            'INSERT INTO sentences (transcript_id, turn, start, "end", vec) '
            "VALUES (?, ?, ?, ?, (SELECT vec FROM temp.text_vecs WHERE i = ?))",
            [(x.transcript_id, x.turn, x.start, x.end, row[x.text])
             for _, _, sents in new_units for x in sents],
        )
        db.execute("DROP TABLE temp.text_vecs")
        report.embedded_texts = len(texts)
        report.embedded_units = n_new
        db.execute("INSERT INTO units_fts (units_fts) VALUES ('rebuild')")
        _fill_vocab(db)
        db.commit()
        vectors = _all_vectors(db, dim)
        report.total_units = len(vectors)
        report.total_turns = db.execute("SELECT COUNT(*) FROM turns").fetchone()[0]
        db.execute("PRAGMA journal_mode=DELETE")
        db.close()
        ann = vectors_mod.plan(len(vectors), cfg.index_type)
        log.info("writing FAISS index (%d vectors, %s)", len(vectors), ann["type"])
        vectors_mod.write(vectors_mod.build(vectors, dim, ann), tmp / "vectors.faiss")
        del vectors
        manifest = {
            "version": version, "format_version": FORMAT_VERSION,
            "model": model_identity(cfg.model), "model_spec": cfg.model, "dim": dim,
            "index_type": ann["type"], "ann": ann, "n_units": report.total_units,
            "n_turns": report.total_turns, "transcripts": entries, "skipped": skipped,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        _write_json(tmp / "manifest.json", manifest)
        _fsync_dir(tmp)
        log.info("switching to %s", version)
        os.rename(tmp, index_dir / version)
        _switch_current(index_dir, version)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _remove_old_versions(index_dir, keep={version, old_dir.name if old_dir else ""})
    report.version = version
    report.seconds = time.perf_counter() - t0
    return report


def _validates(version_dir: Path | None) -> bool:
    """Only a version that loads cleanly is served as it is or donates vectors to the next."""
    if version_dir is None:
        return False
    try:
        Index(version_dir).close()
        return True
    except TranscriptQAError as exc:
        log.warning("previous index not reused: %s", exc)
        return False


def _copy_transcripts(db: sqlite3.Connection, old_db: Path, ids: list[str]) -> None:
    db.execute("ATTACH DATABASE ? AS old", (f"file:{old_db}?mode=ro",))
    marks = ",".join("?" * len(ids))
    db.execute(f"INSERT INTO transcripts SELECT * FROM old.transcripts WHERE id IN ({marks})", ids)
    db.execute(f"INSERT INTO turns SELECT * FROM old.turns WHERE transcript_id IN ({marks})", ids)
    db.execute(
        "INSERT INTO units SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, transcript_id, utterance,"
        f" turn_first, turn_last, text, vec FROM old.units WHERE transcript_id IN ({marks})", ids,
    )
    db.execute(
        'INSERT INTO sentences (transcript_id, turn, start, "end", vec) SELECT transcript_id,'
        f' turn, start, "end", vec FROM old.sentences WHERE transcript_id IN ({marks}) ORDER BY id',
        ids,
    )
    db.commit()
    db.execute("DETACH DATABASE old")


def _fill_vocab(db: sqlite3.Connection) -> None:
    """Surface words with their unit frequency, in the whole index (what typo correction
    matches against: the FTS5 vocabulary holds porter stems, too far from what people mistype)
    and per transcript (how rare a question word is where a turn was said: `Searcher`)."""
    from collections import Counter

    from .lexicon import words

    df: Counter[str] = Counter()
    per: dict[str, Counter[str]] = {}
    for tid, text in db.execute("SELECT transcript_id, text FROM units ORDER BY id"):
        seen = set(words(text))
        df.update(seen)
        per.setdefault(tid, Counter()).update(seen)
    db.executemany("INSERT INTO vocab VALUES (?, ?)", sorted(df.items()))
    db.executemany("INSERT INTO transcript_vocab VALUES (?, ?, ?)",
                   ((tid, w, n) for tid in sorted(per) for w, n in sorted(per[tid].items())))


def _insert_transcript(db: sqlite3.Connection, t: Transcript) -> None:
    speakers = [{"name": s.name, "role": s.role}
                | ({"line": s.line, "start_char": s.start_char, "end_char": s.end_char}
                   if s.line is not None else {}) for s in t.speakers]
    db.execute(
        "INSERT INTO transcripts VALUES (?, ?, ?, ?, ?, ?, ?)",
        (t.id, t.title, t.source, t.format, t.sha256, len(t.turns), json.dumps(speakers)),
    )
    db.executemany(
        "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(x.transcript_id, x.number, x.speaker, x.speaker_name, x.speaker_role, x.text,
          x.start_char, x.end_char, x.utterance, x.start, x.end) for x in t.turns],
    )


def _all_vectors(db: sqlite3.Connection, dim: int) -> np.ndarray:
    rows = db.execute("SELECT vec FROM units ORDER BY id").fetchall()
    if not rows:
        return np.zeros((0, dim), dtype=np.float32)
    buf = b"".join(r[0] for r in rows)
    return np.frombuffer(buf, dtype=np.float32).reshape(len(rows), -1).copy()


def _write_json(path: Path, data: Any) -> None:
    with path.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _switch_current(index_dir: Path, version: str) -> None:
    tmp = index_dir / f".CURRENT.{os.getpid()}"
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(version + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / "CURRENT")
    _fsync_dir(index_dir)


def _remove_old_versions(index_dir: Path, keep: set[str]) -> None:
    """Versions older than the previous one go; the previous stays for in-flight readers."""
    for p in index_dir.iterdir():
        if p.is_dir() and p.name not in keep and (p.name.startswith("v-") or p.name.startswith(".tmp-")):
            if p.name.startswith(".tmp-") and _pid_alive(p.name):
                continue
            shutil.rmtree(p, ignore_errors=True)


def _pid_alive(tmp_name: str) -> bool:
    try:
        pid = int(tmp_name.split("-")[3])
    except (IndexError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return pid != os.getpid()


# ----------------------------------------------------------------------------- loading


class Index:
    """A loaded, validated index version: FAISS vectors in memory, turns read from SQLite.

    Thread-safe for reads: each thread gets its own read-only SQLite connection.
    """

    def __init__(self, path: Path):
        import faiss

        self.path = path
        try:
            self.manifest: dict[str, Any] = json.loads((path / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise TranscriptQAError(f"Index manifest in {path} is unreadable: {exc}") from None
        self.version = str(self.manifest.get("version", path.name))
        self.dim = int(self.manifest.get("dim", 0))
        self._local = threading.local()
        self.ann: dict[str, Any] = self.manifest.get("ann") or {"type": "flat-ip"}
        try:
            self.faiss = faiss.read_index(str(path / "vectors.faiss"))
        except Exception as exc:  # faiss raises RuntimeError for truncated or garbage files
            raise TranscriptQAError(f"FAISS file in {path} is unreadable: {exc}") from None
        self._validate()
        vectors_mod.prepare(self.faiss, self.ann)
        self._check_vectors()
        self.titles: dict[str, str] = dict(self.db.execute("SELECT id, title FROM transcripts"))

    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "db", None)
        if conn is None:
            db_path = self.path / "store.sqlite"
            if not db_path.is_file():
                raise TranscriptQAError(f"Turn store {db_path} is missing.")
            conn = sqlite3.connect(f"file:{db_path}?mode=ro&immutable=1", uri=True,
                                   check_same_thread=False)
            self._local.db = conn
        return conn

    def _validate(self) -> None:
        try:
            n, lo, hi = self.db.execute("SELECT COUNT(*), MIN(id), MAX(id) FROM units").fetchone()
            n_turns = self.db.execute("SELECT COUNT(*) FROM turns").fetchone()[0]
            ids = {r[0] for r in self.db.execute("SELECT id FROM transcripts")}
        except sqlite3.DatabaseError as exc:
            raise TranscriptQAError(f"Turn store in {self.path} is corrupt: {exc}") from None
        problems = []
        if self.faiss.ntotal != n:
            problems.append(f"FAISS has {self.faiss.ntotal} vectors, SQLite {n} units")
        if n and (lo != 0 or hi != n - 1):
            problems.append("unit ids are not contiguous")
        if n != self.manifest.get("n_units") or n_turns != self.manifest.get("n_turns"):
            problems.append("counts differ from the manifest")
        if ids != set(self.manifest.get("transcripts", {})):
            problems.append("transcripts differ from the manifest")
        if self.faiss.d != self.dim and n:  # an empty index has no meaningful dimension
            problems.append(f"FAISS dimension {self.faiss.d} != manifest {self.dim}")
        if problems:
            raise TranscriptQAError(f"Index {self.path.name} is inconsistent: {'; '.join(problems)}")

    def _check_vectors(self, samples: int = VECTOR_SAMPLES) -> None:
        """FAISS rows must equal the vectors SQLite stores for the same units: a file
        overwritten with garbage still loads (its size and counts are right) and would answer
        every question with noise. Checked on evenly spaced rows, first and last included."""
        n = self.faiss.ntotal
        if not n:
            return
        ids = np.unique(np.linspace(0, n - 1, min(n, samples)).astype(np.int64))
        try:
            rows = dict(self.db.execute(
                f"SELECT id, vec FROM units WHERE id IN ({','.join('?' * len(ids))})",
                ids.tolist()))
        except sqlite3.DatabaseError as exc:
            raise TranscriptQAError(f"Turn store in {self.path} is corrupt: {exc}") from None
        got = vectors_mod.reconstruct(self.faiss, ids)
        for i, u in enumerate(ids.tolist()):
            want = rows.get(u)
            if want is None or got[i].tobytes() != want:
                raise TranscriptQAError(
                    f"Index {self.path.name} is inconsistent: FAISS vector {u} differs from "
                    "the stored one (the file is damaged)")

    # --- reads used by search and the UI

    def dense_search(self, qvecs: np.ndarray, n: int, allowed: np.ndarray | None = None):
        """Top-n (cosines, unit ids) per question vector, optionally within `allowed` ids."""
        return vectors_mod.search(self.faiss, qvecs, n, allowed, self.ann)

    def turns(
        self, transcript_id: str | None = None, speaker: str | None = None,
    ) -> list[Turn]:
        sql, args = "SELECT * FROM turns", []
        where = []
        if transcript_id:
            where.append("transcript_id = ?")
            args.append(transcript_id)
        if speaker:
            where.append("(speaker = ? OR speaker_name = ?)")
            args += [speaker, speaker]
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [_turn(r) for r in self.db.execute(sql + " ORDER BY transcript_id, number", args)]

    def turn(self, transcript_id: str, number: int) -> Turn | None:
        row = self.db.execute(
            "SELECT * FROM turns WHERE transcript_id = ? AND number = ?", (transcript_id, number)
        ).fetchone()
        return _turn(row) if row else None

    def turns_between(self, transcript_id: str, first: int, last: int) -> list[Turn]:
        rows = self.db.execute(
            "SELECT * FROM turns WHERE transcript_id = ? AND number BETWEEN ? AND ? ORDER BY number",
            (transcript_id, first, last),
        )
        return [_turn(r) for r in rows]

    def units(self, ids: list[int]) -> dict[int, tuple[str, int, int, int, str]]:
        """id -> (transcript_id, utterance, turn_first, turn_last, text)."""
        out = {}
        for chunk in _chunks(ids, 900):
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(
                "SELECT id, transcript_id, utterance, turn_first, turn_last, text FROM units "
                f"WHERE id IN ({marks})", chunk,
            ):
                out[r[0]] = tuple(r[1:])
        return out  # type: ignore[return-value]

    def unit_table(self) -> "UnitTable":
        """Every unit's transcript, utterance and turn range as arrays, loaded once: search reads
        neighbour context from here instead of querying SQLite per candidate (~13 bytes/unit)."""
        table = getattr(self, "_unit_table", None)
        if table is None:
            rows = self.db.execute(
                "SELECT transcript_id, utterance, turn_first, turn_last, substr(text, -8) "
                "FROM units ORDER BY id").fetchall()
            tids = sorted({r[0] for r in rows})
            code = {t: i for i, t in enumerate(tids)}
            table = UnitTable(
                tids, np.array([code[r[0]] for r in rows], dtype=np.int32),
                np.array([r[1] for r in rows], dtype=np.int32),
                np.array([r[2] for r in rows], dtype=np.int32),
                np.array([r[3] for r in rows], dtype=np.int32),
                np.array([r[4].rstrip().endswith("?") for r in rows], dtype=bool),
            )
            self._unit_table = table
        return table

    def bm25(self) -> TranscriptBM25:
        """BM25 with each transcript's own statistics (`bm25.py`), built once."""
        scorer = getattr(self, "_bm25", None)
        if scorer is None:
            table = self.unit_table()
            scorer = self._bm25 = TranscriptBM25(lambda: self.db, table.transcript, table.sizes)
        return scorer

    def turns_for(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], Turn]:
        """The stored turns for (transcript_id, number) pairs; unknown pairs are left out."""
        out: dict[tuple[str, int], Turn] = {}
        for tid, chunk, marks in _by_transcript(keys):
            for r in self.db.execute(
                f"SELECT * FROM turns WHERE transcript_id = ? AND number IN ({marks})",
                [tid, *chunk],
            ):
                out[(r[0], r[1])] = _turn(r)
        return out

    def turn_speakers(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """(transcript_id, number) -> speaker label, without loading the turns' text."""
        out: dict[tuple[str, int], str] = {}
        for tid, chunk, marks in _by_transcript(keys):
            for number, label in self.db.execute(
                f"SELECT number, speaker FROM turns WHERE transcript_id = ? AND number IN ({marks})",
                [tid, *chunk],
            ):
                out[(tid, number)] = label
        return out

    def speakers(self, transcript_ids: tuple[str, ...] = ()) -> list[tuple[str, str, str | None]]:
        """Distinct (label, name, role) of the given transcripts (all when empty), cached."""
        cache = getattr(self, "_speakers", None)
        if cache is None:
            cache = {}
            for tid, label, name, role in self.db.execute(
                "SELECT DISTINCT transcript_id, speaker, speaker_name, speaker_role FROM turns"
            ):
                cache.setdefault(tid, []).append((label, name, role))
            self._speakers = cache
        tids = transcript_ids or tuple(cache)
        return list(dict.fromkeys(p for t in tids for p in cache.get(t, [])))

    def unit_vectors(self, ids: list[int] | np.ndarray) -> np.ndarray:
        """Stored unit vectors by id (FAISS row i is unit i), without re-encoding."""
        return vectors_mod.reconstruct(self.faiss, np.asarray(ids, dtype=np.int64))

    def sentences(
        self, turns: list[tuple[str, int]],
    ) -> list[tuple[str, int, int, int, np.ndarray]]:
        """(transcript_id, turn, start, end, vector) of every sentence of the given turns."""
        out = []
        for tid, chunk, marks in _by_transcript(turns):
            out += [
                (r[0], r[1], r[2], r[3], np.frombuffer(r[4], dtype=np.float32))
                for r in self.db.execute(
                    'SELECT transcript_id, turn, start, "end", vec FROM sentences '
                    f"WHERE transcript_id = ? AND turn IN ({marks}) ORDER BY id",
                    [tid, *chunk],
                )
            ]
        return out

    def document_frequency(self, terms: list[str]) -> dict[str, int]:
        """How many units contain each surface word (absent words are left out)."""
        out: dict[str, int] = {}
        for chunk in _chunks(list(dict.fromkeys(terms)), 900):  # type: ignore[arg-type]
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(
                f"SELECT term, df FROM vocab WHERE term IN ({marks})", chunk))
        return out

    def document_frequency_by_transcript(
        self, transcript_ids: list[str], terms: list[str],
    ) -> dict[str, dict[str, int]] | None:
        """`document_frequency` within each transcript; None for an index built before
        transcripts kept their own counts (its next build adds them)."""
        if not self._has_transcript_vocab():
            return None
        out: dict[str, dict[str, int]] = {t: {} for t in transcript_ids}
        terms = list(dict.fromkeys(terms))
        for tids in _chunks(list(out), 400):  # type: ignore[arg-type]
            for chunk in _chunks(terms, 400):  # type: ignore[arg-type]
                for tid, term, df in self.db.execute(
                    "SELECT transcript_id, term, df FROM transcript_vocab WHERE transcript_id "
                    f"IN ({','.join('?' * len(tids))}) AND term IN ({','.join('?' * len(chunk))})",
                    [*tids, *chunk]):
                    out[tid][term] = df
        return out

    def _has_transcript_vocab(self) -> bool:
        has = getattr(self, "_transcript_vocab", None)
        if has is None:
            has = self._transcript_vocab = bool(self.db.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'transcript_vocab'").fetchone())
        return has

    def word_stats(self, transcript_ids: tuple[str, ...] = ()) -> "WordStats":
        """The surface-word statistics of some transcripts (all when empty): what a question
        searched within them is read against (typo corrections, joined forms, IDF)."""
        if not transcript_ids or not self._has_transcript_vocab() or set(transcript_ids) >= set(
                self.unit_table().transcript_ids):
            return WordStats(self.document_frequency, self.vocabulary, self.n_units)
        key = tuple(sorted(transcript_ids))
        cache = self.__dict__.setdefault("_word_stats", {})
        if key not in cache:
            def df(terms: list[str], tids: tuple[str, ...] = key) -> dict[str, int]:
                out: dict[str, int] = {}
                dfs = self.document_frequency_by_transcript(list(tids), terms) or {}
                for per in dfs.values():
                    for w, n in per.items():
                        out[w] = out.get(w, 0) + n
                return out

            def vocab(tids: tuple[str, ...] = key) -> list[str]:
                marks = ",".join("?" * len(tids))
                return [r[0] for r in self.db.execute(
                    f"SELECT DISTINCT term FROM transcript_vocab WHERE transcript_id IN ({marks})",
                    tids)]

            if len(cache) > 64:
                cache.clear()
            cache[key] = WordStats(df, lru_cache(maxsize=1)(vocab),
                                   sum(self.units_in(t) for t in key))
        return cache[key]

    def transcript_tokens(self, transcript_id: str) -> float:
        """How many FTS5 tokens a transcript's units hold (0 when it is not indexed)."""
        table = self.unit_table()
        code = table.codes.get(transcript_id)
        return 0.0 if code is None else self.bm25().avgdl(code) * float(table.sizes[code])

    def units_in(self, transcript_id: str) -> int:
        """How many units (windows) a transcript has."""
        table = self.unit_table()
        code = table.codes.get(transcript_id)
        return 0 if code is None else int(table.sizes[code])

    def vocabulary(self) -> list[str]:
        """All indexed surface words, loaded once (for typo correction)."""
        vocab = getattr(self, "_vocab", None)
        if vocab is None:
            vocab = [r[0] for r in self.db.execute("SELECT term FROM vocab")]
            self._vocab = vocab
        return vocab

    @property
    def n_units(self) -> int:
        return int(self.faiss.ntotal)

    def directories(self) -> dict[str, list[Speaker]]:
        """Per transcript, the people its header names (`Transcript.speakers`)."""
        return {tid: [Speaker(**s) for s in json.loads(speakers)] for tid, speakers in
                self.db.execute("SELECT id, speakers FROM transcripts ORDER BY id")}

    def transcripts(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT id, title, path, format, n_turns, speakers FROM transcripts ORDER BY id"
        ).fetchall()
        out = []
        for tid, title, path, fmt, n, speakers in rows:
            names = [r[0] for r in self.db.execute(
                "SELECT speaker_name FROM turns WHERE transcript_id = ? "
                "GROUP BY speaker_name ORDER BY MIN(number)", (tid,))]
            out.append({"id": tid, "title": title, "path": path, "format": fmt, "turns": n,
                        "speakers": names,
                        "directory": [Speaker(**s) for s in json.loads(speakers)]})
        return out

    def close(self) -> None:
        conn = getattr(self._local, "db", None)
        if conn is not None:
            conn.close()
            self._local.db = None


@dataclass(frozen=True)
class WordStats:
    """Surface-word statistics of (some transcripts of) an index (`Index.word_stats`)."""

    document_frequency: Callable[[list[str]], dict[str, int]]
    vocabulary: Callable[[], list[str]]
    n_units: int


@dataclass
class UnitTable:
    transcript_ids: list[str]
    transcript: np.ndarray  # index into transcript_ids
    utterance: np.ndarray
    turn_first: np.ndarray
    turn_last: np.ndarray
    ends_question: np.ndarray

    @cached_property
    def sizes(self) -> np.ndarray:
        """Units per transcript, by transcript code."""
        return np.bincount(self.transcript, minlength=len(self.transcript_ids))

    @cached_property
    def codes(self) -> dict[str, int]:
        """Transcript id -> its code (its place in `transcript_ids`)."""
        return {t: i for i, t in enumerate(self.transcript_ids)}

    def info(self, uid: int) -> tuple[str, int, int, int, bool]:
        return (self.transcript_ids[self.transcript[uid]], int(self.utterance[uid]),
                int(self.turn_first[uid]), int(self.turn_last[uid]),
                bool(self.ends_question[uid]))


def _chunks(items: list[int], n: int) -> Iterator[list[int]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _by_transcript(keys: list[tuple[str, int]]) -> Iterator[tuple[str, list[int], str]]:
    """(transcript id, up to 900 of its turn numbers, their `?` marks) for `IN (...)` queries
    over distinct (transcript_id, number) keys: one query per transcript and chunk."""
    by_tid: dict[str, list[int]] = {}
    for tid, n in dict.fromkeys(keys):
        by_tid.setdefault(tid, []).append(n)
    for tid, numbers in by_tid.items():
        for chunk in _chunks(numbers, 900):
            yield tid, chunk, ",".join("?" * len(chunk))


def _turn(r: tuple) -> Turn:
    return Turn(
        transcript_id=r[0], number=r[1], speaker=r[2], speaker_name=r[3], speaker_role=r[4],
        text=r[5], start_char=r[6], end_char=r[7], utterance=r[8], start=r[9], end=r[10],
    )


def ensure(
    cfg: Config, encoder_factory: Callable[[], "Encoder"], progress: Progress | None = None,
) -> tuple[Index, BuildReport]:
    """The live index, built when missing or stale and rebuilt when it does not validate.

    A broken index (truncated FAISS file, corrupt SQLite, counts or ids that disagree, a
    manifest from another model or format) is never served: it is logged and rebuilt from
    `transcripts/`.
    """
    st = status(cfg)
    if st.fresh:
        report = _report_fresh(cfg)
    else:
        log.info("index needs a build: %s", "; ".join(st.reasons))
        report = build(cfg, encoder_factory, progress)
    try:
        return load(cfg), report
    except TranscriptQAError as exc:
        log.warning("index unusable, rebuilding from transcripts: %s", exc)
    report = build(cfg, encoder_factory, progress, force=True)
    return load(cfg), report


def load(cfg: Config) -> Index:
    cur = _current_dir(cfg.index_dir)
    if cur is None:
        raise TranscriptQAError(
            f"No index in {cfg.index_dir}; run `transcript-qa index` to build it."
        )
    return Index(cur)
