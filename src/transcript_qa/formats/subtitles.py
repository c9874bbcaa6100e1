"""Subtitles: SubRip (`.srt`) and WebVTT (`.vtt`), read with webvtt-py, merged into turns.

webvtt-py parses the cue structure of both formats (timings, identifiers, `Kind:` /
`Language:` header lines, NOTE/STYLE/REGION blocks, SRT text with blank lines); this module
adds what it does not do: where each cue line sits in the source (cue lines are verbatim
source lines, so they are found in order after their timing line), speakers from
`<v Name>` voice tags or a `Name:` / `>> NAME:` label at the start of a cue line (same label
rules as press text), HTML entities and cue tags decoded, and tiny consecutive cues of one
speaker merged into turns (`base.group_pieces`), since captions split sentences.
A cue line without a speaker continues the previous speaker; a file without any is
"Unknown" throughout. Roll-up captions (YouTube's automatic ones: inline `<00:00:01.500><c>`
word timings, each cue repeating the previous cue's last line) are read once, not twice.

Offsets: a turn spans from its first cue line's text to its last one's end, so the slice
also holds the timing lines and tags between merged cues; `source_view` decodes a slice
(tags and entities) and `base.words_found` checks a turn against it.
Not handled: `- ` dialogue dashes as speaker changes, positioning and styling.
"""
from __future__ import annotations

import html
import io
import re

from ..errors import TranscriptQAError
from ..model import Transcript
from .base import Piece, group_pieces, make_transcript, title_from_id, turn_from_pieces
from .labels import LabelPolicy, find_label

_TAG = re.compile(r"<[^<>\n]*>")
_VOICE = re.compile(r"^[ \t]*<v(?:\.[\w.\-]+)*[ \t]+(?P<name>[^>\n]+?)[ \t]*>[ \t]*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def cue_text(line: str) -> str:
    """What a cue line says: tags removed, entities decoded (`&amp;` -> `&`)."""
    return html.unescape(_TAG.sub("", line))


def source_view(region: str) -> str:
    """A source slice as read by a person: each line through `cue_text`."""
    return "\n".join(cue_text(ln) for ln in _LINE_BREAK.split(region))


def _source_lines(source: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _LINE_BREAK.finditer(source):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(source)))
    return spans


def _read(source: str, kind: str):
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    body = source.lstrip("\ufeff \t\r\n")
    try:
        if kind == "vtt":
            return webvtt.WebVTT.from_string(body)
        return webvtt.WebVTT.from_buffer(io.StringIO(body), format="srt")
    except (MalformedFileError, MalformedCaptionError) as exc:
        what = "a WebVTT file (it must start with WEBVTT)" if kind == "vtt" else (
            "an SRT file (it must start with a cue number and a 00:00:01,000 --> ... line)")
        raise TranscriptQAError(f"not {what}: {exc}") from None


def _rolling(cues: list[list[str]]) -> bool:
    """Roll-up captions (YouTube's automatic ones) repeat each cue's last line as the next
    cue's first: then a line equal to the one just read is a repeat, not speech."""
    said = [[x for ln in cue if (x := " ".join(cue_text(ln).split()))] for cue in cues]
    pairs = [(a, b) for a, b in zip(said, said[1:]) if a and b]
    rolled = sum(b[0] == a[-1] and len(b) > 1 for a, b in pairs)  # repeat, then a new line
    return rolled >= 2 and rolled >= 0.2 * len(pairs)


def parse_kind(source: str, transcript_id: str, path: str, kind: str) -> Transcript:
    doc = _read(source, kind)
    lines = _source_lines(source)
    texts = [source[s:e] for s, e in lines]
    cues: list[tuple[object, list[int]]] = []  # caption, indices of its lines in the source
    cursor = 0
    for cap in doc.captions:
        while cursor < len(texts) and "-->" not in texts[cursor]:
            cursor += 1
        found: list[int] = []
        j = cursor + 1
        for ln in cap.lines:
            while j < len(texts) and texts[j] != ln:
                j += 1
            if j >= len(texts):
                break
            found.append(j)
            j += 1
        if found:
            cues.append((cap, found))
            cursor = found[-1] + 1
        else:
            cursor += 1

    policy = LabelPolicy([[texts[i].strip() for i in idx] for _, idx in cues])
    voices = {" ".join(v.group("name").split()) for _, idx in cues for i in idx
              if (v := _VOICE.match(texts[i]))}
    rolling = _rolling([[texts[i] for i in idx] for _, idx in cues])
    pieces: list[Piece] = []
    speaker, last = "", ""
    for cap, idx in cues:
        t0 = cap.start_time.in_milliseconds() / 1000.0  # type: ignore[attr-defined]
        t1 = cap.end_time.in_milliseconds() / 1000.0  # type: ignore[attr-defined]
        for k, i in enumerate(idx):
            s, e = lines[i]
            line = texts[i]
            at = 0
            if v := _VOICE.match(line):
                speaker, at = " ".join(v.group("name").split()), v.end()
            elif (lab := find_label(line)) and (
                lab.label in voices or policy.match(line, k == 0)
            ):  # `Name:` counts when the policy accepts it or a voice tag names the same
                speaker, at = lab.label, lab.end
            e = s + len(line.rstrip())
            start = s + at
            while start < e and source[start].isspace():
                start += 1
            text = cue_text(source[start:e])
            said = " ".join(text.split())
            if said and not (rolling and said == last):
                pieces.append(Piece(speaker, text, start, e, t0, t1))
                last = said
    turns = [turn_from_pieces(g, transcript_id) for g in group_pieces(pieces)]
    header = getattr(doc, "header_text", "") if kind == "vtt" else ""  # `WEBVTT - Title`
    title = " ".join(header.strip(" -–—:\t").split()) or title_from_id(transcript_id)
    return make_transcript(transcript_id, title, path, kind, turns)


def parse_srt(source: str, transcript_id: str, path: str = "") -> Transcript:
    return parse_kind(source, transcript_id, path, "srt")


def parse_vtt(source: str, transcript_id: str, path: str = "") -> Transcript:
    return parse_kind(source, transcript_id, path, "vtt")
