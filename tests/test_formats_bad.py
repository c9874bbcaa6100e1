"""Files that are not (readable) transcripts: each gives one clear message naming the file
and why; legacy encodings are read, not refused; the CLI never shows a traceback."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from transcript_qa import cli
from transcript_qa.errors import TranscriptQAError
from transcript_qa.formats import PARSERS, parse_bytes, parse_file

FIX = Path(__file__).parent / "fixtures"


def error_for(path: Path, fmt: str | None = None) -> str:
    with pytest.raises(TranscriptQAError) as exc:
        parse_file(path, fmt)
    msg = str(exc.value)
    assert msg.startswith(path.name + ": ") and "\n" not in msg, msg
    return msg


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    f = tmp_path / name
    f.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return f


def test_empty_and_blank_files(tmp_path):
    assert "the file is empty" in error_for(FIX / "empty.txt")
    assert "the file is empty" in error_for(write(tmp_path, "blank.srt", " \n\xa0\n".encode()))


def test_binary_files(tmp_path):
    assert "binary file" in error_for(FIX / "binary.txt")
    assert "PNG image" in error_for(write(tmp_path, "shot.txt", b"\x89PNG\r\n\x1a\n" + b"\0" * 64))
    assert "a PDF" in error_for(write(tmp_path, "minutes.md", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"))
    assert "Word" in error_for(write(tmp_path, "minutes.txt", b"PK\x03\x04" + b"\x14" * 40))
    noisy = bytes(range(1, 32)) * 50  # control characters, no NUL
    assert "control characters" in error_for(write(tmp_path, "noise.txt", noisy))


def test_unsupported_extension(tmp_path):
    msg = error_for(write(tmp_path, "notes.docx2", "ALICE: hi\n"))
    assert "unsupported file type '.docx2'" in msg and ".vtt" in msg


def test_windows_1252_and_latin_1_are_read():
    t = parse_file(FIX / "windows1252.txt")  # CRLF, curly quotes, em dash, euro sign
    assert [x.speaker_name for x in t.turns] == ["Café Owner", "Reporter", "Café Owner"]
    assert t.turns[0].text == "It’s been a hard winter — the “naïve” tourists stayed home."
    assert t.turns[2].text == "Renée trained in Lyon. Crème brûlée costs €7."
    s = parse_file(FIX / "latin1.srt")
    assert [(x.speaker_name, x.text) for x in s.turns] == [
        ("José", "Bonjour, ça va très bien."), ("Anïs", "Merci, à demain.")]


def test_utf16_with_byte_order_mark_is_read():
    t = parse_file(FIX / "utf16_bom.txt")
    assert [x.text for x in t.turns] == ["Hello from Notepad.", "Saved as “Unicode”."]


def test_huge_single_line_text(tmp_path):
    f = write(tmp_path, "dump.txt", "ALICE: " + "words without a break " * 12_000)
    msg = error_for(f)
    assert "one line of 264,007 characters" in msg and "line breaks" in msg


def test_huge_single_line_json_is_fine(tmp_path):
    segments = [{"start": i, "end": i + 1, "text": f" Sentence number {i}."} for i in range(5000)]
    f = write(tmp_path, "minified.json", json.dumps({"segments": segments}))
    assert f.read_text().count("\n") == 0 and f.stat().st_size > 200_000
    t = parse_file(f)
    assert " ".join(x.text for x in t.turns).count("Sentence number") == 5000


@pytest.mark.parametrize("content, reason", [
    ('{"meeting": "harbour", "minutes": []}',
     "JSON of an unknown shape (top level: meeting, minutes)"),
    ('"just a string"', "JSON of an unknown shape (top level: a string)"),
    ('[1, 2, 3]', "turns JSON without any text to index"),
    ('{"segments": [{"start": 0, "end": 1}]}', "whisper JSON without any text to index"),
    ('{"results": {"channels": []}}', "deepgram JSON without any text to index"),
    ('{"segments": [{"text": "hi"}',
     "not valid JSON (Expecting ',' delimiter at line 1, column 29)"),
    ("[" * 100_000, "JSON nested too deeply"),
])
def test_json_of_the_wrong_shape(tmp_path, content, reason):
    msg = error_for(write(tmp_path, "stt.json", content))
    assert reason in msg
    if "shape" in reason or "without" in reason:
        assert "Whisper/WhisperX" in msg and "Deepgram" in msg  # says what would work


def test_wrong_shape_fixture():
    assert "unknown shape" in error_for(FIX / "wrong_shape.json")


def test_subtitles_without_text(tmp_path):
    assert "no text found" in error_for(write(tmp_path, "empty.vtt", "WEBVTT\n\nNOTE nothing\n"))
    assert "not a WebVTT file" in error_for(write(tmp_path, "bad.vtt", "1\nhello\n"))


def test_only_front_matter_and_headings(tmp_path):
    f = write(tmp_path, "stub.md", "---\ntitle: Stub\n---\n\n# Heading\n\n## Another\n")
    assert "no text found to index as press" in error_for(f)


def test_a_parser_bug_is_reported_on_the_file_not_raised(tmp_path, monkeypatch):
    def broken(text, tid, path):
        raise IndexError("list index out of range")

    monkeypatch.setitem(PARSERS, "press", broken)
    msg = error_for(write(tmp_path, "x.txt", "ALICE: hi\n"))
    assert "could not be read as press (IndexError" in msg and "bug" in msg


def test_cli_parse_prints_one_line_error_and_exits_1(capsys):
    assert cli.main(["parse", str(FIX / "wrong_shape.json")]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("transcript-qa: error: wrong_shape.json: JSON of an")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_cli_parse_shows_times_and_format(capsys):
    assert cli.main(["parse", str(FIX / "spacelog_blocks.txt")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Spacelog blocks  [log, 6 turns, speakers: LCC, CDR, CC, CMP]")
    assert "#1 LCC -> LCC -0:10 [" in out and "#6 CMP -> CMP 26:03:04 [" in out
    assert cli.main(["parse", str(FIX / "interview.srt"), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["format"] == "srt" and d["turns"][0]["start"] == 1.0 and d["turns"][0]["end"] == 5.9


def test_parse_bytes_names_the_upload(tmp_path):
    with pytest.raises(TranscriptQAError, match=r"^upload\.txt: the file is empty"):
        parse_bytes(b"", Path("upload.txt"))
