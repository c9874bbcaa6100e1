"""Timestamped logs: `[00:01:02] SPEAKER: text` lines, or `[DD:HH:MM:SS]` blocks of speaker lines.

Handles: bracketed or parenthesised times (`[MM:SS]`, `[HH:MM:SS]`, `[DD:HH:MM:SS]`,
fractions, negative times such as `[-00:00:00:04]` before a launch), bare `HH:MM:SS` at the
start of a line, a time alone on its line followed by one or more `LABEL: text` lines
(Spacelog), indented continuation lines, metadata lines such as `_page : 8` / `_tape : ...`
(skipped; they end the running turn), and text with no label (speaker "Unknown").
Each turn's `start` is the last time seen before it, in seconds; `end` is left empty
because a log states when speech starts only. Markup such as `[glossary:RCS]` stays verbatim.
Not handled: a time after the speaker (`Alice (00:01:02): ...`), Otter-style `Name  0:02`
header lines.
"""
from __future__ import annotations

import re

from ..model import Transcript, Turn
from .base import UNKNOWN, make_transcript, normalise, resolve_speaker, title_from_id
from .labels import find_label

_TS = r"-?\d{1,3}(?::\d{1,2}){1,3}(?:[.,]\d{1,3})?"
_BARE = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TS_LINE = re.compile(
    rf"^[ \t]*(?:\[(?P<b>{_TS})\]|\((?P<p>{_TS})\)|(?P<bare>{_BARE})(?=[ \t]|$))[ \t]*"
)
_META = re.compile(r"^_\w+[ \t]*:")


def seconds(ts: str) -> float:
    """`-00:00:00:04` -> -4.0, `01:02.5` -> 62.5; four fields are days:hours:minutes:seconds."""
    sign = -1.0 if ts.startswith("-") else 1.0
    parts = ts.lstrip("-").replace(",", ".").split(":")
    weights = [86400.0, 3600.0, 60.0, 1.0][-len(parts):]
    return sign * sum(float(p) * w for p, w in zip(parts, weights))


def share_of_timestamped_lines(text: str) -> float:
    """How much of a text looks like a log (for detection): bracketed times count fully,
    bare ones half, since `1:26 P.M.` lines also occur in press text."""
    lines = [ln for ln in text.splitlines()[:2000] if ln.strip()]
    if not lines:
        return 0.0
    score = 0.0
    for ln in lines:
        m = _TS_LINE.match(ln)
        if m:
            score += 0.5 if m.group("bare") else 1.0
    return score / len(lines) if score >= 2 else 0.0


def parse(source: str, transcript_id: str, path: str = "") -> Transcript:
    raw: list[list] = []  # [label, start_char, end_char, seconds]
    current: list | None = None
    ts: float | None = None
    header: list[str] = []
    for m in re.finditer(r"[^\r\n]+", source):
        line = m.group()
        if not line.strip():
            continue
        start, end = m.start(), m.start() + len(line.rstrip())
        if _META.match(line.lstrip()):
            current = None
            continue
        t = _TS_LINE.match(line)
        if t:
            ts = seconds(t.group("b") or t.group("p") or t.group("bare"))
            rest_at = start + t.end()
            if rest_at >= end:
                current = None  # a time alone on its line heads a block of speaker lines
                continue
            lab = find_label(source[rest_at:end])
            current = [lab.label if lab else "", rest_at + (lab.end if lab else 0), end, ts]
            raw.append(current)
            continue
        lab = None if line[0] in " \t" else find_label(line)
        if lab:
            current = [lab.label, start + lab.end, end, ts]
            raw.append(current)
        elif current is not None:
            current[2] = end  # an indented or wrapped continuation line
        elif ts is None:
            header.append(line.strip())
        else:
            current = ["", start, end, ts]
            raw.append(current)

    turns: list[Turn] = []
    for label, s, e, when in raw:
        while s < e and source[s].isspace():
            s += 1
        text = normalise(source[s:e])
        if not text:
            continue
        name, role = resolve_speaker(label, []) if label else (UNKNOWN, None)
        turns.append(Turn(
            transcript_id=transcript_id, number=0, speaker=label or UNKNOWN, speaker_name=name,
            speaker_role=role, text=text, start_char=s, end_char=e, start=when,
        ))
    title = next((h.lstrip("# ").strip() for h in header if len(h) <= 200), None)
    return make_transcript(
        transcript_id, title or title_from_id(transcript_id), path, "log", turns,
    )
