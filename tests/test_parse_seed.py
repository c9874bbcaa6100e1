"""The bundled State Department podcast parses into exactly its 42 labelled turns."""
from __future__ import annotations

import re

import pytest

from conftest import SEED
from transcript_qa.formats import parse_file, source_text
from transcript_qa.formats.base import flat


@pytest.fixture(scope="module")
def seed():
    return parse_file(SEED)


def test_title_and_speaker_directory(seed):
    assert seed.title == "Policy Podcast: Trafficking in Persons"
    names = {s.name: s.role for s in seed.speakers}
    assert set(names) == {"Mark P. Lagon", "Sean McCormack"}
    assert names["Sean McCormack"] == "Department Spokesman"
    assert names["Mark P. Lagon"].startswith("Ambassador-At-Large and Director of the Office")


def test_42_turns_with_resolved_speakers(seed):
    assert len(seed.turns) == 42
    assert [t.number for t in seed.turns] == list(range(1, 43))
    by_label = {t.speaker: (t.speaker_name, t.speaker_role) for t in seed.turns}
    assert set(by_label) == {"MR. MCCORMACK", "AMBASSADOR LAGON"}
    assert by_label["AMBASSADOR LAGON"][0] == "Mark P. Lagon"
    assert by_label["MR. MCCORMACK"] == ("Sean McCormack", "Department Spokesman")
    assert seed.turns[0].speaker == "MR. MCCORMACK"
    assert seed.turns[0].text == "Ambassador Mark Lagon, thanks for joining us."
    assert seed.turns[-1].text == "Sean, delighted to be with you. Thanks."


BOILERPLATE = ["Department of State", "Back to top", "Archive Sites", "Home Issues", "USA.gov",
               "Privacy Notice", "FOIA", "Published by", "Email this Page", "Subject Index",
               "Policy Podcast", "Ambassador-At-Large"]


@pytest.mark.parametrize("word", BOILERPLATE)
def test_no_boilerplate_in_any_turn(seed, word):
    assert not [t.number for t in seed.turns if word in t.text]


def test_every_turn_is_the_source_slice_at_its_offsets(seed):
    src = source_text(SEED)
    for t in seed.turns:
        assert 0 <= t.start_char < t.end_char <= len(src)
        assert flat(src[t.start_char:t.end_char]) == flat(t.text), t.number
        # the label sits right before the text, so the citation is checkable by eye too
        assert src[:t.start_char].rstrip().endswith(t.speaker + ":")


def test_curly_quotes_kept_verbatim(seed):
    assert "I\u2019d like to talk a little bit about your portfolio." in seed.turns[2].text


@pytest.mark.parametrize("opening, turn_no", [
    ("Let me start off by just asking you for a definition", 3),
    ("We also have been moving money into international organizations", 10),
    ("You asked about women and children.", 30),
])
def test_unlabelled_paragraphs_continue_the_previous_turn(seed, opening, turn_no):
    holders = [t.number for t in seed.turns if opening in t.text]
    assert holders == [turn_no]
    turn = seed.turns[turn_no - 1]
    assert "\n\n" + opening in turn.text  # kept as its own paragraph inside the turn


def test_dash_fragments_are_one_utterance_but_separate_turns(seed):
    t7, t8 = seed.turns[6], seed.turns[7]
    assert t7.text.endswith("larger criminal organizations --")
    assert t8.text.startswith("-- and they tend to work in concert")
    assert t7.utterance == t8.utterance
    assert seed.turns[5].utterance != t7.utterance  # McCormack's question before is not
    # every utterance has one speaker, and consecutive utterances alternate speakers
    groups: dict[int, set[str]] = {}
    for t in seed.turns:
        groups.setdefault(t.utterance, set()).add(t.speaker)
    assert all(len(s) == 1 for s in groups.values())


def test_whitespace_normalised_only(seed):
    for t in seed.turns:
        assert not re.search(r"[ \t\xa0]{2,}|\n{3,}|^\s|\s$", t.text), t.number
