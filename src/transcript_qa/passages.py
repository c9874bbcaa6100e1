"""Retrieval units: what gets embedded and BM25-indexed, cut from whole utterances.

An utterance (consecutive turns of one speaker) is searched as one piece so answers that
straddle a `--` cut are not split; long utterances become windows of whole sentences short
enough for the encoder (all-MiniLM-L6-v2 truncates at 256 word pieces), so no turn loses
its end. Each unit remembers the turns it covers, for citations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Turn

UNITS_VERSION = "windows-v1+sentences-v1"
MAX_WORDS = 120  # ~170 word pieces: room below the 256-piece limit for long words

_ABBREV_END = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Gen|Sen|Rep|Gov|Hon|No|vs|etc|e\.g|i\.e|Lt|Col|Capt)"
    r"|\b[A-Z](?:\.[A-Z])*)\.$"
)


@dataclass
class Unit:
    transcript_id: str
    utterance: int
    turn_first: int
    turn_last: int
    text: str


@dataclass
class Sentence:
    """One sentence of one turn, as offsets into `turn.text`: an answer candidate."""

    transcript_id: str
    turn: int
    start: int
    end: int
    text: str


def build_sentences(turns: list[Turn]) -> list[Sentence]:
    """Every sentence of every turn (stripped offsets), embedded at index time so that
    answer selection never encodes text at query time."""
    out: list[Sentence] = []
    for t in turns:
        for s, e in sentence_spans(t.text):
            while s < e and t.text[s].isspace():
                s += 1
            while e > s and t.text[e - 1].isspace():
                e -= 1
            if e > s:
                out.append(Sentence(t.transcript_id, t.number, s, e, t.text[s:e]))
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence offsets in `text` (blingfire, with common abbreviations re-joined)."""
    if not text.strip():
        return []
    import blingfire

    _, offsets = blingfire.text_to_sentences_and_offsets(text)
    spans: list[tuple[int, int]] = []
    for s, e in offsets:
        if spans and _ABBREV_END.search(text[spans[-1][0]:spans[-1][1]]) and (
            e - s < 400
        ):
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return spans or [(0, len(text))]


def _windows(pieces: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """Group (turn, sentence) pieces into windows of <= MAX_WORDS words, one sentence overlap."""
    out: list[tuple[int, int, str]] = []
    words = [len(p[1].split()) for p in pieces]
    i = 0
    while i < len(pieces):
        j, n = i, 0
        while j < len(pieces) and (j == i or n + words[j] <= MAX_WORDS):
            n += words[j]
            j += 1
        out.append((pieces[i][0], pieces[j - 1][0], " ".join(p[1] for p in pieces[i:j])))
        if j >= len(pieces):
            break
        i = j - 1 if j - 1 > i else j
    return out


def _split_long(sentence: str) -> list[str]:
    w = sentence.split()
    if len(w) <= MAX_WORDS:
        return [sentence]
    step = MAX_WORDS - 20
    return [" ".join(w[i : i + MAX_WORDS]) for i in range(0, max(len(w) - 20, 1), step)]


def build_units(turns: list[Turn]) -> list[Unit]:
    units: list[Unit] = []
    start = 0
    while start < len(turns):
        end = start
        while end + 1 < len(turns) and turns[end + 1].utterance == turns[start].utterance:
            end += 1
        group = turns[start : end + 1]
        pieces = [
            (t.number, piece)
            for t in group
            for s, e in sentence_spans(t.text)
            for piece in _split_long(t.text[s:e].strip())
            if piece
        ]
        for first, last, text in _windows(pieces):
            units.append(Unit(group[0].transcript_id, group[0].utterance, first, last, text))
        start = end + 1
    return units
