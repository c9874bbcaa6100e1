"""Turn transcript files into `Transcript`s: read bytes safely, pick a parser, parse.

The index and `transcript-qa parse` both go through `parse_file`, so what a user checks is
what gets indexed.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from ..errors import TranscriptQAError
from ..model import Transcript
from . import press

Parser = Callable[[str, str, str], Transcript]

# Bump when any parser's output changes: the index re-parses every transcript then.
PARSER_VERSION = "1"

PARSERS: dict[str, Parser] = {"press": press.parse}
EXTENSIONS: dict[str, str] = {".txt": "press", ".md": "press", ".text": "press"}
MAX_BYTES = 50 * 1024 * 1024


def is_transcript_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in EXTENSIONS and not path.name.startswith(".")


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) first; a legacy single-byte encoding only when detected."""
    if not data.strip():
        raise TranscriptQAError(f"{name}: the file is empty; add a transcript or remove it.")
    if b"\x00" in data[:8192]:
        raise TranscriptQAError(f"{name}: looks like a binary file, not a text transcript.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise TranscriptQAError(
            f"{name}: not valid UTF-8 and no text encoding could be detected; save it as UTF-8."
        )
    return str(best)


def detect(path: Path, text: str) -> str:
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise TranscriptQAError(
            f"{path.name}: unsupported file type '{path.suffix}'; "
            f"supported: {', '.join(sorted(EXTENSIONS))}."
        )
    return fmt


def parse_bytes(data: bytes, path: Path, fmt: str | None = None) -> Transcript:
    text = decode(data, path.name)
    fmt = fmt or detect(path, text)
    if fmt not in PARSERS:
        raise TranscriptQAError(f"Unknown format '{fmt}'; choose one of {', '.join(PARSERS)}.")
    transcript = PARSERS[fmt](text, path.stem, str(path))
    if not transcript.turns:
        raise TranscriptQAError(
            f"{path.name}: no speaker turns found (expected lines like 'SPEAKER: text')."
        )
    transcript.sha256 = hashlib.sha256(data).hexdigest()
    return transcript


def parse_file(path: str | Path, fmt: str | None = None) -> Transcript:
    path = Path(path)
    if not path.is_file():
        raise TranscriptQAError(f"{path}: no such file.")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise TranscriptQAError(
            f"{path.name}: {size / 1e6:.0f} MB is over the {MAX_BYTES // 1_000_000} MB limit."
        )
    return parse_bytes(path.read_bytes(), path, fmt)


def source_text(path: str | Path) -> str:
    """The decoded text offsets refer to (for checking citations against the file)."""
    p = Path(path)
    return decode(p.read_bytes(), p.name)
