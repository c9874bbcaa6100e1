"""Picks the answer: the best sentence inside the top passages, cited verbatim, or abstains.

The answer text is always a slice of a stored turn (`turn.text[span_start:span_end]`), so
nothing shown as an answer can be words the transcript does not contain.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .embed import Encoder
from .index import Index
from .model import Answer, Passage, Turn
from .passages import sentence_spans
from .search import keywords

ABSTAIN_COSINE = 0.30  # best sentence cosine below this: the transcripts do not answer
TOP_PASSAGES = 3


@dataclass
class Candidate:
    passage: Passage
    turn: Turn
    start: int
    end: int
    score: float = 0.0
    cosine: float = 0.0


def _candidates(passages: list[Passage], index: Index) -> list[Candidate]:
    out: list[Candidate] = []
    for p in passages[:TOP_PASSAGES]:
        t = p.turn
        turns = [x for x in index.turns_between(t.transcript_id, t.number - 20, t.number + 20)
                 if x.utterance == t.utterance]
        for turn in turns or [t]:
            out += [Candidate(p, turn, s, e) for s, e in sentence_spans(turn.text)]
    return out


def answer(question: str, passages: list[Passage], encoder: Encoder, index: Index) -> Answer:
    if not passages:
        return Answer(question=question, passages=[], abstained=True)
    cands = _candidates(passages, index)
    vecs = encoder.encode([question] + [c.turn.text[c.start:c.end] for c in cands])
    cos = vecs[1:] @ vecs[0]
    top = max(p.score for p in passages) or 1.0
    qwords = set(keywords(question))
    for c, cs in zip(cands, cos):
        words = set(keywords(c.turn.text[c.start:c.end]))
        overlap = len(qwords & words) / len(qwords) if qwords else 0.0
        c.cosine = float(cs)
        c.score = float(cs) + 0.1 * overlap + 0.2 * c.passage.score / top
    best = max(cands, key=lambda c: c.score)
    if best.cosine < ABSTAIN_COSINE:
        low = [replace(p, low_confidence=True) for p in passages]
        return Answer(question=question, passages=low, abstained=True, score=best.cosine)
    cited = replace(best.passage, turn=best.turn)
    ordered = [cited] + [p for p in passages if p is not best.passage]
    for rank, p in enumerate(ordered, start=1):
        p.rank = rank
    return Answer(
        question=question, passages=ordered, cited=cited,
        text=best.turn.text[best.start:best.end], span_start=best.start, span_end=best.end,
        score=best.score,
    )
