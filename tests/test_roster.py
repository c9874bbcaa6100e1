"""Who is who (roster.py): questions about the participants are answered with the header line
that names them, cited where it stands in the file; other questions are searched as ever."""
from __future__ import annotations

import pytest

from conftest import QMSUM_DEV, SEED, make_qa
from transcript_qa.formats import source_text
from transcript_qa.roster import HEADER

LAGON = ("Mark P. Lagon, Ambassador-At-Large and Director of the Office To Monitor and Combat "
         "Trafficking in Persons (TIP) and Senior Advisor to the Secretary of State")
MCCORMACK = "Sean McCormack, Department Spokesman"


@pytest.mark.parametrize("question, line", [
    ("Who is Lagon?", LAGON),
    ("Who is Sean McCormack?", MCCORMACK),  # cited Lagon's introduction before
    ("What is Mark Lagon's position?", LAGON),  # refused before
    ("what's the ambassador's job", LAGON),
    ("What does McCormack do?", MCCORMACK),
    ("Who is the host?", MCCORMACK),  # the one whose turns are questions
    ("Who hosts the podcast?", MCCORMACK),
    ("Who is the guest?", LAGON),
    ("Who is being interviewed?", LAGON),
    ("What position does the guest hold at the State Department?", LAGON),
    ("Who is the host of the podcast?", MCCORMACK),
    ("What is the position of Mark Lagon?", LAGON),
    ("What is Lagon's role in the State Department?", LAGON),
    ("Who is the host asking the ambassador the questions?", MCCORMACK),  # Lagon's turn before
    ("Who asks the questions?", MCCORMACK),  # named by what they do
    ("Who is the person answering the questions?", LAGON),
    ("Who was asked the questions in this podcast?", LAGON),
])
def test_who_someone_is_comes_from_the_header(seed_qa, question, line):
    a = seed_qa.ask(question, k=3)
    assert not a.abstained and a.text == line
    t = a.cited.turn
    assert (t.number, t.speaker) == (0, HEADER) and a.passages[0] is a.cited
    assert a.text == t.text[a.span_start:a.span_end]
    assert source_text(SEED)[t.start_char:t.end_char] == line  # where it stands in the file
    assert all(p.turn.number > 0 for p in a.passages[1:])  # then what search found


@pytest.mark.parametrize("question, line", [
    ("Who is Legon?", LAGON),  # one letter wrong: abstained before
    ("Who is Lagno?", LAGON),  # two letters swapped
    ("What is Legon's job?", LAGON),
    ("What is Lagons job?", LAGON),  # the possessive without its apostrophe
    ("Who is McCormak?", MCCORMACK),
    ("What does Mccormick do?", MCCORMACK),
])
def test_a_misspelt_surname_still_finds_its_header_line(seed_qa, question, line):
    a = seed_qa.ask(question, k=3)
    assert not a.abstained and a.text == line and a.cited.turn.speaker == HEADER


@pytest.mark.parametrize("question", [
    "Who is Logan?",  # two edits from "Lagon": nobody in the header
    "Who is Legon talking to?",  # not a who-is question
])
def test_a_word_far_from_every_surname_is_no_header_question(seed_qa, question):
    a = seed_qa.ask(question, k=3)
    assert a.cited is None or a.cited.turn.speaker != HEADER


def test_a_word_the_transcript_says_is_no_misspelt_surname(tmp_path, encoder):
    # "Lagos" is one edit from "Lagon"; where a turn says it, it is the city, not him
    src = tmp_path / "src"
    src.mkdir()
    (src / SEED.name).write_text(source_text(SEED).replace("Mexico", "Lagos"), encoding="utf-8")
    qa = make_qa(tmp_path / "qa", [src / SEED.name], encoder)
    qa.build_index()
    a = qa.ask("Who is Lagos?", k=3)
    assert a.cited is None or a.cited.turn.speaker != HEADER
    assert qa.ask("Who is Legon?", k=3).cited.turn.speaker == HEADER  # still a misspelling


def test_who_the_speakers_are_is_the_headers_lines_together(seed_qa):
    a = seed_qa.ask("Who are the speakers?")
    t = a.cited.turn
    assert a.text == f"{LAGON}\n\n{MCCORMACK}"
    assert " ".join(source_text(SEED)[t.start_char:t.end_char].split()) == " ".join(a.text.split())


@pytest.mark.parametrize("question", [
    "Who is the leading NGO?",  # no speaker
    "What did Lagon say about Mexico?",  # about what they say
    "Who is Lagon talking to?",
    "Who is the host country?",
    "Who asked the question about Mexico?",  # one question, about something
    "What is the job of the office?",
    "Who is responsible for making trafficking happen, beyond poverty?",
])
def test_other_questions_are_searched(seed_qa, question):
    a = seed_qa.ask(question)
    assert a.cited is None or a.cited.turn.number > 0


def test_a_speaker_filter_or_a_headerless_transcript_searches_as_ever(seed_qa, tmp_path,
                                                                       encoder):
    """A speaker filter asks for that speaker's turns; a meeting's header names nobody."""
    a = seed_qa.ask("Who is Lagon?", speaker="Lagon")
    assert a.passages and all(p.turn.speaker == "AMBASSADOR LAGON" for p in a.passages)
    meeting = sorted((QMSUM_DEV / "transcripts").glob("Bmr*.txt"))[0]
    qa = make_qa(tmp_path, [meeting], encoder)
    qa.build_index()
    a = qa.ask("Who is the professor?")
    assert a.cited is None or a.cited.turn.number > 0


def test_a_header_answer_reads_as_the_header_in_the_app_and_the_cli(seed_qa):
    from transcript_qa.cli import format_answer
    from transcript_qa.render import answer_html

    a = seed_qa.ask("Who is the host?", k=2)
    html = answer_html(a, seed_qa.context)
    cite = html[html.index('class="tqa-cite"'):html.index("</section>")]
    assert "tqa-goto" not in cite and "· header" in cite  # Browse lists turns: no link
    out = format_answer(a)
    assert f"Answer: {MCCORMACK}\n  -- the transcript's header, Policy Podcast" in out
    assert "turn 0" not in out
