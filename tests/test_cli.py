"""The `transcript-qa` command: JSON schema, human output, batch mode, user errors."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEED, make_qa
from transcript_qa import cli

Q_530 = "How much has the U.S. government spent on anti-trafficking programs?"
SEED_ID = SEED.stem


@pytest.fixture(scope="module")
def dirs(tmp_path_factory, encoder):
    qa = make_qa(tmp_path_factory.mktemp("cli"), [SEED], encoder)
    qa.build_index()
    return ["--transcripts", str(qa.cfg.transcripts_dir), "--index", str(qa.cfg.index_dir)]


def run(dirs, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The real console script in a fresh process, as a user runs it."""
    exe = Path(sys.executable).with_name("transcript-qa")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([str(exe), *dirs, *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=600)


def check_answer_schema(d: dict) -> None:
    assert set(d) >= {"question", "answer", "abstained", "passages"}
    assert isinstance(d["abstained"], bool)
    if d["answer"] is not None:
        assert set(d["answer"]) >= {"text", "speaker", "speaker_name", "turn", "transcript", "score"}
        assert isinstance(d["answer"]["turn"], int) and isinstance(d["answer"]["score"], float)
    for i, p in enumerate(d["passages"], start=1):
        assert set(p) >= {"rank", "score", "speaker", "speaker_name", "transcript", "turn",
                          "text", "start_char", "end_char"}
        assert p["rank"] == i
        assert isinstance(p["start_char"], int) and p["end_char"] > p["start_char"]


def test_ask_json_cites_lagon_530_million_verbatim(dirs):
    r = run(dirs, "ask", Q_530, "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    check_answer_schema(d)
    assert d["abstained"] is False
    a = d["answer"]
    assert "$530 million" in a["text"]
    assert a["speaker_name"] == "Mark P. Lagon" and a["speaker"] == "AMBASSADOR LAGON"
    assert a["transcript"] == SEED_ID and a["turn"] == 10
    top = d["passages"][0]
    assert top["turn"] == a["turn"] and a["text"] in top["text"]
    source = SEED.read_text(encoding="utf-8")
    assert " ".join(source[top["start_char"]:top["end_char"]].split()) == " ".join(top["text"].split())


def test_ask_human_output(dirs, capsys):
    assert cli.main([*dirs, "ask", Q_530, "-k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Answer: ") and "$530 million" in out.splitlines()[0]
    assert 'Mark P. Lagon (Ambassador-At-Large' in out and ', turn 10: "Well, Congress' in out
    assert out.count("(Ambassador-At-Large") == 1  # the role once, with the name's first use
    assert '   Mark P. Lagon, turn 10: "Well, Congress' in out


def test_an_answer_lacking_what_was_asked_prints_a_note(dirs, capsys):
    assert cli.main([*dirs, "ask", "In what year did Lagon become ambassador-at-large?"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Answer: ")
    assert lines[1].startswith("  Note: The question asks for a date or time")


def test_speaker_filter(dirs, capsys):
    assert cli.main([*dirs, "ask", "What programs does the government fund?", "--speaker",
                     "McCormack", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["passages"] and {p["speaker_name"] for p in d["passages"]} == {"Sean McCormack"}


def test_batch_answers_in_order_with_one_model_load(dirs, tmp_path):
    questions = [Q_530, "Who is Sean McCormack?", "What is a T visa?", "hotline", "Vienna"]
    lines = []
    for i in range(50):
        q = questions[i % len(questions)]
        lines.append(json.dumps({"id": f"q{i}", "question": q, "k": 2}) if i % 2 else q)
    batch = tmp_path / "batch.txt"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = run(dirs, "-v", "ask", "--batch", str(batch))
    assert r.returncode == 0, r.stderr
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(rows) == 50
    for i, row in enumerate(rows):
        check_answer_schema(row)
        assert row["question"] == questions[i % len(questions)]
        assert (row.get("id") == f"q{i}") if i % 2 else "id" not in row
        assert len(row["passages"]) == (2 if i % 2 else 5)
    assert r.stderr.count("loading model") == 1


def test_batch_from_stdin_with_a_bad_line(dirs, capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO('{"question": "Vienna", "id": 7}\n{broken\n\n'))
    assert cli.main([*dirs, "ask", "--batch", "-"]) == 1  # one line failed
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert rows[0]["id"] == 7 and rows[0]["passages"]
    assert rows[1]["line"] == 2 and "invalid JSON" in rows[1]["error"]


def test_a_stdin_line_that_is_not_utf8_is_an_error_row_not_an_answer(dirs, capsys,
                                                                      monkeypatch):
    import io

    raw = '{"question": "Vienna"}\n'.encode() + "\u00e9t\u00e9\n".encode("latin-1")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    assert cli.main([*dirs, "ask", "--batch", "-"]) == 1
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert rows[0]["passages"] and rows[1] == {
        "line": 2, "error": "this line is not UTF-8 text: send questions as UTF-8"}


def test_an_answer_from_a_timestamped_transcript_prints_its_time(tmp_path, encoder, capsys):
    qa = make_qa(tmp_path, [Path(__file__).parent / "fixtures" / "interview.srt"], encoder)
    qa.build_index()
    args = ["--transcripts", str(qa.cfg.transcripts_dir), "--index", str(qa.cfg.index_dir)]
    assert cli.main([*args, "ask", "What are tide pools?"]) == 0
    out = capsys.readouterr().out
    answer_line = next(x for x in out.splitlines() if x.startswith("  -- "))
    assert re.search(r", turn \d+ at \d+:\d\d, ", answer_line), answer_line
    assert cli.main([*args, "turns"]) == 0  # each turn with the time it starts at
    assert "[interview #1 at 0:01] Alice:" in capsys.readouterr().out


def test_turns_and_transcripts_commands(dirs, capsys):
    assert cli.main([*dirs, "turns", "--speaker", "Lagon", "--json"]) == 0
    turns = json.loads(capsys.readouterr().out)
    assert len(turns) == 27 and {t["speaker_name"] for t in turns} == {"Mark P. Lagon"}
    assert cli.main([*dirs, "transcripts"]) == 0
    out = capsys.readouterr().out
    assert f"{SEED_ID}  (42 turns)  Policy Podcast: Trafficking in Persons" in out
    assert "Sean McCormack, Mark P. Lagon" in out


@pytest.mark.parametrize("args, message", [
    (["ask", ""], "question is empty"),
    (["ask", "   "], "question is empty"),
    (["ask", "anything", "--speaker", "Nobody Atall"], "Unknown speaker"),
    (["ask", "anything", "--transcript", "missing-id"], "Unknown transcript"),
    (["ask", "--batch", "/no/such/file"], "does not exist"),
    (["ask"], "Missing question"),
    (["parse", str(SEED.parent)], "is a folder; give a transcript file"),
])
def test_user_errors_exit_nonzero_with_one_line(dirs, capsys, args, message):
    assert cli.main([*dirs, *args]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_global_options_may_follow_the_command(dirs, capsys):
    assert cli.main(["transcripts", *dirs]) == 0
    assert f"{SEED_ID}  (42 turns)" in capsys.readouterr().out
    # given on both sides, the later one wins
    assert cli.main(["--index", "/no/such/place", "transcripts", *dirs]) == 0


def test_every_bad_batch_line_is_numbered(dirs, capsys, monkeypatch):
    import io

    lines = '{"question": "Vienna"}\n{"question": "  "}\n{"question": "x", "k": 0}\nhotline\n'
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    assert cli.main([*dirs, "ask", "--batch", "-"]) == 1
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r.get("line") for r in rows] == [None, 2, 3, None]
    assert "empty" in rows[1]["error"] and "between 1 and" in rows[2]["error"]


@pytest.mark.parametrize("command", ["batch", "eval"])
def test_a_question_file_that_is_not_utf8_is_refused_before_any_answer(dirs, capsys,
                                                                       tmp_path, command):
    bad = tmp_path / "questions.txt"
    bad.write_bytes("Qu\u00e9 dijo Lagon?\n".encode("latin-1"))
    args = ["ask", "--batch", str(bad)] if command == "batch" else ["eval", str(bad)]
    assert cli.main([*dirs, *args]) == 1
    out = capsys.readouterr()
    assert out.out == "" and "not UTF-8 text" in out.err and out.err.count("\n") == 1


def test_an_unusable_index_folder_is_one_clear_error(tmp_path, capsys):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    for where, why in ((a_file, "it is a file, not a folder"),
                       (a_file / "below", "not a directory")):
        assert cli.main(["--transcripts", str(SEED.parent), "--index", str(where),
                         "index"]) == 1
        err = capsys.readouterr().err
        assert f"Cannot use {where} as the index folder: {why}" in err
        assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_transcripts_folder_in_a_real_process(tmp_path):
    r = run(["--transcripts", str(tmp_path / "none"), "--index", str(tmp_path / "idx")],
            "ask", "hello")
    assert r.returncode == 1
    assert "does not exist" in r.stderr and "Traceback" not in r.stderr


def test_parse_command_json(capsys):
    assert cli.main(["parse", str(SEED), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["title"] == "Policy Podcast: Trafficking in Persons" and len(d["turns"]) == 42


def test_a_passage_of_several_turns_prints_and_serialises_all_of_them():
    """One speaker's run of turns is one passage: the CLI prints each turn, set apart, under
    "turns a–b"; the JSON lists each with its own offsets."""
    from transcript_qa.model import Passage, Turn

    run = [Turn("pod", n, "GUEST", "Guest", None, text, 10 * n, 10 * n + len(text))
           for n, text in [(4, "The border is the key thing."), (5, "It is the coercion.")]]
    p = Passage(turn=run[1], score=0.5, rank=1, turns=run)
    out = cli.format_passage(p)
    assert "Guest, turns 4–5:" in out
    assert out.index("The border is the key thing.") < out.index("It is the coercion.")
    assert "\n\n" in out.split("turns 4–5:")[1]  # a blank line between the turns
    d = p.to_dict()
    assert d["turn"] == 5 and [x["turn"] for x in d["turns"]] == [4, 5]
    assert d["turns"][0]["start_char"] == 40 and d["turns"][1]["text"] == "It is the coercion."
    alone = Passage(turn=run[0], score=0.5, rank=2).to_dict()
    assert [x["turn"] for x in alone["turns"]] == [4] and "turn 4:" in cli.format_passage(
        Passage(turn=run[0], score=0.5, rank=2))
    # a timestamped transcript: the time the passage starts at, as the app shows it
    timed = [Turn("pod", n, "GUEST", "Guest", None, "Words.", 0, 6, start=61.0 * n)
             for n in (4, 5)]
    assert "Guest, turns 4–5 at 4:04:" in cli.format_passage(
        Passage(turn=timed[1], score=0.5, rank=1, turns=timed))


def test_a_long_turn_prints_as_paragraphs_around_its_answer():
    """A 30-paragraph turn prints the paragraphs around the answer span, marked as cut."""
    from transcript_qa.model import Passage, Turn

    text = "\n\n".join(f"Paragraph {i} is about the harbour budget, line by line. " * 3
                       for i in range(30))
    start = text.index("Paragraph 20")
    t = Turn("pod", 7, "CHAIR", "Chair", None, text, 0, len(text))
    out = cli.format_passage(Passage(turn=t, score=0.5, rank=1, span_start=start,
                                     span_end=start + 40))
    assert "Paragraph 20" in out and "Paragraph 0 " not in out and "Paragraph 29" not in out
    assert '"… ' in out and out.rstrip().endswith('…"')
    short = Turn("pod", 8, "CHAIR", "Chair", None, "All done.", 0, 9)
    assert cli.format_passage(Passage(turn=short, score=0.5, rank=2)).endswith('"All done."')
