"""The one Python surface the CLI and the UI call: index, search, ask, browse.

A `TranscriptQA` holds the loaded model and index for the life of a process (the only
cached state in the project); everything heavy loads on first use, so a command that does
not need the model never imports it.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path
from typing import Any, Iterable

from . import index as index_mod, names
from .config import MAX_K, Config, load_config, set_offline_env
from .errors import TranscriptQAError
from .formats.base import surname_key
from .model import Answer, Passage, Turn

log = logging.getLogger("transcript_qa")


class TranscriptQA:
    def __init__(self, cfg: Config | None = None, encoder: Any = None, **overrides: Any):
        """`encoder` lets several instances in one process share a loaded model."""
        set_offline_env()
        self.cfg = (cfg or load_config()).with_overrides(**overrides)
        self._encoder = encoder
        self._index: index_mod.Index | None = None
        self._lock = threading.RLock()
        self.ranking = None  # a search.Ranking to override the shipped pipeline (benchmarks)

    # ------------------------------------------------------------------ resources

    @property
    def encoder(self):
        if self._encoder is None:
            with self._lock:
                if self._encoder is None:
                    from .embed import load_encoder

                    c = self.cfg
                    log.info("loading model %s (%s backend)", c.model, c.backend)
                    self._encoder = load_encoder(
                        c.model, c.backend, c.cache_dir / "encoders", c.threads, c.batch_size
                    )
        return self._encoder

    def build_index(self, progress: index_mod.Progress | None = None,
                    force: bool = False) -> index_mod.BuildReport:
        """Bring `index/` up to date with `transcripts/` and switch to the new version."""
        with self._lock:
            if force:
                report = index_mod.build(self.cfg, lambda: self.encoder, progress, force=True)
                self._index = index_mod.load(self.cfg)
                return report
            index, report = index_mod.ensure(self.cfg, lambda: self.encoder, progress)
            self._index = index  # readers holding the old Index finish on it; new ones switch
            return report

    @property
    def index(self) -> index_mod.Index:
        """The live index, built on first use when missing or stale."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index, _ = index_mod.ensure(self.cfg, lambda: self.encoder)
        return self._index  # type: ignore[return-value]

    def status(self) -> index_mod.Status:
        return index_mod.status(self.cfg)

    # ------------------------------------------------------------------ filters

    def transcript_ids(self) -> list[str]:
        return sorted(self.index.titles)

    def _check_transcripts(self, transcript: str | Iterable[str] | None) -> tuple[str, ...]:
        if not transcript:
            return ()
        wanted = tuple(self._transcript_id(t) for t in
                       ((transcript,) if isinstance(transcript, str) else transcript))
        known = self.index.titles
        unknown = [t for t in wanted if t not in known]
        if unknown:
            raise TranscriptQAError(
                f"Unknown transcript {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(sorted(known)) or 'none (index is empty)'}."
            )
        return wanted

    def _transcript_id(self, typed: str) -> str:
        """An id as given, or the id of the one transcript whose file name or title this is
        (case aside): the app's lists show titles, and a file name is what a user dropped."""
        known = self.index.titles
        if typed in known:
            return typed
        want = " ".join(typed.split()).casefold()
        hits = {tid for tid, title, path in self.index.db.execute(
                    "SELECT id, title, path FROM transcripts")
                if want in (tid.casefold(), Path(path).name.casefold(),
                            " ".join(title.split()).casefold())}
        return hits.pop() if len(hits) == 1 else typed

    def speakers(self, transcript: str | Iterable[str] | None = None) -> list[dict[str, str]]:
        """Distinct speakers as {label, name, role}, in order of first appearance."""
        ids = self._check_transcripts(transcript)
        sql = "SELECT speaker, speaker_name, speaker_role FROM turns"
        args: list[str] = []
        if ids:
            sql += f" WHERE transcript_id IN ({','.join('?' * len(ids))})"
            args = list(ids)
        seen: dict[tuple[str, str], dict[str, str]] = {}
        for label, name, role in self.index.db.execute(sql + " ORDER BY transcript_id, number", args):
            seen.setdefault((label, name), {"label": label, "name": name, "role": role or ""})
        return list(seen.values())

    def resolve_speaker(self, speaker: str | None,
                        transcript: str | Iterable[str] | None = None) -> str | None:
        """Map what a user typed (`lagon`, `Mark Lagon`, `AMBASSADOR LAGON`) to a stored name."""
        if not speaker or not speaker.strip():
            return None
        want = " ".join(speaker.split()).lower()
        people = self.speakers(transcript)
        for p in people:
            if want in (p["label"].lower(), p["name"].lower()):
                return p["name"]
        # `Kirsty Williams` for `Kirsty Williams AM`, `Justin Trudeau`, a surname (names.forms)
        labels = names.matcher(
            tuple((p["label"], p["name"], p["role"] or None) for p in people)).lookup(want)
        hits = {p["name"] for p in people if p["label"] in labels}
        if len(hits) == 1:
            return hits.pop()
        key = surname_key(speaker)
        hits = {p["name"] for p in people if key and key in (surname_key(p["label"]),
                                                              surname_key(p["name"]))}
        if len(hits) == 1:
            return hits.pop()
        hits = {p["name"] for p in people if names.first_name(p["name"]) == want}  # "Sean"
        if len(hits) == 1:
            return hits.pop()
        known = sorted({p["name"] for p in people})
        raise TranscriptQAError(
            f"Unknown speaker {speaker!r}; known speakers: {', '.join(known[:30])}"
            + (" ..." if len(known) > 30 else "") + "."
        )

    # ------------------------------------------------------------------ queries

    def _filters(self, speaker: str | None, transcript: str | Iterable[str] | None):
        from .search import Filters

        ids = self._check_transcripts(transcript)
        return Filters(speaker=self.resolve_speaker(speaker, ids or None), transcripts=ids)

    def _searcher(self):
        from .search import Ranking, Searcher

        if self.index.faiss.ntotal == 0:
            raise TranscriptQAError(
                f"No transcripts are indexed yet; add files to {self.cfg.transcripts_dir} "
                "(or upload one in the app)."
            )
        return Searcher(self.index, self.encoder, self.ranking or Ranking())

    def search(self, question: str, k: int | None = None, speaker: str | None = None,
               transcript: str | Iterable[str] | None = None) -> list[Passage]:
        question = clean_text(question)
        return self._searcher().search(question, _check_k(self.cfg.k if k is None else k),
                                       self._filters(speaker, transcript))

    def ask(self, question: str, k: int | None = None, speaker: str | None = None,
            transcript: str | Iterable[str] | None = None) -> Answer:
        """Ranked passages plus the answer span of the top one (or an abstention).

        `timings` on the result holds seconds per stage: analyse (speaker/typo lookups),
        embed (the one question encode), search (FAISS + FTS5), rerank (features + scorer),
        answer (span pick and abstention).
        """
        from . import roster
        from .answer import DECISION_DEPTH, answer
        from .search import check_question

        question = check_question(clean_text(question))
        k = _check_k(self.cfg.k if k is None else k)
        t0 = time.perf_counter()
        filters = self._filters(speaker, transcript)
        timings: dict[str, float] = {}
        passages = self._searcher().search(question, max(k, DECISION_DEPTH), filters, timings)
        t1 = time.perf_counter()
        # "Who is Lagon?", "Who is the host?": the header's line on them, when it has one
        people = (roster.find(question, self.index, filters.transcripts)
                  if filters.speaker is None else [])
        if people:
            result = roster.answer(question, people, passages, self.index.titles, k)
        else:
            result = answer(question, passages)
            result.passages = result.passages[:k]
        t2 = time.perf_counter()
        result.timings = {"filters": t1 - t0 - sum(timings.values()), **timings,
                          "answer": t2 - t1, "total": t2 - t0}
        return result

    def ask_batch(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Answer many questions in one process; a bad item yields an error object, not a crash."""
        out = []
        for item in items:
            try:
                a = self.ask(item["question"], item.get("k"), item.get("speaker"),
                             item.get("transcript"))
                row = a.to_dict()
            except TranscriptQAError as exc:
                row = {"question": item.get("question"), "error": str(exc)}
            if "id" in item:
                row = {"id": item["id"], **row}
            out.append(row)
        return out

    # ------------------------------------------------------------------ browsing

    def turns(self, transcript: str | None = None, speaker: str | None = None,
              contains: str | None = None) -> list[Turn]:
        """Turns in order; `contains` keeps those whose text has it (`lexicon.find_pattern`:
        case, spacing and curly or straight quotes aside)."""
        ids = self._check_transcripts(transcript)
        name = self.resolve_speaker(speaker, ids or None)
        turns = self.index.turns(ids[0] if ids else None, name)
        from .lexicon import find_pattern

        pattern = find_pattern(contains or "")
        return [t for t in turns if pattern.search(t.text)] if pattern else turns

    def context(self, transcript: str, turn: int, before: int = 1, after: int = 1) -> list[Turn]:
        """The turn with its neighbours, for reading a citation in place."""
        self._check_transcripts(transcript)
        return self.index.turns_between(transcript, turn - before, turn + after)

    def transcripts(self) -> list[dict[str, Any]]:
        return self.index.transcripts()

    def title(self, transcript_id: str) -> str:
        return self.index.titles.get(transcript_id, transcript_id)

    def contents(self) -> dict[str, str]:
        """{transcript id: sha256} of what the live index holds: a cheap token a page keeps,
        so that it can tell its lists went stale (another page uploaded) without reloading."""
        entries = self.index.manifest.get("transcripts", {})
        return {tid: str(e.get("sha256", "")) for tid, e in entries.items()}

    # ------------------------------------------------------------------ uploads

    def preview_upload(self, data: bytes | str, name: str):
        """How an uploaded file parses (an `uploads.Preview`), without writing anything."""
        from . import uploads

        return uploads.preview(_file_bytes(data), name, self.cfg.transcripts_dir,
                               self.cfg.max_upload_mb)

    def transcript_id_of(self, path: Path) -> str:
        """The id the index gives a file in transcripts/ (its stem, or its name when another
        file has the same stem): `index.scan` decides, so an upload is looked up as indexed."""
        return next((f.id for f in index_mod.scan(self.cfg.transcripts_dir)
                     if f.path.name == path.name), path.stem)

    def save_upload(self, data: bytes | str, name: str, overwrite: bool = False,
                    expect_sha256: str | None = None,
                    progress: index_mod.Progress | None = None,
                    ) -> tuple[Path, index_mod.BuildReport]:
        """Save an upload into transcripts/ and index it now (only it is embedded)."""
        from . import uploads

        path = uploads.save(_file_bytes(data), name, self.cfg.transcripts_dir,
                            self.cfg.max_upload_mb, overwrite, expect_sha256)
        return path, self.build_index(progress)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: object) -> str:
    """User text as safe str: no control characters, no lone surrogates (invalid Unicode)."""
    if not isinstance(text, str):
        raise TranscriptQAError("The question must be text.")
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub(" ", text)


def _check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise TranscriptQAError(f"The number of passages must be between 1 and {MAX_K}, got {k!r}.")
    return k


def parse(path: str | Path, fmt: str | None = None):
    """Parse one file without indexing: what `transcript-qa parse` shows."""
    from .formats import parse_file

    return parse_file(path, fmt)


def _file_bytes(data: bytes | str) -> bytes:
    """A file's bytes; text given to the Python API is saved as UTF-8."""
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TranscriptQAError(f"An upload is the file's bytes (or its text), not a "
                            f"{type(data).__name__}.")
