"""Speech-to-text JSON: Whisper / WhisperX, whisper.cpp, Deepgram, and a plain list of turns.

Shapes read (decided by content, not by file name):
- Whisper / WhisperX: `{"segments": [{"text", "start"?, "end"?, "speaker"?, "words"?}]}`;
  consecutive segments of one speaker are merged into turns (`base.group_pieces`), and a
  segment without times takes them from its first and last word.
- whisper.cpp `--output-json`: `{"transcription": [{"text", "offsets": {"from", "to"}}]}` (ms).
- Deepgram: `{"results": {"channels": [{"alternatives": [{"paragraphs": {"paragraphs":
  [{"speaker"?, "sentences": [{"text", "start", "end"}]}]}}]}]}}`: one turn per paragraph;
  without paragraphs, `results.utterances`, else the whole `transcript` as one turn.
  Several channels without diarisation become speakers "Channel 0", "Channel 1", ...
- A plain list `[{"speaker"?, "text", "start"?, "end"?}]` (or `{"turns": [...]}`, with an
  optional `"title"`): one turn per item, as the user wrote them.
Diarisation labels such as `SPEAKER_00` or Deepgram's `0` read as "Speaker 0".

Offsets: `start_char`/`end_char` point into the JSON source at the text strings themselves:
from the first character of a turn's first text string (inside its quotes, leading spaces
skipped) to the end of its last one (before the closing quote). A one-piece turn is thus
exactly its JSON string; a merged turn also spans the keys and numbers between its
strings. `source_view` decodes the string literals of such a slice, and
`base.words_found` checks a turn against it. Strings are located with the standard
library's pure-Python JSON scanner, so offsets are exact even with escapes (`\\u2019`).
Not handled: AssemblyAI/Rev JSON (times in milliseconds under other keys), word-level
speaker changes inside one segment.
"""
from __future__ import annotations

import json
import math
import re
from json.decoder import JSONDecoder, py_scanstring  # type: ignore[attr-defined]
from json.scanner import py_make_scanner  # type: ignore[attr-defined]
from typing import Any

from ..errors import TranscriptQAError
from ..model import Transcript, Turn
from .base import Piece, group_pieces, make_transcript, title_from_id, turn_from_pieces

_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
SHAPES = ('Whisper/WhisperX {"segments": [...]}, whisper.cpp {"transcription": [...]}, '
          'Deepgram {"results": {"channels": [...]}}, or a list of '
          '{"speaker", "text", "start", "end"} objects')


class Located(str):
    """A JSON string value that remembers where its characters sit in the source."""

    start: int
    end: int


def loads(source: str) -> Any:
    """`json.loads`, with every string value a `Located` (keys stay plain strings)."""
    decoder = JSONDecoder()

    def parse_string(s: str, idx: int, strict: bool = True) -> tuple[Located, int]:
        value, end = py_scanstring(s, idx, strict)
        out = Located(value)
        out.start, out.end = idx, end - 1
        return out, end

    decoder.parse_string = parse_string  # type: ignore[attr-defined]
    decoder.scan_once = py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(source)
    except json.JSONDecodeError as exc:
        raise TranscriptQAError(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})."
        ) from None
    except RecursionError:
        raise TranscriptQAError("JSON nested too deeply to be a transcript.") from None


def source_view(region: str) -> str:
    """The text a slice of JSON source holds: its string literals, decoded."""
    out = []
    for m in _STRING.finditer('"' + region + '"'):
        try:
            out.append(json.loads('"' + m.group(1) + '"'))
        except ValueError:
            out.append(m.group(1))
    return "\n".join(out)


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return None
    return float(v)


def _speaker(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return ""
    if isinstance(v, int):
        return f"Speaker {v}"
    return " ".join(v.split()) if isinstance(v, str) else ""


def _piece(source: str, text: Any, speaker: str, start: Any, end: Any) -> Piece | None:
    if not isinstance(text, Located) or not text.strip():
        return None
    s, e = text.start, text.end
    while s < e and source[s] == " ":
        s += 1
    while e > s and source[e - 1] == " ":
        e -= 1
    return Piece(speaker, str(text), s, e, _num(start), _num(end))


def _dict_list(v: Any) -> list[dict]:
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def _whisper(source: str, data: dict) -> list[list[Piece]]:
    pieces = []
    for seg in _dict_list(data.get("segments")):
        start, end = seg.get("start"), seg.get("end")
        words = _dict_list(seg.get("words"))
        if _num(start) is None and words:
            start = words[0].get("start")
        if _num(end) is None and words:
            end = words[-1].get("end")
        if p := _piece(source, seg.get("text"), _speaker(seg.get("speaker")), start, end):
            pieces.append(p)
    return group_pieces(pieces)


def _whisper_cpp(source: str, data: dict) -> list[list[Piece]]:
    pieces = []
    for item in _dict_list(data.get("transcription")):
        off = item.get("offsets") if isinstance(item.get("offsets"), dict) else {}
        ms = [_num(off.get(k)) for k in ("from", "to")]
        t0, t1 = (None if x is None else x / 1000.0 for x in ms)
        if p := _piece(source, item.get("text"), "", t0, t1):
            pieces.append(p)
    return group_pieces(pieces)


def _deepgram(source: str, data: dict) -> list[list[Piece]]:
    results = data.get("results") if isinstance(data.get("results"), dict) else {}
    channels = _dict_list(results.get("channels"))
    groups: list[list[Piece]] = []
    for c, channel in enumerate(channels):
        alts = _dict_list(channel.get("alternatives"))
        if not alts:
            continue
        alt = alts[0]
        default = f"Channel {c}" if len(channels) > 1 else ""
        paras = alt.get("paragraphs") if isinstance(alt.get("paragraphs"), dict) else {}
        for para in _dict_list(paras.get("paragraphs")):
            who = _speaker(para.get("speaker")) or default
            group = [p for s in _dict_list(para.get("sentences"))
                     if (p := _piece(source, s.get("text"), who, s.get("start"), s.get("end")))]
            if group:
                groups.append(group)
        if not paras.get("paragraphs"):
            words = _dict_list(alt.get("words"))
            t0 = words[0].get("start") if words else None
            t1 = words[-1].get("end") if words else None
            if p := _piece(source, alt.get("transcript"), default, t0, t1):
                groups.append([p])
    if not groups:  # utterances=true responses without paragraphs
        for u in _dict_list(results.get("utterances")):
            if p := _piece(source, u.get("transcript"), _speaker(u.get("speaker")),
                           u.get("start"), u.get("end")):
                groups.append([p])
    groups.sort(key=lambda g: g[0].start if g[0].start is not None else 0.0)
    return groups


def _turn_list(source: str, items: list) -> list[list[Piece]]:
    groups = []
    for item in _dict_list(items):
        who = item.get("speaker", item.get("name"))
        if p := _piece(source, item.get("text"), _speaker(who), item.get("start"), item.get("end")):
            groups.append([p])
    return groups


def parse(source: str, transcript_id: str, path: str = "") -> Transcript:
    data = loads(source)
    title = None
    if isinstance(data, dict) and "segments" in data:
        kind, groups = "whisper", _whisper(source, data)
    elif isinstance(data, dict) and "transcription" in data:
        kind, groups = "whisper.cpp", _whisper_cpp(source, data)
    elif isinstance(data, dict) and isinstance(data.get("results"), dict):
        kind, groups = "deepgram", _deepgram(source, data)
    elif isinstance(data, list) or (isinstance(data, dict) and isinstance(data.get("turns"), list)):
        items = data if isinstance(data, list) else data["turns"]
        kind, groups = "turns", _turn_list(source, items)
        if isinstance(data, dict) and isinstance(data.get("title"), str):
            title = " ".join(data["title"].split()) or None
    else:
        keys = ", ".join(list(data)[:6]) if isinstance(data, dict) else (
            "a string" if isinstance(data, str) else "a number, boolean or null")
        raise TranscriptQAError(f"JSON of an unknown shape (top level: {keys}); expected {SHAPES}.")
    if not groups:
        raise TranscriptQAError(f"{kind} JSON without any text to index; expected {SHAPES}.")
    turns: list[Turn] = [turn_from_pieces(g, transcript_id) for g in groups]
    return make_transcript(
        transcript_id, title or title_from_id(transcript_id), path,
        f"json/{kind}", turns,
    )
