"""Picks the answer: the best sentence of the top-ranked turn, cited verbatim, or abstains.

Search already scored every sentence of every candidate turn against the question with
vectors stored at index time, so nothing is encoded here. The answer text is always a slice
of a stored turn (`turn.text[span_start:span_end]`), never words the transcript lacks.

Abstention: the question is unanswered when even the best passage's best sentence is far
from it in meaning (cosine) and the passage shares few of its content words. The threshold
is calibrated on QMSum train (questions asked of a meeting from another domain) and checked
on the dev sets; see `python -m transcript_qa.train --calibrate`.
"""
from __future__ import annotations

from dataclasses import replace

from .model import Answer, Passage

# confidence = best-sentence cosine + COVERAGE_WEIGHT * IDF-weighted word coverage of the turn
ABSTAIN_BELOW = 0.31  # QMSum train: 1% of answerable queries fall below (train.py prints it)
COVERAGE_WEIGHT = 0.0


def confidence(p: Passage) -> float:
    s = p.scores
    return float(s.get("sent_max", 0.0)) + COVERAGE_WEIGHT * float(s.get("turn_cov", 0.0))


def answer(question: str, passages: list[Passage], threshold: float = ABSTAIN_BELOW) -> Answer:
    if not passages:
        return Answer(question=question, passages=[], abstained=True)
    conf = max(confidence(p) for p in passages[:3])
    if conf < threshold:
        low = [replace(p, low_confidence=True) for p in passages]
        return Answer(question=question, passages=low, abstained=True, score=conf)
    cited = passages[0]
    t = cited.turn
    start, end = cited.span_start, cited.span_end
    if not 0 <= start < end <= len(t.text):
        start, end = 0, len(t.text)
    return Answer(
        question=question, passages=passages, cited=cited, text=t.text[start:end],
        span_start=start, span_end=end, score=conf,
    )
