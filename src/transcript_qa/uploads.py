"""Accept a transcript file from the app: check its name and size, parse it, save it safely.

What the user previews is what gets indexed: `preview` parses the uploaded bytes with the
same `formats.parse_bytes` the index uses, and `save` writes exactly those bytes (checked by
hash) into `transcripts/`, so the next `build_index()` picks them up incrementally.

Safety rules, all enforced here rather than trusted to the browser or to Gradio:
- a file name is one plain name (`talk.txt`): no folders, no `..`, no absolute or drive
  paths, no hidden files, no control characters, a supported extension;
- the target never escapes `transcripts/` and is never written through a symlink;
- an existing file is replaced only when the caller says so (`overwrite=True`);
- the write is atomic (temporary file, fsync, link/rename), so a crash leaves either the
  old file or the new one, never half a transcript;
- bytes are only decoded as text: nothing uploaded is executed, imported or unpickled.
Not handled: quotas across many uploads, or virus scanning; uploads are as trusted as the
person running the app on their own machine.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import formats
from .errors import TranscriptQAError
from .index import _fsync_dir  # the index's own durable-rename helper
from .model import Turn

MAX_NAME_CHARS = 120
_ALLOWED = re.compile(r"[\w .,()+'-]+")  # \w is Unicode-aware: accented names are fine
_DISALLOWED_CHAR = re.compile(r"[^\w .,()+'-]")


@dataclass
class Preview:
    """What an upload parses into, shown to the user before anything is written."""

    name: str  # the safe file name it will be saved as
    transcript_id: str
    title: str
    format: str
    size: int
    sha256: str
    turns: list[Turn] = field(default_factory=list)
    speakers: list[tuple[str, int]] = field(default_factory=list)  # (name, turns), in order
    exists: bool = False  # transcripts/ already holds a file of this name
    identical: bool = False  # ... with exactly these bytes (saving changes nothing)

    @property
    def n_turns(self) -> int:
        return len(self.turns)


def supported_extensions() -> list[str]:
    return sorted(formats.EXTENSIONS)


def suggest_name(original: str) -> str:
    """A safe name to pre-fill from whatever the browser called the file (never trusted)."""
    base = re.split(r"[\\/]", original or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = _DISALLOWED_CHAR.sub("_", base).strip(" .")
    return base[:MAX_NAME_CHARS] or "transcript.txt"


def check_name(name: str) -> str:
    """Return `name` if it is one plain, supported file name; say what is wrong otherwise."""
    if not isinstance(name, str) or not name.strip():
        raise TranscriptQAError("Give the file a name, like interview.txt.")
    name = unicodedata.normalize("NFC", name.strip())
    if "/" in name or "\\" in name or re.match(r"^[A-Za-z]:", name):
        raise TranscriptQAError(
            f"'{_shown(name)}' is a path; use a plain file name without folders, "
            "like interview.txt."
        )
    if name.startswith("."):
        raise TranscriptQAError(
            f"'{_shown(name)}' starts with a dot; hidden names and '..' are not allowed."
        )
    if len(name) > MAX_NAME_CHARS:
        raise TranscriptQAError(f"The file name is over {MAX_NAME_CHARS} characters; shorten it.")
    if not _ALLOWED.fullmatch(name):
        bad = sorted(set(_DISALLOWED_CHAR.findall(name)))
        raise TranscriptQAError(
            f"'{_shown(name)}' contains characters that are not allowed in a file name "
            f"({' '.join(repr(c) for c in bad)}); use letters, digits, spaces and . , - _ ( )."
        )
    suffix = Path(name).suffix.lower()
    if suffix not in formats.EXTENSIONS:
        raise TranscriptQAError(
            f"'{_shown(name)}' has an unsupported type '{suffix or '(none)'}'; "
            f"supported: {', '.join(supported_extensions())}."
        )
    return name


def check_size(size: int, max_mb: int, name: str = "The file") -> None:
    limit = max_mb * 1024 * 1024
    if size > limit:
        raise TranscriptQAError(
            f"{name} is {size / (1024 * 1024):.1f} MB; the upload limit is {max_mb} MB "
            "(setting max_upload_mb)."
        )


def read_upload(path: str | Path, max_mb: int) -> bytes:
    """Read the temporary file the web server stored, refusing an over-size file unread."""
    p = Path(path)
    try:
        check_size(p.stat().st_size, max_mb, p.name)
        return p.read_bytes()
    except OSError as exc:
        raise TranscriptQAError(f"Could not read the uploaded file: {exc.strerror}.") from None


def target_path(transcripts_dir: Path, name: str) -> Path:
    """Where `name` goes: inside `transcripts_dir`, never through or onto a symlink."""
    name = check_name(name)
    folder = transcripts_dir.resolve()
    if not folder.is_dir():
        raise TranscriptQAError(
            f"Transcripts folder {transcripts_dir} does not exist; create it first."
        )
    target = folder / name
    if target.is_symlink():
        raise TranscriptQAError(
            f"'{name}' in the transcripts folder is a symbolic link; uploads never write "
            "through links. Choose another name."
        )
    if target.resolve().parent != folder:  # belt and braces: the checks above should make
        raise TranscriptQAError(f"'{name}' would be saved outside the transcripts folder.")
    if target.exists() and not target.is_file():
        raise TranscriptQAError(f"'{name}' exists in the transcripts folder and is not a file.")
    return target


def preview(data: bytes, name: str, transcripts_dir: Path, max_mb: int) -> Preview:
    """Parse the upload exactly as the index will, without writing anything."""
    target = target_path(transcripts_dir, name)
    check_size(len(data), max_mb, target.name)
    transcript = formats.parse_bytes(data, target)  # raises a clear TranscriptQAError
    sha = hashlib.sha256(data).hexdigest()
    exists = target.is_file()
    identical = exists and target.stat().st_size == len(data) and target.read_bytes() == data
    counts = Counter(t.speaker_name for t in transcript.turns)
    return Preview(
        name=target.name, transcript_id=target.stem, title=transcript.title,
        format=transcript.format, size=len(data), sha256=sha, turns=transcript.turns,
        speakers=[(s, counts[s]) for s in transcript.speaker_names()],
        exists=exists, identical=identical,
    )


def save(data: bytes, name: str, transcripts_dir: Path, max_mb: int,
         overwrite: bool = False, expect_sha256: str | None = None) -> Path:
    """Write the upload into `transcripts_dir` atomically; parse first, so junk is never saved.

    `expect_sha256` is the hash the user previewed: if the bytes changed since, refuse.
    """
    p = preview(data, name, transcripts_dir, max_mb)
    if expect_sha256 is not None and expect_sha256 != p.sha256:
        raise TranscriptQAError("The file changed since it was previewed; upload it again.")
    target = target_path(transcripts_dir, p.name)
    if p.identical:
        return target  # already there, byte for byte: nothing to write or re-index
    if p.exists and not overwrite:
        raise TranscriptQAError(
            f"'{p.name}' already exists in the transcripts folder; choose another name or "
            "confirm that it should be replaced."
        )
    fd, tmp_name = tempfile.mkstemp(prefix=".upload-", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        if overwrite:
            os.replace(tmp, target)  # atomic swap; a symlink here was refused above
        else:
            try:
                os.link(tmp, target)  # atomic and never clobbers a file created meanwhile
            except FileExistsError:
                raise TranscriptQAError(
                    f"'{p.name}' appeared in the transcripts folder meanwhile; try again."
                ) from None
            tmp.unlink()
    finally:
        if tmp.exists():
            tmp.unlink()
    _fsync_dir(target.parent)
    return target


def _shown(name: str) -> str:
    """A name safe to echo in a message: control characters made visible, length capped."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)
    return shown if len(shown) <= 80 else shown[:77] + "..."
