"""Property tests: no input crashes a parser (only `TranscriptQAError`), and every turn's text
is found at its offsets in the source after whitespace normalisation (`verify_turn`)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transcript_qa.errors import TranscriptQAError
from transcript_qa.formats import PARSERS, parse_bytes, verify_turn

# TQA_HYPOTHESIS_EXAMPLES=5000 for a long bug hunt; the default keeps the suite quick.
SETTINGS = settings(max_examples=int(os.environ.get("TQA_HYPOTHESIS_EXAMPLES", "150")),
                    deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pieces of every format, so random text reaches the interesting branches of each parser.
FRAGMENTS = [
    "ALICE: ", "MS. JEAN-PIERRE:\xa0 ", "Project Manager: ", "Q\xa0\xa0\xa0 ", "Q. ", "**AB:** ",
    "- CD: ", "> PN: ", "Ms. Heather McPherson (Edmonton, NDP): ", "[00:01:02] ", "[-00:00:00:04]",
    "(00:02) ", "12:30 ", "_page : 3", "(Laughs.)", "(Cross-talk.)", "1:26 P.M. EST", "END",
    "# Heading", "## Notes", "---", "***", "Note: ", "Attendees: Alice Brown (AB), Carl Diaz",
    "WEBVTT", "WEBVTT - Title", "Kind: captions", "NOTE x", "00:00:01,000 --> 00:00:02,000",
    "00:00:01.000 --> 00:00:02.000 align:start", "1", "2", "<v Bob>", "</v>", "<i>", "&amp;",
    "&lt;", ">> BOB: ", "{", "}", "[", "]", '"text": "', '"segments": [', '"speaker": "S1"',
    "title: x", "Back to top", "Home | About | Contact |", "--", "\u2014", "\r\n", "\t", "\xa0",
    " ", "word", "Hello there.", "again,", "ÉLODIE: ", "\u2028", "\x0c",
]
TOKENS = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12))
SEPARATORS = st.sampled_from(["", " ", "\n", "\n\n", "\n   ", "\r\n", "\n\xa0\n"])
STRUCTURED = st.lists(st.tuples(TOKENS, SEPARATORS), max_size=60).map(
    lambda parts: "".join(a + b for a, b in parts))
ANY_TEXT = st.one_of(st.text(max_size=400), STRUCTURED)


def check(source: str, t) -> None:
    assert [x.number for x in t.turns] == list(range(1, len(t.turns) + 1))
    for x in t.turns:
        assert x.text.strip() and x.speaker and x.speaker_name
        assert verify_turn(source, t.format, x), (t.format, x)


@SETTINGS
@given(ANY_TEXT, st.sampled_from(sorted(PARSERS)))
def test_no_text_crashes_any_parser(text, fmt):
    try:
        t = PARSERS[fmt](text, "t", "")
    except TranscriptQAError:
        return
    check(text, t)


@SETTINGS
@given(ANY_TEXT, st.sampled_from(["t.txt", "t.md", "t.srt", "t.vtt", "t.json", "t.log"]))
def test_no_file_crashes_detection_and_parsing(text, name):
    try:
        t = parse_bytes(text.encode("utf-8", "surrogatepass"), Path(name))
    except TranscriptQAError as exc:
        assert str(exc).startswith(name + ": ")
        return
    check(text, t)


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from(["t.txt", "t.srt", "t.json"]))
def test_no_bytes_crash_decoding(data, name):
    try:
        parse_bytes(data, Path(name))
    except TranscriptQAError as exc:
        assert str(exc).startswith(name + ": ")


# ------------------------------------------------------------------ round trips

WORD = st.text(st.characters(categories=("L", "N", "P", "S"), exclude_characters="<>&:-"),
               min_size=1, max_size=10)
SENTENCE = st.lists(WORD, min_size=1, max_size=12).map(" ".join)
LABELS = ["ALICE", "BOB", "MR. LEE", "DR. O'NEIL", "SPEAKER 2"]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(LABELS), SENTENCE), min_size=1, max_size=12),
       st.sampled_from(["\n\n", "\n"]))
def test_press_turns_round_trip(turns, sep):
    source = sep.join(f"{label}: {text}" for label, text in turns) + "\n"
    t = PARSERS["press"](source, "t", "")
    assert [(x.speaker, x.text) for x in t.turns] == [
        (lab, " ".join(s.split())) for lab, s in turns]
    check(source, t)


def _srt(cues) -> str:
    out = []
    for i, (who, text) in enumerate(cues):
        line = f"{who}: {text}" if who else text
        out.append(f"{i + 1}\n00:00:{i:02d},000 --> 00:00:{i:02d},900\n{line}\n")
    return "\n".join(out)


def _vtt(cues) -> str:
    out = ["WEBVTT\nKind: captions\nLanguage: en\n"]
    for i, (who, text) in enumerate(cues):
        line = f"<v {who}>{text}</v>" if who else text
        out.append(f"00:00:{i:02d}.000 --> 00:00:{i:02d}.900\n{line}\n")
    return "\n".join(out)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["", "ALICE", "BOB"]), SENTENCE), min_size=1,
                max_size=40), st.sampled_from(["srt", "vtt"]))
def test_subtitle_cues_round_trip(cues, kind):
    source = (_srt if kind == "srt" else _vtt)(cues)
    t = PARSERS[kind](source, "t", "")
    check(source, t)
    assert " ".join(x.text for x in t.turns).split() == " ".join(c for _, c in cues).split()
    # speaker changes only where a cue names someone else
    who, expected = "", []
    for w, text in cues:
        who = w or who
        expected.append(who or "Unknown")
    for x in t.turns:
        assert x.start is not None and x.end is not None and x.start <= x.end


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from([None, "SPEAKER_00", "SPEAKER_01"]),
                          st.text(min_size=1, max_size=40)), min_size=1, max_size=30),
       st.booleans())
def test_whisper_json_round_trip(segments, ascii_only):
    data = {"segments": [{"start": i, "end": i + 0.5, "text": text,
                          **({"speaker": who} if who else {})}
                         for i, (who, text) in enumerate(segments)]}
    source = json.dumps(data, ensure_ascii=ascii_only, indent=1)
    try:
        t = PARSERS["json"](source, "t", "")
    except TranscriptQAError as exc:
        assert "without any text" in str(exc) and not "".join(s for _, s in segments).split()
        return
    check(source, t)
    assert " ".join(x.text for x in t.turns).split() == " ".join(s for _, s in segments).split()
