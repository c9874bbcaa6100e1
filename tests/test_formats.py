"""Every format parses into the same Turn model: real third-party files, QMSum, hand-made
fixtures; detection by content and extension; `--format` override."""
from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import DATA, QMSUM_DEV, SEED
from transcript_qa.errors import TranscriptQAError
from transcript_qa.formats import (
    detect, parse_bytes, parse_file, sniff, source_text, stt_json, verify_turn,
)
from transcript_qa.formats.base import flat

FORMATS = DATA / "formats"
FIX = Path(__file__).parent / "fixtures"
WH = FORMATS / "wh_press_briefing_2023-11-30.md"
SPACELOG = FORMATS / "spacelog_mercury_redstone3_PAO.txt"
DEEPGRAM = FORMATS / "deepgram_preamble_response.json"
GOOD_FIXTURES = ["interview.srt", "lecture.vtt", "youtube_auto.vtt", "whisper.json",
                 "whisperx.json", "turns.json", "harbour_notes.md", "ops_log.txt",
                 "spacelog_blocks.txt", "windows1252.txt", "latin1.srt", "utf16_bom.txt",
                 "rev_export.txt"]


def texts(t):
    return [x.text for x in t.turns]


def assert_verified(path: Path, t) -> None:
    src = source_text(path)
    for x in t.turns:
        assert verify_turn(src, t.format, x), (path.name, x.number, x.text[:60])
        assert x.text == x.text.strip() and not re.search(r"[ \t\xa0]{2,}|\n{3,}", x.text)
        assert x.speaker and x.speaker_name


@pytest.mark.parametrize("path", sorted(p for p in FORMATS.iterdir() if p.name != "README.md")
                         + [SEED] + sorted((QMSUM_DEV / "transcripts").glob("*.txt"))
                         + [FIX / n for n in GOOD_FIXTURES], ids=lambda p: p.name)
def test_every_turn_is_found_at_its_offsets(path):
    t = parse_file(path)
    assert t.turns and [x.number for x in t.turns] == list(range(1, len(t.turns) + 1))
    assert_verified(path, t)


# ----------------------------------------------------------------- White House briefing


@pytest.fixture(scope="module")
def wh():
    return parse_file(WH)


def test_briefing_title_from_front_matter(wh):
    assert wh.format == "press"
    assert wh.title == ("Press Briefing by Press Secretary Karine Jean-Pierre and NSC Coordinator "
                        "for Strategic Communications John Kirby")  # YAML `\_` NBSP collapsed


def test_briefing_one_turn_per_label_with_speakers_from_title(wh):
    src = WH.read_text(encoding="utf-8")
    expected = Counter({"MR. KIRBY": len(re.findall(r"^MR\. KIRBY:", src, re.M)),
                        "MS. JEAN-PIERRE": len(re.findall(r"^MS\. JEAN-PIERRE:", src, re.M)),
                        "Q": len(re.findall(r"^Q\xa0", src, re.M))})
    assert expected == {"MR. KIRBY": 35, "MS. JEAN-PIERRE": 26, "Q": 55}
    assert Counter(x.speaker for x in wh.turns) == expected
    names = {x.speaker: (x.speaker_name, x.speaker_role) for x in wh.turns}
    assert names["MS. JEAN-PIERRE"] == ("Karine Jean-Pierre", "Press Secretary")
    assert names["MR. KIRBY"] == ("John Kirby", "NSC Coordinator for Strategic Communications")
    assert names["Q"] == ("Reporter", None)


def test_briefing_reporter_text_starts_after_the_nbsp_label(wh):
    q = [x for x in wh.turns if x.speaker == "Q"]
    assert q[0].text == "Good afternoon."
    src = source_text(WH)
    assert all(re.search(r"(?m)^Q\xa0[\s\xa0]*$", src[x.start_char - 12:x.start_char]) for x in q)


def test_briefing_times_and_stand_alone_stage_notes_are_not_speech(wh):
    joined = "\n".join(texts(wh))
    assert "P.M. EST" not in joined and "Brady Press Briefing Room\n" not in joined
    assert not any(x.text in ("(Cross-talk.)", "2:02 P.M. EST") for x in wh.turns)
    assert wh.turns[-1].text == "Can we do one about the falling gas prices?"
    # stage notes inside speech stay verbatim
    assert wh.turns[2].text == "Happy Thursday? (Laughs.)"
    assert any(x.text.endswith("(Laughter.) Sorry.") for x in wh.turns)


def test_state_department_style_question_labels(tmp_path):
    f = tmp_path / "dpb.txt"
    f.write_text("MR PRICE: Good afternoon.\n\nQUESTION: Thank you, Ned.\n\nMR PRICE: Sure.\n\n"
                 "QUESTION: One more.\n\nQ  And a third, typed with two spaces.\n\n"
                 "Q  Fourth.\n", encoding="utf-8")
    assert [(x.speaker, x.speaker_name, x.text) for x in parse_file(f).turns] == [
        ("MR PRICE", "Mr Price", "Good afternoon."), ("QUESTION", "Reporter", "Thank you, Ned."),
        ("MR PRICE", "Mr Price", "Sure."), ("QUESTION", "Reporter", "One more."),
        ("Q", "Reporter", "And a third, typed with two spaces."), ("Q", "Reporter", "Fourth.")]


def test_end_line_closes_the_transcript(tmp_path):
    f = tmp_path / "briefing.txt"
    f.write_text("Press Gaggle\n\n10:02 A.M. EDT\n\nMR. SMITH:  Good morning.\n\n"
                 "Q\xa0\xa0\xa0 Any news?\n\nMR. SMITH:  None.\n\n(Laughter.)\n\n"
                 "Q\xa0\xa0\xa0 Thanks.\n\nEND\xa0 10:15 A.M. EDT\n\n"
                 "Share this page on social media\n", encoding="utf-8")
    t = parse_file(f)
    assert [(x.speaker_name, x.text) for x in t.turns] == [
        ("Mr. Smith", "Good morning."), ("Reporter", "Any news?"), ("Mr. Smith", "None."),
        ("Reporter", "Thanks.")]


def test_briefing_hard_wrapped_lines_join_into_one_turn(wh):
    t = next(x for x in wh.turns if "Alice Dunnigan and Ethel Payne" in x.text)
    assert "in honor of Alice Dunnigan and Ethel Payne, the first two Black women" in t.text
    assert t.speaker == "MS. JEAN-PIERRE"
    # the unlabelled paragraphs after it continue the same speaker, as paragraphs
    assert "\n\nThe Dunnigan-Payne lectern" in t.text


# ----------------------------------------------------------------- timestamped logs


def test_spacelog_blocks_with_negative_time():
    t = parse_file(SPACELOG)
    assert t.format == "log" and len(t.turns) == 66
    assert Counter(x.speaker for x in t.turns) == {"PAO": 49, "CV-39": 17}
    assert (t.turns[0].text, t.turns[0].start) == ("Ignition.", -4.0)
    assert (t.turns[1].start, t.turns[2].start) == (0.0, 33.0)
    assert all(x.end is None for x in t.turns)
    starts = [x.start for x in t.turns]
    assert starts == sorted(starts)
    # an indented continuation line belongs to its turn
    wrapped = next(x for x in t.turns if "as reflected" in x.text or "convoy the lead" in x.text)
    assert wrapped.text.endswith("the carrier Lake Champlain.")


def test_spacelog_metadata_lines_are_skipped_and_blocks_hold_several_speakers():
    t = parse_file(FIX / "spacelog_blocks.txt")
    assert [(x.speaker, x.start) for x in t.turns] == [
        ("LCC", -10.0), ("CDR", 2.0), ("CC", 63.0), ("CDR", 63.0), ("CC", 955.0),
        ("CMP", 86400 + 3600 * 2 + 3 * 60 + 4.0)]
    assert not any("_page" in x.text or "_tape" in x.text or "CANARY" in x.text for x in t.turns)
    assert t.turns[2].text == "13, Houston. GO at 1. We show the cabin relieving."
    assert t.turns[4].text == "That's Roger. [glossary:LOS] in 30 seconds."  # markup verbatim


def test_inline_timestamped_log():
    t = parse_file(FIX / "ops_log.txt")
    assert t.format == "log" and t.title == "Night shift radio log, pier 4"
    assert [(x.speaker, x.speaker_name, x.start) for x in t.turns] == [
        ("DISPATCH", "Dispatch", 5.0), ("PIER 4", "Pier 4", 9.0), ("DISPATCH", "Dispatch", 90.0),
        ("PIER 4", "Pier 4", 102.0), ("Unknown", "Unknown", 130.0),
        ("Dispatch", "Dispatch", 3723.5)]
    assert t.turns[2].text == ("The ferry is running ten minutes late because of fog in the "
                               "channel.")


# ----------------------------------------------------------------- subtitles


def test_srt_merges_cues_of_one_speaker_and_decodes_entities():
    t = parse_file(FIX / "interview.srt")
    assert t.format == "srt"
    assert [(x.speaker, x.start, x.end) for x in t.turns] == [
        ("ALICE", 1.0, 5.9), ("BOB", 6.5, 11.4), ("ALICE", 12.0, 14.5), ("BOB", 14.6, 19.0)]
    assert t.turns[0].text == ("Welcome back to the show. Today we are talking about tide pools "
                               "& the creatures that live in them.")
    assert t.turns[1].text == ("Thanks for having me. Tide pools are tiny oceans. Twice a day "
                               "the sea leaves them behind.")  # <i> tags removed
    src = source_text(FIX / "interview.srt")
    assert src[t.turns[0].start_char:].startswith("Welcome back")
    assert src[:t.turns[1].end_char].endswith("the sea leaves them behind.")


def test_vtt_voice_tags_labels_headers_and_entities():
    t = parse_file(FIX / "lecture.vtt")
    assert t.format == "vtt" and t.title == "Tide pools, a short lecture"
    assert [(x.speaker, x.start, x.end) for x in t.turns] == [
        ("Dr. Rivera", 0.5, 6.0), ("Sam", 6.5, 8.0), ("Dr. Rivera", 8.2, 10.0),
        ("Sam", 10.5, 12.0), ("Dr. Rivera", 12.1, 14.0), ("Sam", 14.0, 15.0)]
    assert t.turns[0].text == ("Good morning. Today: the intertidal zone, where the sea comes "
                               "& goes. Questions are welcome.")
    assert t.turns[2].text == "Only as larvae — adults are cemented to the rock."
    assert t.turns[3].text == "So they filter food <in place>?"
    joined = " ".join(texts(t))
    for header in ("Kind", "Language", "NOTE", "Produced by hand", "::cue", "intro-1", "-->"):
        assert header not in joined


def test_roll_up_captions_are_read_once():
    t = parse_file(FIX / "youtube_auto.vtt")  # yt-dlp's automatic captions
    assert [(x.speaker_name, x.start, x.end, x.text) for x in t.turns] == [
        ("Unknown", 0.0, 8.0,
         "welcome back to the channel today we walk the tide line at low water")]


def test_repeated_cues_in_ordinary_subtitles_are_kept(tmp_path):
    f = tmp_path / "no.srt"
    f.write_text("1\n00:00:01,000 --> 00:00:02,000\nNo.\n\n"
                 "2\n00:00:02,000 --> 00:00:03,000\nNo.\n\n"
                 "3\n00:00:03,000 --> 00:00:04,000\nAbsolutely not.\n", encoding="utf-8")
    assert [x.text for x in parse_file(f).turns] == ["No. No. Absolutely not."]


def test_unlabelled_captions_become_unknown_turns_at_sentence_ends(tmp_path):
    cues = []
    words = ("the tide comes in twice a day and the pools fill again with cold water " * 3).split()
    for i in range(0, 90, 6):  # 15 cues of six words, a sentence ending every third cue
        text = " ".join(words[i % len(words):i % len(words) + 6]) + ("." if i % 18 == 12 else "")
        cues.append(f"{i // 6 + 1}\n00:00:{i // 6 * 2:02d},000 --> 00:00:{i // 6 * 2 + 2:02d},000\n"
                    f"{text}\n")
    f = tmp_path / "captions.srt"
    f.write_text("\n".join(cues), encoding="utf-8")
    t = parse_file(f)
    assert {x.speaker_name for x in t.turns} == {"Unknown"}
    assert " ".join(texts(t)).split() == " ".join(
        c.split("\n", 2)[2] for c in cues).split()  # no word lost or added
    assert all(x.text.endswith(".") for x in t.turns[:-1])  # cut only where sentences end


# ----------------------------------------------------------------- speech-to-text JSON


def test_deepgram_paragraph_with_times_and_offsets_into_the_json():
    t = parse_file(DEEPGRAM)
    assert t.format == "json/deepgram" and len(t.turns) == 1
    turn = t.turns[0]
    data = json.loads(DEEPGRAM.read_text(encoding="utf-8"))
    alt = data["results"]["channels"][0]["alternatives"][0]
    assert turn.text == alt["transcript"]
    assert (turn.start, turn.end, turn.speaker_name) == (0.32, 18.575, "Unknown")
    src = source_text(DEEPGRAM)
    # the offsets are those of the sentence's text string inside the JSON
    assert src[turn.start_char - 1] == '"' and src[turn.end_char] == '"'
    assert src[turn.start_char:turn.end_char] == turn.text
    assert src[:turn.start_char].endswith('"sentences": [\n                    {\n'
                                          '                      "text": "')


def test_whisper_segments_merge_until_a_pause_and_escapes_decode():
    t = parse_file(FIX / "whisper.json")
    assert t.format == "json/whisper"
    assert [(x.start, x.end) for x in t.turns] == [(0.0, 6.3), (9.0, 12.4)]
    assert t.turns[0].text == ("Welcome to the harbour history podcast. Today we’re looking at "
                               "the old lighthouse, built in 1871.")
    assert t.turns[1].text == 'Its lamp burned "whale oil" until 1890. Then came kerosene.'
    src = source_text(FIX / "whisper.json")
    assert "\\u2019" in src[t.turns[0].start_char:t.turns[0].end_char]  # raw JSON escapes
    assert stt_json.source_view(src[t.turns[1].start_char:t.turns[1].end_char]).startswith(
        'Its lamp burned "whale oil" until 1890.')


def test_whisperx_speakers_and_word_times():
    t = parse_file(FIX / "whisperx.json")
    assert [(x.speaker, x.speaker_name, x.start, x.end) for x in t.turns] == [
        ("SPEAKER_00", "Speaker 0", 0.031, 2.112), ("SPEAKER_01", "Speaker 1", 2.5, 8.0),
        ("SPEAKER_00", "Speaker 0", 8.3, 9.0), ("Unknown", "Unknown", 9.2, 9.9)]
    assert t.turns[1].text == ("By rowing boat, in any weather, twice a week. "
                               "The supply boat came monthly.")


def test_plain_turn_list_keeps_one_turn_per_item():
    t = parse_file(FIX / "turns.json")
    assert t.format == "json/turns" and t.title == "Harbour board meeting, 4 June"
    assert [(x.speaker_name, x.start) for x in t.turns] == [
        ("Chair", 0.0), ("Treasurer", None), ("Chair", None), ("Unknown", None)]
    assert t.turns[1].text == "Repairs will cost £12,400; the reserve covers it."
    assert t.turns[2].text == "Any objections?\n\nNone. Approved."


def test_bare_list_of_turns(tmp_path):
    f = tmp_path / "t.json"
    f.write_text(json.dumps([{"speaker": "Ann", "text": "Hi."}, {"speaker": 2, "text": "Yo."}]))
    assert [(x.speaker_name, x.text) for x in parse_file(f).turns] == [
        ("Ann", "Hi."), ("Speaker 2", "Yo.")]


# ----------------------------------------------------------------- Markdown meeting notes


def test_markdown_notes_with_abbreviated_speakers():
    t = parse_file(FIX / "harbour_notes.md")
    assert t.title == "Harbour restoration sync"  # front matter wins over the heading
    assert [(x.speaker, x.speaker_name) for x in t.turns] == [
        ("AB", "Alice Brown"), ("CD", "Carlos Diaz"), ("PN", "Priya Natarajan"),
        ("AB", "Alice Brown"), ("CD", "Carlos Diaz"), ("PN", "Priya Natarajan"),
        ("Unknown", "Unknown")]
    assert t.turns[2].text == "Can we phase the work so the ferry keeps running?"  # **PN:**
    assert t.turns[3].text == "Yes, if we close one berth at a time. That adds about three weeks."
    joined = " ".join(texts(t))
    assert "Attendees" not in joined and "recording started late" not in joined
    assert "Laughter" not in joined and "##" not in joined
    assert t.turns[-1].text.startswith("- CD to draft the council letter")  # after a heading


def test_press_mixed_case_labels_and_note_lines(tmp_path):
    f = tmp_path / "committee.txt"
    f.write_text(
        "Committee hearing\n\n"
        "Note: this transcript is unofficial.\n\n"
        "The Chair (Hon. Anthony Rota (Nipissing, Lib.)): We begin.\n\n"
        "Ms. Heather McPherson (Edmonton Strathcona, NDP): Thank you, Chair.\n\n"
        "Project Manager: The budget: it is fine.\n\n"
        "Note: the clerk left the room.\n\n"
        "Project Manager: Back to the remote.\n", encoding="utf-8")
    t = parse_file(f)
    assert [x.speaker for x in t.turns] == [
        "The Chair (Hon. Anthony Rota (Nipissing, Lib.))",
        "Ms. Heather McPherson (Edmonton Strathcona, NDP)", "Project Manager", "Project Manager"]
    assert "clerk" not in " ".join(texts(t)) and t.title == "Committee hearing"


def test_time_in_the_label_becomes_the_start(tmp_path):
    t = parse_file(FIX / "rev_export.txt")
    assert t.title == "Harbour podcast, episode 12"
    assert [(x.speaker, x.start) for x in t.turns] == [
        ("Speaker 1", 0.0), ("Keeper Dan", 7.0), ("Speaker 1", 3735.0), ("Keeper Dan", 3740.0)]
    assert t.turns[3].text == "The lamp. We went from kerosene to electric in 1958."


def test_plain_lines_without_blank_lines_are_turns(tmp_path):
    f = tmp_path / "chat.txt"
    f.write_text("Alice: hi there\nBob: hello\nAlice: how are you?\n", encoding="utf-8")
    assert [(x.speaker, x.text) for x in parse_file(f).turns] == [
        ("Alice", "hi there"), ("Bob", "hello"), ("Alice", "how are you?")]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_line_endings(tmp_path, eol):
    f = tmp_path / "chat.txt"
    f.write_bytes(eol.join(["Title", "", "ALICE: hi there", "BOB: hello", "", "ALICE: more",
                            "still Alice", ""]).encode())
    t = parse_file(f)
    assert t.title == "Title"
    assert [(x.speaker, x.text) for x in t.turns] == [
        ("ALICE", "hi there"), ("BOB", "hello"), ("ALICE", "more still Alice")]
    assert_verified(f, t)


def test_text_without_any_labels_is_unknown_paragraphs(tmp_path):
    f = tmp_path / "lecture.txt"
    f.write_text("Opening lecture\n\nWelcome, everyone.\n\nToday: tides.\n", encoding="utf-8")
    t = parse_file(f)
    assert t.title == "Opening lecture"
    assert [(x.speaker_name, x.text) for x in t.turns] == [
        ("Unknown", "Welcome, everyone."), ("Unknown", "Today: tides.")]


# ----------------------------------------------------------------- QMSum


@pytest.mark.parametrize("path", sorted((QMSUM_DEV / "transcripts").glob("*.txt")),
                         ids=lambda p: p.stem)
def test_qmsum_one_turn_per_paragraph_with_speakers_as_labelled(path):
    paras = [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    t = parse_file(path)
    assert len(t.turns) == len(paras)
    assert [x.speaker for x in t.turns] == [p.split(": ", 1)[0] for p in paras]
    assert [x.text for x in t.turns] == [flat(p.split(": ", 1)[1]) for p in paras]


# ----------------------------------------------------------------- detection


@pytest.mark.parametrize("fixture, fmt", [("lecture.vtt", "vtt"), ("interview.srt", "srt"),
                                          ("whisperx.json", "json"), ("ops_log.txt", "log"),
                                          ("spacelog_blocks.txt", "log")])
def test_content_decides_whatever_the_extension(tmp_path, fixture, fmt):
    f = tmp_path / "transcript.txt"
    shutil.copy(FIX / fixture, f)
    text = source_text(f)
    assert sniff(text) == fmt and detect(f, text) == fmt
    assert parse_file(f).format.split("/")[0] == fmt


def test_extension_decides_plain_text_and_format_flag_overrides(tmp_path):
    assert sniff(source_text(SEED)) is None and detect(SEED, "") == "press"
    vtt = tmp_path / "talk.txt"
    shutil.copy(FIX / "lecture.vtt", vtt)
    forced = parse_file(vtt, "press")  # --format press: read the cue text as plain text
    assert forced.format == "press"
    assert parse_file(FIX / "whisperx.json", "whisper").format == "json/whisper"  # alias
    with pytest.raises(TranscriptQAError, match="Unknown format 'docx'"):
        parse_file(SEED, "docx")


def test_format_flag_with_content_that_does_not_fit(tmp_path):
    with pytest.raises(TranscriptQAError, match=r"state-dept.*not valid JSON"):
        parse_file(SEED, "json")
    with pytest.raises(TranscriptQAError, match=r"not a WebVTT file"):
        parse_file(SEED, "vtt")
    with pytest.raises(TranscriptQAError, match=r"not an SRT file"):
        parse_bytes(b"hello\n", Path("x.srt"))


@pytest.mark.parametrize("label, shown", [
    ("MR. MCCORMACK", "Mr. McCormack"),
    ("MS. O’CONNELL", "Ms. O’Connell"),  # stop 20: was `Ms. O’connell`
    ("MR. D'ANGELO", "Mr. D'Angelo"),
    ("MS. JEAN-PIERRE", "Ms. Jean-Pierre"),
    ("O'NEIL-SMITH", "O'Neil-Smith"),  # each part of a double-barrelled name
    ("PAO", "PAO"),  # a call sign stays as written
])
def test_an_unresolved_label_reads_as_a_name(label, shown):
    from transcript_qa.formats.base import pretty_label

    assert pretty_label(label) == shown
