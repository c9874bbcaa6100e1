"""Answers are verbatim spans of the cited turn, picked without encoding anything but the
question, and the app abstains when the transcripts do not answer."""
from __future__ import annotations

import pytest

QUESTIONS = [
    "What are the two main forms of human trafficking?",
    "How much has the U.S. government spent on anti-trafficking programs?",
    "Who did the ambassador meet in Mexico City?",
    "What is a T visa for?",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_answer_is_a_sentence_inside_the_cited_turn(seed_qa, question):
    a = seed_qa.ask(question)
    assert not a.abstained and a.cited is not None
    text = a.cited.turn.text
    assert 0 <= a.span_start < a.span_end <= len(text)
    assert a.text == text[a.span_start:a.span_end]
    assert a.cited is a.passages[0]
    if text.count(". ") >= 2:  # a multi-sentence turn: the answer is shorter than the turn
        assert len(a.text) < len(text)
    d = a.to_dict()["answer"]
    assert d["turn_text"][d["span_start"]:d["span_end"]] == d["text"]


def test_fragment_is_cited_one_by_one(seed_qa):
    """Turns 15-18 are one utterance cut into fragments; the answer cites the fragment."""
    a = seed_qa.ask("Who did the ambassador meet in Mexico City?")
    assert a.cited.turn.number == 16
    assert "attorney general" in a.cited.turn.text


def test_only_the_question_is_encoded(seed_qa):
    enc = seed_qa.encoder
    seed_qa.ask("What are the two main forms of human trafficking?")  # warm
    before = enc.calls
    seed_qa.ask("Why can trafficking victims stay in the country?")
    assert enc.calls - before == 1


@pytest.mark.parametrize("question", [
    "What is the capital of France?",
    "How do I bake sourdough bread?",
    "zxqv blorf wug",
])
def test_nonsense_abstains_but_lists_low_confidence_passages(seed_qa, question):
    a = seed_qa.ask(question)
    assert a.abstained and a.text is None and a.to_dict()["answer"] is None
    assert a.passages and all(p.low_confidence for p in a.passages)


def test_answerable_questions_are_not_refused(seed_qa):
    for q in QUESTIONS + ["Vienna", "hotline", "what is bondad labour"]:
        assert not seed_qa.ask(q).abstained, q


def test_timings_cover_every_stage(seed_qa):
    a = seed_qa.ask("What is a T visa for?")
    assert {"embed", "search", "rerank", "answer", "total"} <= set(a.timings)
    assert all(v >= 0 for v in a.timings.values())
