"""Turn transcript files into `Transcript`s: read bytes safely, pick a parser, parse.

The index and `transcript-qa parse` both go through `parse_file`, so what a user checks is
what gets indexed. Every failure is a `TranscriptQAError` that names the file and says why
(empty, binary, undecodable, one huge line, JSON of an unknown shape, no text); a parser
bug surfaces the same way instead of a traceback, so one bad file never stops an index build.

Formats (`--format` names): `press` (press, podcast and meeting text, Markdown notes),
`log` (timestamped logs), `srt`, `vtt`, `json` (Whisper/WhisperX, whisper.cpp, Deepgram,
plain list of turns). Detection looks at the content first (`WEBVTT`, an SRT cue, JSON,
mostly timestamped lines), then at the extension.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path

from ..errors import TranscriptQAError
from ..model import Transcript, Turn
from . import press, stt_json, subtitles, timestamped
from .base import flat, words_found

Parser = Callable[[str, str, str], Transcript]

# Bump when any parser's output changes: the index re-parses every transcript then.
PARSER_VERSION = "3"  # 3: header participant lines keep their offsets (roster.py)

PARSERS: dict[str, Parser] = {
    "press": press.parse, "log": timestamped.parse, "srt": subtitles.parse_srt,
    "vtt": subtitles.parse_vtt, "json": stt_json.parse,
}
ALIASES = {
    "notes": "press", "markdown": "press", "md": "press", "txt": "press", "text": "press",
    "whisper": "json", "whisperx": "json", "deepgram": "json", "webvtt": "vtt",
    "subrip": "srt", "timestamped": "log",
}
# How a slice of source reads once its markup is decoded; formats absent here are plain text.
VIEWS: dict[str, Callable[[str], str]] = {
    "srt": subtitles.source_view, "vtt": subtitles.source_view, "json": stt_json.source_view,
}
EXTENSIONS: dict[str, str] = {
    ".txt": "press", ".text": "press", ".md": "press", ".markdown": "press", ".log": "log",
    ".srt": "srt", ".vtt": "vtt", ".json": "json",
}
MAX_BYTES = 50 * 1024 * 1024
MAX_LINE = 200_000  # characters; longer lines in a text transcript mean no structure to read
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_MAGIC = [
    (b"%PDF", "a PDF"), (b"PK\x03\x04", "a zip archive (or a Word/OpenDocument file)"),
    (b"{\\rtf", "an RTF document"), (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"ID3", "an MP3 file"), (b"RIFF", "a RIFF (WAV/AVI) file"), (b"OggS", "an Ogg file"),
    (b"\x1f\x8b", "a gzip archive"), (b"fLaC", "a FLAC file"),
]
# Single-byte code pages charset-normalizer confuses on short English text; cp1252 (what
# Windows editors save) decodes the same bytes right, so it wins among these.
_WESTERN = {
    "cp1250", "cp1252", "cp1254", "cp1257", "cp1258", "latin_1", "iso8859_2", "iso8859_3",
    "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15",
    "iso8859_16", "mac_roman", "mac_iceland", "mac_turkish", "mac_latin2", "cp437", "cp775",
    "cp850", "cp852", "cp858", "hp_roman8",
}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
log = logging.getLogger("transcript_qa")


def is_transcript_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in EXTENSIONS and not path.name.startswith(".")


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or a BOM-marked UTF-16/32 first; a legacy encoding only
    when detected (Windows-1252 preferred among Western code pages); binaries refused."""
    if not data.strip():
        raise TranscriptQAError(f"{name}: the file is empty; add a transcript or remove it.")
    bom = next(((b, codec) for b, codec in _BOMS if data.startswith(b)), None)
    if bom is not None:
        try:
            text = data.decode(bom[1])
        except UnicodeDecodeError as exc:
            raise TranscriptQAError(
                f"{name}: starts with a {bom[1].upper()} byte-order mark but is not valid "
                f"{bom[1].upper()} (byte {exc.start}); save it as UTF-8."
            ) from None
    else:
        for magic, what in _MAGIC:
            if data.startswith(magic):
                raise TranscriptQAError(
                    f"{name}: this is {what}, not a text transcript; export it as .txt, .srt, "
                    ".vtt or .json first."
                )
        if b"\x00" in data[:8192]:
            raise TranscriptQAError(f"{name}: looks like a binary file (it contains NUL "
                                    "bytes), not a text transcript.")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _legacy(data, name)
    if not text.strip():
        raise TranscriptQAError(f"{name}: the file is empty; add a transcript or remove it.")
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise TranscriptQAError(f"{name}: looks like a binary file (many control characters), "
                                "not a text transcript.")
    return text


def _legacy(data: bytes, name: str) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    encoding = best.encoding if best is not None else None
    if encoding is None or encoding in _WESTERN:
        try:
            text = data.decode("cp1252")
            encoding = "cp1252"
        except UnicodeDecodeError:
            text = None
    else:
        text = None
    if text is None and encoding is not None:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            text = None
    if text is None:
        raise TranscriptQAError(
            f"{name}: not valid UTF-8 and no text encoding could be detected; save it as UTF-8."
        )
    log.info("%s: not UTF-8; read as %s", name, encoding)
    return text


def sniff(text: str) -> str | None:
    """A format the content itself announces, whatever the file is called."""
    head = text.lstrip("\ufeff \t\r\n")[:2048]
    if head.startswith("WEBVTT"):
        return "vtt"
    if re.match(r"\d+[ \t]*\r?\n[ \t]*\d+:\d{1,2}:\d{1,2}[,.]\d+[ \t]*-->", head):
        return "srt"
    if head[:1] in "{[":
        try:
            json.loads(text)
            return "json"
        except (ValueError, RecursionError):
            pass
    if timestamped.share_of_timestamped_lines(text) >= 0.25:
        return "log"
    return None


def detect(path: Path, text: str) -> str:
    fmt = sniff(text) or EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise TranscriptQAError(
            f"{path.name}: unsupported file type '{path.suffix}'; "
            f"supported: {', '.join(sorted(EXTENSIONS))}."
        )
    return fmt


def format_name(fmt: str) -> str:
    """A `--format` value as a parser name (`whisper` -> `json`), or a clear error."""
    name = ALIASES.get(fmt.lower(), fmt.lower())
    if name not in PARSERS:
        raise TranscriptQAError(
            f"Unknown format '{fmt}'; choose one of {', '.join(PARSERS)} "
            f"(or {', '.join(sorted(ALIASES))})."
        )
    return name


def parse_bytes(data: bytes, path: Path, fmt: str | None = None) -> Transcript:
    text = decode(data, path.name)
    fmt = format_name(fmt) if fmt else detect(path, text)
    if fmt in ("press", "log"):
        longest = max((len(line) for line in text.splitlines()), default=0)
        if longest > MAX_LINE:
            raise TranscriptQAError(
                f"{path.name}: one line of {longest:,} characters; a text transcript needs "
                "line breaks between turns (is it a converted document or minified data?)."
            )
    try:
        transcript = PARSERS[fmt](text, path.stem, str(path))
    except TranscriptQAError as exc:
        raise TranscriptQAError(f"{path.name}: {exc}") from None
    except Exception as exc:  # a parser bug: report it on this file, keep the others going
        log.exception("parser %s failed on %s", fmt, path)
        raise TranscriptQAError(
            f"{path.name}: could not be read as {fmt} ({type(exc).__name__}: {exc}); "
            "this is a bug in transcript-qa, please report it with the file."
        ) from exc
    if not transcript.turns:
        raise TranscriptQAError(f"{path.name}: no text found to index as {fmt} "
                                "(expected lines like 'SPEAKER: text').")
    transcript.sha256 = hashlib.sha256(data).hexdigest()
    return transcript


def parse_file(path: str | Path, fmt: str | None = None) -> Transcript:
    path = Path(path)
    if path.is_dir():
        raise TranscriptQAError(f"{path}: is a folder; give a transcript file.")
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


def verify_turn(source: str, fmt: str, turn: Turn) -> bool:
    """Whether a turn's text is what the source holds at its offsets.

    Plain-text formats: the slice equals the text up to whitespace. Markup formats
    (subtitles, JSON): the decoded slice starts and ends with the turn's words and holds
    them all in order (merged cues and segments have timings and keys between them)."""
    if not 0 <= turn.start_char <= turn.end_char <= len(source):
        return False
    region = source[turn.start_char:turn.end_char]
    view = VIEWS.get(fmt.split("/")[0])
    if view is None:
        return flat(region) == flat(turn.text)
    return words_found(turn.text, view(region))
