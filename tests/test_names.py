"""Speakers as questions name them: titles, brackets and post-nominal letters left off, role
words, misspellings; and the ranking/filter behaviour that follows, on a real Senedd committee
transcript (QMSum, `Kirsty Williams AM`, `Eluned Morgan AM`, `Julie Morgan AM`)."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_qa
from transcript_qa.errors import TranscriptQAError
from transcript_qa.names import core_name, find, first_name, forms

WELSH = (Path(__file__).resolve().parents[1] / "data" / "qmsum-train" / "transcripts"
         / "education_19.txt")


@pytest.mark.parametrize("label,said", [
    ("Right Hon. Justin Trudeau", ["justin trudeau", "trudeau"]),
    ("Kirsty Williams AM", ["kirsty williams", "williams"]),
    ("Mr. Jagmeet Singh (Burnaby South, NDP)", ["jagmeet singh", "singh"]),
    ("The Chair (Hon. Anthony Rota)", ["anthony rota", "rota", "the chair"]),
    ("Professor D", ["the professor"]),
    ("AMBASSADOR LAGON", ["lagon", "ambassador lagon"]),
])
def test_forms_cover_how_people_are_said(label, said):
    assert set(said) <= forms(label, label)


def test_middle_initials_may_be_left_out():
    assert "mark lagon" in forms("AMBASSADOR LAGON", "Mark P. Lagon")
    assert "john smith" in forms("John Q. R. Smith", "John Q. R. Smith")
    assert "mary smith" not in forms("Mary Ann Smith", "Mary Ann Smith")  # a name, not an initial


def test_offices_name_people_by_their_title_or_role():
    lagon = forms("AMBASSADOR LAGON", "Mark P. Lagon",
                  "Ambassador-At-Large and Director of the Office To Monitor and Combat "
                  "Trafficking in Persons (TIP) and Senior Advisor to the Secretary of State")
    assert {"the ambassador", "the director", "the senior advisor", "the advisor"} <= lagon
    assert not {"the trafficking", "the combat trafficking", "the office"} & lagon
    assert {"the spokesman", "the department spokesman"} <= forms(
        "MR. MCCORMACK", "Sean McCormack", "Department Spokesman")
    assert forms("Mr. Brown", "Mr. Brown") == {"mr. brown", "brown"}  # a courtesy, no office


def test_a_question_may_name_someone_by_office(seed_qa):
    """As naming McCormack does (test_search), "the spokesman" moves his own turn about
    forced labour above the ambassador's."""
    from transcript_qa.search import Ranking, analyse

    question = "What did the spokesman say about forced labor in sweatshops?"
    q = analyse(question, seed_qa.index, (), Ranking())
    assert q.speakers == {"MR. MCCORMACK"}
    assert "sweatshops" in q.lexical_terms and "spokesman" not in q.lexical_terms
    plain = seed_qa.search("What was said about forced labor in sweatshops?", k=5)
    named = seed_qa.search(question, k=5)
    assert plain[0].turn.speaker != "MR. MCCORMACK"
    assert named[0].turn.speaker == "MR. MCCORMACK" and "forced labor" in named[0].turn.text
    assert named[0].scores["speaker_named"] == 1.0


def test_forms_leave_out_what_is_not_a_name():
    # a bracketed role is not a person, and its last word is not a surname
    assert not {"canada", "justice"} & forms(
        "Hon. David Lametti (Minister of Justice and Attorney General of Canada)", "x")
    assert "manager" not in forms("Project Manager", "Project Manager")
    assert "minister" not in forms("Prime Minister", "Prime Minister")
    assert forms("Mr. Speaker", "Mr. Speaker") == {"mr. speaker", "the speaker"}
    assert forms("Will B", "Will B") == {"will b"}  # a stopword is no role ("the will")
    assert core_name("Kirsty Williams AM") == "Kirsty Williams"


PEOPLE = [("Kirsty Williams AM", "Kirsty Williams AM"), ("Carol Shillabeer", "Carol Shillabeer"),
          ("Right Hon. Justin Trudeau", "Right Hon. Justin Trudeau"), ("Grad E", "Grad E"),
          ("Professor D", "Professor D"), ("Julie Morgan AM", "Julie Morgan AM"),
          ("Claire Morgan", "Claire Morgan"), ("Team A", "Team A"),
          ("Prime Minister", "Prime Minister"),
          ("Janet Finch-Saunders AM", "Janet Finch-Saunders AM")]


@pytest.mark.parametrize("question,labels,said", [
    ("What did Kirsty Williams think of the grading?", {"Kirsty Williams AM"}, ["Kirsty Williams"]),
    ("What did the professor think about Danish models?", {"Professor D"}, ["the professor"]),
    # the full name, not the surname two people share; the possessive is not the name
    ("What did Julie Morgan's team say?", {"Julie Morgan AM"}, ["Julie Morgan"]),
    ("What did Morgan say?", {"Julie Morgan AM", "Claire Morgan"}, ["Morgan"]),
    ("Shillabeer said what?", {"Carol Shillabeer"}, ["Shillabeer"]),
    # misspelt: a capitalised run within FUZZY_MIN of a full name of as many words
    ("What did Carol Dhillabeer think about waiting lists?", {"Carol Shillabeer"},
     ["Carol Dhillabeer"]),
    ("What did JustinTrudeau elaborate on?", {"Right Hon. Justin Trudeau"}, ["JustinTrudeau"]),
    ("Summarize Janet-Finch-Saunders' opinion.", {"Janet Finch-Saunders AM"},
     ["Janet-Finch-Saunders"]),
    ("What did Grade E think about sonorance?", {"Grad E"}, ["Grade E"]),
    # an exact form elsewhere does not stop a misspelt name being found
    ("What did Kirsty Wiliams tell the team?", {"Kirsty Williams AM", "Team A"},
     ["Kirsty Wiliams", "the team"]),
    # words that name nobody: single words are never fuzzy ("William" is not "Williams"),
    # a title is not a surname ("Minister" of `Prime Minister`), lower case is not a name
    ("What did the Government say about Wales?", set(), []),
    ("What did Prince William say about Williamson?", set(), []),
    ("What did the Minister of Health say?", set(), []),
    ("what did carol dhillabeer say", set(), []),
    ("What Grade did the pupils get?", set(), []),
    # a given name, capitalised and not the question's first word; a full name goes first
    ("What did Kirsty say about the grading?", {"Kirsty Williams AM"}, ["Kirsty"]),
    ("What was Justin's answer?", {"Right Hon. Justin Trudeau"}, ["Justin"]),
    ("what did carol say", set(), []),
    ("Carol the new rules through.", set(), []),
])
def test_find_names_speakers_in_questions(question, labels, said):
    named, spans = find(question, PEOPLE)
    assert named == labels
    # where the name is said, so search can leave its words out of the keywords
    assert [question[s:e] for s, e in spans] == said


@pytest.mark.parametrize("question,said", [
    ("What figure did Dawn O'Connell give?", "O'Connell"),  # typed straight, written curly
    ("What figure did Dawn O’Connell give?", "O’Connell"),
    ("What was O'Connell's update?", "O'Connell"),
    ("What did Mr. D’Angelo say?", "Mr. D’Angelo"),  # typed curly, written straight
])
def test_a_name_is_found_whichever_apostrophe_is_typed(question, said):
    """A transcript writes `MS. O’CONNELL` with a curly apostrophe, a user types a straight
    one (stop 20: the speaker went unnamed, and so unboosted, on a monkeypox briefing)."""
    people = [("MS. O’CONNELL", "Ms. O’Connell"), ("MR. D'ANGELO", "Mr. D'Angelo")]
    named, spans = find(question, people)
    assert len(named) == 1 and [question[s:e] for s, e in spans] == [said]
    from transcript_qa.names import matcher

    assert matcher(tuple(people)).lookup("o'connell") == {"MS. O’CONNELL"}


def test_find_keeps_to_the_allowed_speakers():
    """Search builds one matcher per index; a transcript filter narrows what it found."""
    q = "What did Morgan say?"
    assert find(q, PEOPLE, allowed={"Claire Morgan", "Grad E"}) == ({"Claire Morgan"}, [(9, 15)])
    assert find(q, PEOPLE, allowed={"Grad E"}) == (set(), [])


def test_a_speaker_by_given_name(seed_qa):
    """"Sean" is Sean McCormack, in a question and as a filter; "Mark P. Lagon" is "Mark"."""
    assert seed_qa.resolve_speaker("Sean") == "Sean McCormack"
    assert seed_qa.resolve_speaker("mark") == "Mark P. Lagon"
    a = seed_qa.ask("What did Sean say?")
    assert {p.turn.speaker for p in a.passages} == {"MR. MCCORMACK"}
    # the given name is not taken from a role label ("Project Manager" names no "Project")
    assert first_name("Project Manager") is None and first_name("Grad B") is None


def test_a_named_speaker_is_not_a_keyword(seed_qa):
    from transcript_qa.search import Ranking, analyse

    q = analyse("What did Ambassador Lagon say about Mexico?", seed_qa.index, (), Ranking())
    assert q.speakers == {"AMBASSADOR LAGON"}
    assert q.lexical_terms == ["mexico"]


@pytest.fixture(scope="module")
def welsh_qa(tmp_path_factory, encoder):
    qa = make_qa(tmp_path_factory.mktemp("welsh"), [WELSH], encoder)
    qa.build_index()
    return qa


def test_name_without_post_nominal_letters_boosts_that_speaker(welsh_qa):
    for q in ("What did Kirsty Williams think about Swansea University?",
              "What did Kirsty Wiliams think about Swansea University?"):  # misspelt
        ps = welsh_qa.search(q, k=5)
        assert ps[0].turn.speaker == "Kirsty Williams AM"
        assert {p.turn.speaker for p in ps if p.scores["speaker_named"]} == {"Kirsty Williams AM"}


def test_full_name_picks_one_of_two_namesakes(welsh_qa):
    ps = welsh_qa.search("What did Eluned Morgan think of further education?", k=10)
    named = {p.turn.speaker for p in ps if p.scores["speaker_named"]}
    assert named == {"Eluned Morgan AM"}


def test_speaker_filter_takes_the_name_as_said(welsh_qa):
    ps = welsh_qa.search("universities", k=10, speaker="Kirsty Williams")
    assert ps and {p.turn.speaker for p in ps} == {"Kirsty Williams AM"}
    with pytest.raises(TranscriptQAError, match="known speakers"):
        welsh_qa.search("universities", k=10, speaker="Morgan")  # two Morgans: ambiguous


def test_a_filter_takes_a_name_as_typed_hyphen_or_misspelling_aside(seed_qa):
    """A filter is typed, not picked: "Sean Mc Cormack" and a misspelt full name still name
    one person; a name nobody is near stays an error."""
    assert seed_qa.resolve_speaker("Sean Mc-Cormack") == "Sean McCormack"
    assert seed_qa.resolve_speaker("Mark Lagn") == "Mark P. Lagon"
    with pytest.raises(TranscriptQAError, match="Unknown speaker"):
        seed_qa.resolve_speaker("Mark Twain")


def test_a_transcript_filter_takes_its_file_name_or_title(seed_qa):
    tid = "state-dept-podcast-trafficking-in-persons"
    for typed in (tid, f"{tid}.txt", "policy podcast: trafficking in persons"):
        assert seed_qa.search("Mexico", k=1, transcript=typed)[0].turn.transcript_id == tid
    with pytest.raises(TranscriptQAError, match="Unknown transcript"):
        seed_qa.search("Mexico", k=1, transcript="Policy Podcast")
