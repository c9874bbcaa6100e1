"""Press / podcast transcripts: `SPEAKER LABEL: text` paragraphs inside a web-page copy.

Handles: site boilerplate around the transcript (repeated site-name lines, navigation,
"Back to top", footers), a title and `Name, Role` participant lines before the first turn,
unlabelled paragraphs continuing the previous speaker, and `--` fragments (kept as separate
turns, grouped into one utterance by `base.assign_utterances`).
Not handled here: times, subtitle cues, JSON (other modules in `formats/`).
"""
from __future__ import annotations

import re
from collections import Counter

from ..model import Speaker, Transcript, Turn
from .base import Paragraph, make_transcript, normalise, paragraphs, resolve_speaker

_CAPS_LABEL = re.compile(
    r"^(?P<label>[A-Z][A-Z.'’\-]*(?:[ \t\xa0]+[A-Z][A-Z.'’\-]*){0,5}):(?:[\s]+|$)"
)
_MIXED_LABEL = re.compile(
    r"^(?P<label>[A-Z][\w.'’\-]*(?:[ \t\xa0]+[\w.'’\-&]+){0,5}"
    r"(?:[ \t\xa0]*\((?:[^()\n]|\([^()\n]{0,80}\)){1,120}\))?):(?:[\s]+|$)"
)
_PARTICIPANT = re.compile(
    r"^(?P<name>[A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){1,4}), (?P<role>\S.{2,300})$"
)
_NAV = re.compile(r"back to top|\S\s*\|\s*\S.*\|", re.IGNORECASE)
_NOT_LABELS = {"NOTE", "NOTES", "SOURCE", "URL", "HTTP", "HTTPS", "EDT", "EST", "PM", "AM"}


def _label_at(text: str, mixed_ok: set[str]) -> re.Match[str] | None:
    m = _CAPS_LABEL.match(text)
    if m and m.group("label").strip(" .").upper() not in _NOT_LABELS:
        return m
    m = _MIXED_LABEL.match(text)
    if m and m.group("label") in mixed_ok:
        return m
    return None


def _recurring_mixed_labels(paras: list[Paragraph]) -> set[str]:
    """Mixed-case labels count when they recur (`Project Manager:` yes, `Note:` once no), or
    when most paragraphs carry one (a meeting transcript where some people speak once)."""
    labels = [m.group("label") for p in paras if (m := _MIXED_LABEL.match(p.text))]
    labels = [lab for lab in labels if lab != lab.upper()]
    counts = Counter(labels)
    dense = len(labels) >= 0.6 * len(paras) and len(counts) > 1
    return {lab for lab, n in counts.items()
            if (n >= 2 or dense) and lab.upper() not in _NOT_LABELS}


def _boilerplate_lines(paras: list[Paragraph]) -> set[str]:
    """Lines a web page repeats (site name, menus); sentences are never counted."""
    counts = Counter(ln for p in paras for ln in p.lines)
    return {
        ln for ln, n in counts.items()
        if n >= 3 and len(ln) >= 8 and not re.search(r"[.?!\"”:]$", ln)
    }


def _is_boilerplate(p: Paragraph, repeated: set[str]) -> bool:
    for ln in p.lines:
        if ln in repeated or _NAV.search(ln):
            return True
        if any(len(r) >= 12 and r in ln for r in repeated):
            return True
    return False


def _header(paras: list[Paragraph], repeated: set[str]) -> tuple[str | None, list[Speaker]]:
    title: str | None = None
    speakers: list[Speaker] = []
    for p in paras:
        if _is_boilerplate(p, repeated):
            continue
        lines = p.lines
        if len(lines) == 1 and (m := _PARTICIPANT.match(lines[0])):
            speakers.append(Speaker(name=m.group("name"), role=m.group("role").strip()))
        elif title is None and len(lines) == 1 and len(lines[0]) <= 200:
            title = lines[0]
    return title, speakers


def parse(source: str, transcript_id: str, path: str = "") -> Transcript:
    paras = paragraphs(source)
    repeated = _boilerplate_lines(paras)
    mixed_ok = _recurring_mixed_labels(paras)
    first = next((i for i, p in enumerate(paras) if _label_at(p.text, mixed_ok)), len(paras))
    title, directory = _header(paras[:first], repeated)

    turns: list[Turn] = []
    in_footer = False
    for p in paras[first:]:
        m = _label_at(p.text, mixed_ok)
        if m:
            label = " ".join(m.group("label").split())
            name, role = resolve_speaker(label, directory)
            start = p.start + m.end()
            while start < p.end and source[start].isspace():
                start += 1
            turns.append(Turn(
                transcript_id=transcript_id, number=0, speaker=label, speaker_name=name,
                speaker_role=role, text="", start_char=start, end_char=p.end,
            ))
            in_footer = False
        elif in_footer or _is_boilerplate(p, repeated):
            in_footer = True  # a footer swallows what follows until the next labelled turn
            continue
        else:
            turns[-1].end_char = p.end  # continues the previous speaker
    for t in turns:
        t.text = normalise(source[t.start_char:t.end_char])
    turns = [t for t in turns if t.text]
    return make_transcript(
        transcript_id, title or _title_from_id(transcript_id), path, "press", turns, directory,
    )


def _title_from_id(transcript_id: str) -> str:
    return re.sub(r"[-_]+", " ", transcript_id).strip().capitalize() or transcript_id
