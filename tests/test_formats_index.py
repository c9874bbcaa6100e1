"""A transcripts folder of mixed formats and bad files: the bad ones are skipped with their
reasons, the rest index and answer (real model, real FAISS)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DATA, SEED, make_qa
from transcript_qa import index as index_mod
from transcript_qa.search import Searcher

FIX = Path(__file__).parent / "fixtures"
WH = DATA / "formats" / "wh_press_briefing_2023-11-30.md"
SPACELOG = DATA / "formats" / "spacelog_mercury_redstone3_PAO.txt"
DEEPGRAM = DATA / "formats" / "deepgram_preamble_response.json"
BAD = {"empty.txt": "the file is empty", "binary.txt": "binary file",
       "wrong_shape.json": "JSON of an unknown shape", "dump.txt": "one line of"}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, encoder):
    tmp = tmp_path_factory.mktemp("mixed")
    dump = tmp / "dump.txt"
    dump.write_text("ALICE: " + "no line breaks at all " * 10_000, encoding="utf-8")
    files = [SEED, WH, SPACELOG, DEEPGRAM, FIX / "interview.srt", FIX / "lecture.vtt",
             FIX / "whisperx.json", FIX / "harbour_notes.md", FIX / "windows1252.txt",
             FIX / "empty.txt", FIX / "binary.txt", FIX / "wrong_shape.json", dump]
    qa = make_qa(tmp / "qa", files, encoder)
    return qa, qa.build_index()


def test_bad_files_are_skipped_with_reasons(mixed):
    qa, report = mixed
    assert set(report.errors) == set(BAD)
    for name, reason in BAD.items():
        assert report.errors[name].startswith(name + ": ") and reason in report.errors[name]
        summary = report.summary()  # the file is named once
        assert f"skipped {name}: " in summary and f"skipped {name}: {name}: " not in summary
    manifest = index_mod.read_manifest(qa.cfg.index_dir)
    assert set(manifest["skipped"]) == {Path(n).stem for n in BAD}


def test_good_files_of_every_format_are_indexed(mixed):
    qa, _ = mixed
    rows = {r["id"]: r for r in qa.transcripts()}
    assert set(rows) == {SEED.stem, WH.stem, SPACELOG.stem, DEEPGRAM.stem, "interview",
                         "lecture", "whisperx", "harbour_notes", "windows1252"}
    assert rows[WH.stem]["turns"] == 116
    assert rows[WH.stem]["title"].startswith("Press Briefing by Press Secretary Karine")
    assert {"Karine Jean-Pierre", "John Kirby", "Reporter"} <= set(rows[WH.stem]["speakers"])
    assert rows["harbour_notes"]["title"] == "Harbour restoration sync"
    stored = qa.turns(SPACELOG.stem)
    assert stored[0].start == -4.0 and stored[0].text == "Ignition."


def test_answers_come_from_the_good_files(mixed):
    qa, _ = mixed
    a = qa.ask("How much has the U.S. government spent on anti-trafficking programs?")
    assert not a.abstained and "$530 million" in a.text
    assert a.cited.turn.transcript_id == SEED.stem
    b = qa.ask("Who is the new briefing room lectern named after?", transcript=[WH.stem])
    assert not b.abstained and "Dunnigan" in b.cited.turn.text
    assert b.cited.turn.speaker_name == "Karine Jean-Pierre"
    c = qa.ask("What do sea stars eat?", transcript=["interview"])
    assert not c.abstained and "mussels" in c.text and c.cited.turn.start == 14.6


def test_a_reporters_turn_is_a_question_without_a_question_mark(mixed):
    """Briefing reporters often end on a statement: "... any reaction to the death of Henry
    Kissinger ... I know he's been consulted by Jake Sullivan and Tony Blinken and — and
    others." Kirby's reply, which never says "Kissinger", is the answer, not the reporter."""
    qa, _ = mixed
    a = qa.ask("What did Kirby say about the death of Henry Kissinger?", transcript=[WH.stem])
    assert not a.abstained and a.cited.turn.speaker_name == "John Kirby"
    assert "condolences" in a.text
    asked = qa.turns(WH.stem)[a.cited.turn.number - 2]  # the turn before, numbered from 1
    assert asked.speaker_name == "Reporter" and "Kissinger" in asked.text
    assert not asked.text.rstrip().endswith("?")


def test_a_keyword_search_found_verbatim_is_not_refused(mixed):
    """"Fallujah" is said once, in a long turn about Gaza, at cosine 0.28 (under the 0.31
    floor): a bare keyword search asks where the word is said, so it is answered. A keyword
    the transcript lacks is still refused."""
    from transcript_qa.answer import ABSTAIN_BELOW, confidence

    qa, _ = mixed
    a = qa.ask("Fallujah", transcript=[WH.stem])
    assert not a.abstained and "Fallujah" in a.cited.turn.text
    assert max(confidence(p) for p in a.passages[:3]) < ABSTAIN_BELOW
    assert qa.ask("Timbuktu", transcript=[WH.stem]).abstained
    # every word: two of three found (most of the weight) is not enough
    b = qa.ask("Fallujah Mosul Timbuktu", transcript=[WH.stem])
    assert b.abstained and max(confidence(p) for p in b.passages[:3]) < ABSTAIN_BELOW
    assert 0.5 < b.passages[0].scores["turn_cov"] < 1.0


def test_skipped_files_do_not_trigger_rebuilds(mixed, encoder):
    qa, _ = mixed
    calls = encoder.calls
    again = qa.build_index()
    assert not again.rebuilt and encoder.calls == calls
    assert qa.status().fresh


def test_fixing_a_bad_file_indexes_it(tmp_path, encoder):
    qa = make_qa(tmp_path, [FIX / "interview.srt", FIX / "wrong_shape.json"], encoder)
    assert "wrong_shape.json" in qa.build_index().errors
    fixed = [{"speaker": "Clerk", "text": "The harbour minutes were approved unanimously."}]
    (qa.cfg.transcripts_dir / "wrong_shape.json").write_text(json.dumps(fixed), encoding="utf-8")
    report = qa.build_index()
    assert report.added == ["wrong_shape"] and not report.errors
    assert [t.text for t in qa.turns("wrong_shape")] == [fixed[0]["text"]]


def test_long_runs_and_reporters_stay_turn_by_turn(mixed):
    """A passage is a speaker's whole run of turns only when the run is short: the NASA
    commentary is one speaker throughout, and `Q` is whichever reporter asks."""
    qa, _ = mixed
    s = Searcher(qa.index, qa.encoder)
    pao = qa.turns(SPACELOG.stem)
    assert len({t.utterance for t in pao[5:25]}) == 1
    assert s._utterance_of(pao[15]) == [pao[15]]
    wh = {t.number: t for t in qa.turns(WH.stem)}
    assert wh[95].speaker_name == "Reporter" and wh[94].utterance == wh[95].utterance
    assert s._utterance_of(wh[95]) == [wh[95]]
    seed = qa.turns(SEED.stem)
    assert [t.number for t in s._utterance_of(seed[38])] == [38, 39, 40]
