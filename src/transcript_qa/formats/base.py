"""Pieces every parser shares: paragraphs with offsets, whitespace rules, speaker resolution.

Parsers keep offsets into the decoded source text so a citation can be checked against the
file; they never rewrite words, only whitespace (see `normalise`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Speaker, Transcript, Turn

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")  # \s covers NBSP, so "\xa0\n" counts as blank
_HONORIFICS = {
    "MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "PROFESSOR", "AMBASSADOR", "SECRETARY",
    "SENATOR", "SEN", "REP", "REPRESENTATIVE", "GOVERNOR", "GOV", "PRESIDENT", "GENERAL",
    "GEN", "ADMIRAL", "ADM", "COLONEL", "COL", "CAPTAIN", "CAPT", "HON", "THE", "DEPUTY",
    "ASSISTANT", "UNDER", "ACTING", "SPOKESMAN", "SPOKESPERSON", "JUDGE", "JUSTICE", "SIR",
    "DAME", "LORD", "LADY", "MINISTER", "CHAIR", "CHAIRMAN", "CHAIRWOMAN", "SPEAKER",
}


def normalise(text: str) -> str:
    """Collapse blanks inside paragraphs to one space and paragraph breaks to one blank line."""
    paragraphs = (" ".join(p.split()) for p in _BLANK_LINE.split(text.replace("\r\n", "\n")))
    return "\n\n".join(p for p in paragraphs if p)


def flat(text: str) -> str:
    """Whitespace-insensitive form, for checking a turn against its source slice."""
    return " ".join(text.split())


@dataclass
class Paragraph:
    """A block of non-blank lines and where it sits in the source."""

    start: int
    end: int  # exclusive, trailing whitespace excluded
    text: str  # source[start:end]

    @property
    def lines(self) -> list[str]:
        return [ln.strip() for ln in self.text.split("\n") if ln.strip()]


def paragraphs(source: str) -> list[Paragraph]:
    """Split on blank lines, keeping exact offsets (CRLF-safe: `\\r` counts as whitespace)."""
    out: list[Paragraph] = []
    pos = 0
    text = source
    for m in re.finditer(r"(?:\r?\n[^\S\n]*){2,}", text):
        _add_paragraph(out, text, pos, m.start())
        pos = m.end()
    _add_paragraph(out, text, pos, len(text))
    return out


def _add_paragraph(out: list[Paragraph], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped_left = len(chunk) - len(chunk.lstrip())
    s = start + stripped_left
    e = start + len(chunk.rstrip())
    if e > s:
        out.append(Paragraph(s, e, text[s:e]))


def surname_key(label: str) -> str:
    """The word that identifies a person in a label: `AMBASSADOR LAGON` -> `lagon`."""
    words = [w for w in re.split(r"[\s.]+", label) if w]
    core = [w for w in words if w.upper().strip(",") not in _HONORIFICS]
    return (core or words or [""])[-1].lower().strip(",")


def pretty_label(label: str) -> str:
    """Readable name for an unresolved ALL-CAPS label: `MR. MCCORMACK` -> `Mr. McCormack`."""
    if label != label.upper() or not any(c.isalpha() for c in label):
        return label

    def word(w: str) -> str:
        t = w.capitalize()
        if re.match(r"^(Mc|Mac)[a-z]{2,}", t):
            k = 2 if t.startswith("Mc") else 3
            t = t[:k] + t[k].upper() + t[k + 1 :]
        return "-".join(p.capitalize() if p else p for p in t.split("-")) if "-" in t else t

    return " ".join(word(w) for w in label.split())


def resolve_speaker(label: str, directory: list[Speaker]) -> tuple[str, str | None]:
    """Match a label to one header person by surname; otherwise keep the label, readable."""
    key = surname_key(label)
    if key:
        hits = [s for s in directory if surname_key(s.name) == key]
        if len(hits) == 1:
            return hits[0].name, hits[0].role
    return pretty_label(label) or "Unknown", None


def assign_utterances(turns: list[Turn]) -> None:
    """Consecutive turns of one speaker form one utterance (the transcript cut them apart)."""
    utterance = 0
    for i, turn in enumerate(turns):
        if i and turn.speaker != turns[i - 1].speaker:
            utterance += 1
        turn.utterance = utterance


def make_transcript(
    transcript_id: str, title: str, source_path: str, fmt: str, turns: list[Turn],
    speakers: list[Speaker] | None = None,
) -> Transcript:
    for i, t in enumerate(turns, start=1):
        t.number = i
        t.transcript_id = transcript_id
    assign_utterances(turns)
    return Transcript(
        id=transcript_id, title=title, source=source_path, format=fmt, turns=turns,
        speakers=list(speakers or []),
    )
