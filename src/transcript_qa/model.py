"""The contracts between modules: what a parser yields, what search ranks, what an answer cites.

Plain dataclasses with no behaviour beyond serialisation, so every layer (index, search, answer,
CLI, UI) agrees on one shape and the UI can only render what carries verbatim speaker text.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Speaker:
    """A person named in a transcript's header, to resolve labels like `AMBASSADOR LAGON`."""

    name: str
    role: str | None = None
    # The header line naming them ("Mark P. Lagon, Ambassador-At-Large and ..."), verbatim, and
    # its offsets in the decoded source: what answers "Who is Lagon?" (roster.py).
    line: str | None = field(default=None, compare=False)
    start_char: int | None = field(default=None, compare=False)
    end_char: int | None = field(default=None, compare=False)


@dataclass
class Turn:
    """One labelled paragraph (plus the unlabelled paragraphs that continue it).

    `text` is verbatim up to whitespace: runs of blanks collapse to one space and paragraph
    breaks to a blank line, so `normalise(source[start_char:end_char]) == normalise(text)`.
    `utterance` groups consecutive turns of one speaker that the transcript cut apart
    (`--` fragments): they stay citable one by one but are searched as one unit.
    """

    transcript_id: str
    number: int  # 1-based position in the transcript
    speaker: str  # the label as written, e.g. "AMBASSADOR LAGON"
    speaker_name: str  # resolved person ("Mark P. Lagon") or the label when unknown
    speaker_role: str | None
    text: str
    start_char: int
    end_char: int
    utterance: int = 0
    start: float | None = None  # seconds, when the format has times
    end: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Transcript:
    """A parsed file: its turns in order plus what the header says about it."""

    id: str
    title: str
    source: str  # path the transcript was read from
    format: str
    turns: list[Turn] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    sha256: str = ""

    def speaker_names(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.turns:
            seen.setdefault(t.speaker_name, None)
        return list(seen)


@dataclass
class Passage:
    """A ranked view on one turn: the unit a user reads and a citation points to."""

    turn: Turn
    score: float
    rank: int = 0
    transcript_title: str = ""
    low_confidence: bool = False
    # Per-signal, for eval, abstention and debugging: those of the turn that won the place,
    # also when another turn of its utterance is cited (search `_utterances`).
    scores: dict[str, float] = field(default_factory=dict)
    # The sentence of `turn.text` that best matches the question (offsets into turn.text), so
    # every listed passage can highlight where it answers; 0/0 when unknown.
    span_start: int = 0
    span_end: int = 0
    # The utterance `turn` belongs to when it is one short run of its speaker's turns (a
    # web page cuts one answer into labelled paragraphs): all of them, in order, shown and
    # matched as one passage. Empty: the passage is `turn` alone.
    turns: list[Turn] = field(default_factory=list)
    # What the question asks for ("number", "time", ...) when the span holds none of it
    # (answer.lacking): on the topic, but the transcript may not say.
    lacks: str | None = None

    @property
    def run(self) -> list[Turn]:
        return self.turns or [self.turn]

    def to_dict(self) -> dict[str, Any]:
        t = self.turn
        return {
            "rank": self.rank,
            "score": round(float(self.score), 4),
            "speaker": t.speaker,
            "speaker_name": t.speaker_name,
            "speaker_role": t.speaker_role,
            "transcript": t.transcript_id,
            "transcript_title": self.transcript_title,
            "turn": t.number,
            "text": t.text,
            "start_char": t.start_char,
            "end_char": t.end_char,
            "start": t.start,
            "end": t.end,
            "low_confidence": self.low_confidence,
            "span_start": self.span_start,
            "span_end": self.span_end,
            "turns": [{"turn": x.number, "speaker": x.speaker, "speaker_name": x.speaker_name,
                       "text": x.text, "start_char": x.start_char,
                       "end_char": x.end_char, "start": x.start, "end": x.end}
                      for x in self.run],
        }


@dataclass
class Answer:
    """The reply to a question: a span inside the cited turn, or an abstention, plus evidence.

    `span_start`/`span_end` index into `cited.turn.text`, so the UI can highlight the
    answer in the verbatim turn; the text is always a slice of that turn, never generated.
    """

    question: str
    passages: list[Passage]
    cited: Passage | None = None
    text: str | None = None
    span_start: int = 0
    span_end: int = 0
    score: float = 0.0
    abstained: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    # The kind of thing the question asks for ("number", "time", ...) when the answer does not
    # hold one: the passage is on the topic, but the transcript may not say (answer.lacking).
    lacks: str | None = None

    def to_dict(self) -> dict[str, Any]:
        answer = None
        if self.cited is not None and self.text is not None and not self.abstained:
            t = self.cited.turn
            answer = {
                "text": self.text,
                "speaker": t.speaker,
                "speaker_name": t.speaker_name,
                "speaker_role": t.speaker_role,
                "turn": t.number,
                "transcript": t.transcript_id,
                "transcript_title": self.cited.transcript_title,
                "score": round(float(self.score), 4),
                "span_start": self.span_start,
                "span_end": self.span_end,
                "turn_text": t.text,
                "start_char": t.start_char,
                "end_char": t.end_char,
            }
        return {
            "question": self.question,
            "answer": answer,
            "abstained": self.abstained,
            "lacks": self.lacks,
            "passages": [p.to_dict() for p in self.passages],
        }


def plural(n: int, noun: str) -> str:
    """"1 turn", "42 turns": for counts shown to people."""
    return f"{n} {noun}" + ("" if n == 1 else "s")
