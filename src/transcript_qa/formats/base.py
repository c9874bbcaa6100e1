"""Pieces every parser shares: paragraphs with offsets, whitespace rules, speaker resolution.

Parsers keep offsets into the decoded source text so a citation can be checked against the
file; they never rewrite words, only whitespace (see `normalise`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ..model import Speaker, Transcript, Turn

_LINE_END = re.compile(r"\r\n|\r|\n")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")  # \s covers NBSP, so "\xa0\n" counts as blank
_HONORIFICS = {
    "MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "PROFESSOR", "AMBASSADOR", "SECRETARY",
    "SENATOR", "SEN", "REP", "REPRESENTATIVE", "GOVERNOR", "GOV", "PRESIDENT", "GENERAL",
    "GEN", "ADMIRAL", "ADM", "COLONEL", "COL", "CAPTAIN", "CAPT", "HON", "THE", "DEPUTY",
    "ASSISTANT", "UNDER", "ACTING", "SPOKESMAN", "SPOKESPERSON", "JUDGE", "JUSTICE", "SIR",
    "DAME", "LORD", "LADY", "MINISTER", "CHAIR", "CHAIRMAN", "CHAIRWOMAN", "SPEAKER",
}
HONORIFICS = frozenset(_HONORIFICS)  # titles before a name, for names.py


def normalise(text: str) -> str:
    """Collapse blanks inside paragraphs to one space and paragraph breaks to one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = (" ".join(p.split()) for p in _BLANK_LINE.split(text))
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

    @cached_property
    def lines(self) -> list[str]:
        return [ln.strip() for ln in _LINE_END.split(self.text) if ln.strip()]


def paragraphs(source: str) -> list[Paragraph]:
    """Split on blank lines, keeping exact offsets (LF, CRLF and old-Mac CR line ends)."""
    out: list[Paragraph] = []
    pos = 0
    text = source
    for m in re.finditer(r"(?:(?:\r\n|\r|\n)[^\S\r\n]*){2,}", text):
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
    if " " not in label and (len(label) <= 3 or any(c.isdigit() for c in label)):
        return label  # an acronym or call sign (PAO, CDR, CV-39), not a name

    def part(w: str) -> str:
        t = w.capitalize()
        if re.match(r"^(Mc|Mac)[a-z]{2,}", t):
            k = 2 if t.startswith("Mc") else 3
            t = t[:k] + t[k].upper() + t[k + 1 :]
        if re.match(r"^[OD]['’][a-z]{2,}", t):  # `MS. O’CONNELL` -> `Ms. O’Connell`
            t = t[:2] + t[2].upper() + t[3:]
        return t

    def word(w: str) -> str:  # each part of a double-barrelled name: `FINCH-SAUNDERS`
        return "-".join(part(p) if p else p for p in w.split("-"))

    return " ".join(word(w) for w in label.split())


def initials(name: str) -> str:
    """`Alice M. Brown` -> `AMB`, honorifics left out: how meeting notes abbreviate people."""
    words = [w for w in re.split(r"[\s.]+", name) if w and w.upper() not in _HONORIFICS]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


_MACHINE_LABEL = re.compile(r"^SPEAKER[_ ]?0*(\d+)$", re.IGNORECASE)


def resolve_speaker(
    label: str, directory: list[Speaker], aliases: dict[str, Speaker] | None = None,
) -> tuple[str, str | None]:
    """Match a label to one header person: an explicit alias (`Alice Brown (AB)`), the
    surname, or the initials of a 2-4 letter label; otherwise keep the label, readable."""
    if aliases and label in aliases:
        return aliases[label].name, aliases[label].role
    key = surname_key(label)
    if key:
        hits = [s for s in directory if surname_key(s.name) == key]
        if len(hits) == 1:
            return hits[0].name, hits[0].role
    if re.fullmatch(r"[A-Z]{2,4}", label):
        hits = [s for s in directory if initials(s.name) == label]
        if len(hits) == 1:
            return hits[0].name, hits[0].role
    if m := _MACHINE_LABEL.match(label):  # diarisation output: SPEAKER_01 -> Speaker 1
        return f"Speaker {int(m.group(1))}", None
    return pretty_label(label) or "Unknown", None


def assign_utterances(turns: list[Turn]) -> None:
    """Consecutive turns of one speaker form one utterance (the transcript cut them apart)."""
    utterance = 0
    for i, turn in enumerate(turns):
        if i and turn.speaker != turns[i - 1].speaker:
            utterance += 1
        turn.utterance = utterance


def title_from_id(transcript_id: str) -> str:
    """`covid_0` -> `Covid 0`: the title of a file that names none."""
    words = re.sub(r"[-_]+", " ", transcript_id).strip()
    return words[:1].upper() + words[1:] or transcript_id


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


# ------------------------------------------------------------------ timed formats

UNKNOWN = "Unknown"
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass
class Piece:
    """A stretch of one speaker's text and where it sits in the source: a caption line, a
    speech-to-text segment. Timed formats cut their source into pieces; `group_pieces`
    makes turns of them, since captions and segments cut speech mid-sentence."""

    speaker: str  # the label as written; "" when the format names nobody
    text: str  # verbatim, markup decoded
    start_char: int
    end_char: int
    start: float | None = None
    end: float | None = None


def group_pieces(
    pieces: list[Piece], max_words: int = 150, pause: float = 2.0,
) -> list[list[Piece]]:
    """Consecutive pieces of one speaker form a turn. A long run of one speaker breaks where a
    sentence ends after `max_words` words or before a pause of `pause` seconds (unpunctuated
    captions: at a pause once `max_words` is reached; never beyond 3x `max_words`), so a
    citation stays readable; the parts remain one utterance for search."""
    groups: list[list[Piece]] = []
    words = 0
    for p in pieces:
        n = len(p.text.split())
        if not n:
            continue
        if groups and p.speaker == groups[-1][-1].speaker:
            last = groups[-1][-1]
            ends = bool(_SENTENCE_END.search(last.text.rstrip()))
            gap = p.start - last.end if p.start is not None and last.end is not None else 0.0
            split = (
                (ends and (words >= max_words or gap >= pause))
                or (words >= max_words and gap >= pause)
                or words >= 3 * max_words
            )
            if not split:
                groups[-1].append(p)
                words += n
                continue
        groups.append([p])
        words = n
    return groups


def turn_from_pieces(
    group: list[Piece], transcript_id: str, directory: list[Speaker] | None = None,
) -> Turn:
    first, last = group[0], group[-1]
    label = first.speaker or UNKNOWN
    name, role = (UNKNOWN, None) if not first.speaker else resolve_speaker(label, directory or [])
    return Turn(
        transcript_id=transcript_id, number=0, speaker=label, speaker_name=name,
        speaker_role=role, text=normalise(" ".join(p.text for p in group)),
        start_char=first.start_char, end_char=last.end_char, start=first.start,
        end=last.end if last.end is not None else None,
    )


def words_found(text: str, region: str) -> bool:
    """Whether a turn's words sit in `region` (a source slice with its markup decoded): the
    region starts with the turn's first word, ends with its last, and holds all its words in
    order, with only markup-format words (timings, keys, repeated labels) between them."""
    want, have = text.split(), region.split()
    if not want or not have:
        return not want and not have
    if len(have) < len(want) or have[0] != want[0] or have[-1] != want[-1]:
        return False
    it = iter(have[1:-1] if len(want) > 1 else [])
    return all(any(w == h for h in it) for w in want[1:-1])
