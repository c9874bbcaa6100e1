"""Uploads: only plain names inside transcripts/, size-limited, parsed before saving, atomic,
never overwriting without consent; then indexed incrementally (real model, real index)."""
from __future__ import annotations

import html
from pathlib import Path

import pytest

from conftest import SEED, make_qa
from transcript_qa import uploads
from transcript_qa.errors import TranscriptQAError

TOWN_HALL = b"""Town Hall on the Riverside Bridge

MAYOR ALVAREZ: Good evening. Tonight we discuss the Riverside bridge repairs.

COUNCILLOR OKAFOR: The engineers told us the repairs will cost 12 million dollars and take two summers.

MAYOR ALVAREZ: And the ferry will run while the bridge is closed, every twenty minutes.

COUNCILLOR OKAFOR: The ferry fare will be free for residents during the closure.
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "transcripts"
    d.mkdir()
    return d


def listing(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir())


@pytest.mark.parametrize("name", [
    "../evil.txt", "../../etc/cron.d/x.txt", "/etc/passwd.txt", "sub/dir.txt", "..\\evil.txt",
    "C:evil.txt", ".hidden.txt", "..", ".", "", "   ", "nul\x00.txt", "tab\there.txt",
    "a<b>.txt", "quote\".txt", "notes.exe", "noext", "x" * 200 + ".txt",
])
def test_unsafe_or_unsupported_names_are_refused_with_a_reason(folder, name):
    with pytest.raises(TranscriptQAError) as err:
        uploads.save(TOWN_HALL, name, folder, max_mb=1)
    msg = str(err.value)
    assert len(msg) > 25 and "\x00" not in msg  # a sentence, with control characters shown safely
    assert listing(folder) == []
    assert not (folder.parent / "evil.txt").exists()


@pytest.mark.parametrize("name", ["talk.txt", "Réunion du 3 mai (draft).md", "qa-notes.text"])
def test_plain_names_are_accepted(folder, name):
    path = uploads.save(TOWN_HALL, name, folder, max_mb=1)
    assert path.parent == folder.resolve() and path.read_bytes() == TOWN_HALL


def test_suggested_names_are_safe_and_keep_the_readable_part():
    assert uploads.suggest_name("../../etc/town hall.txt") == "town hall.txt"
    assert uploads.suggest_name("C:\\Users\\me\\notes<1>.md") == "notes_1_.md"
    assert uploads.suggest_name("..") == "transcript.txt"
    for original in ["../../x.txt", "/abs/y.md", ".bashrc.txt", "a\x00b.txt"]:
        uploads.check_name(uploads.suggest_name(original))


def test_preview_is_what_gets_indexed_and_writes_nothing(folder):
    p = uploads.preview(TOWN_HALL, "town-hall.txt", folder, max_mb=1)
    assert (p.name, p.transcript_id, p.format) == ("town-hall.txt", "town-hall", "press")
    assert p.title == "Town Hall on the Riverside Bridge"
    assert p.n_turns == 4
    assert p.speakers == [("Mayor Alvarez", 2), ("Councillor Okafor", 2)]
    assert p.turns[1].text.startswith("The engineers told us")
    assert not p.exists and listing(folder) == []


@pytest.mark.parametrize("data, why", [
    (b"", "empty"),
    (b"   \n\n  ", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "PNG image, not a text"),
    (b"\x00\x01binary\x00junk", "binary"),
    (b"\xef\xbb\xbf[]", "without any text to index"),
])
def test_unparseable_files_get_a_clear_message_and_are_not_saved(folder, data, why):
    with pytest.raises(TranscriptQAError, match=why) as err:
        uploads.save(data, "bad.txt", folder, max_mb=1)
    assert "bad.txt" in str(err.value)
    assert listing(folder) == []


def test_size_limit(folder, tmp_path):
    big = TOWN_HALL + b"\n\nMAYOR ALVAREZ: " + b"word " * 220_000  # ~1.1 MB
    with pytest.raises(TranscriptQAError, match="upload limit is 1 MB"):
        uploads.save(big, "big.txt", folder, max_mb=1)
    src = tmp_path / "big.txt"
    src.write_bytes(big)
    with pytest.raises(TranscriptQAError, match="max_upload_mb"):
        uploads.read_upload(src, max_mb=1)  # refused by size before reading
    assert uploads.read_upload(src, max_mb=2) == big
    assert listing(folder) == []


def test_no_overwrite_without_consent_and_atomic_replace(folder):
    uploads.save(TOWN_HALL, "t.txt", folder, max_mb=1)
    changed = TOWN_HALL.replace(b"12 million", b"14 million")
    p = uploads.preview(changed, "t.txt", folder, max_mb=1)
    assert p.exists and not p.identical
    with pytest.raises(TranscriptQAError, match="already exists"):
        uploads.save(changed, "t.txt", folder, max_mb=1)
    assert (folder / "t.txt").read_bytes() == TOWN_HALL
    uploads.save(changed, "t.txt", folder, max_mb=1, overwrite=True)
    assert (folder / "t.txt").read_bytes() == changed
    assert listing(folder) == ["t.txt"]  # no temporary files left behind
    assert oct((folder / "t.txt").stat().st_mode & 0o777) == oct(0o644)
    # The same bytes again: nothing to write, no confirmation needed.
    assert uploads.preview(changed, "t.txt", folder, max_mb=1).identical
    uploads.save(changed, "t.txt", folder, max_mb=1)


def test_bytes_must_match_what_was_previewed(folder):
    p = uploads.preview(TOWN_HALL, "t.txt", folder, max_mb=1)
    other = TOWN_HALL.replace(b"ferry", b"boat")
    with pytest.raises(TranscriptQAError, match="changed since it was previewed"):
        uploads.save(other, "t.txt", folder, max_mb=1, expect_sha256=p.sha256)
    uploads.save(TOWN_HALL, "t.txt", folder, max_mb=1, expect_sha256=p.sha256)


def test_symlinks_are_never_written_through(folder, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious")
    (folder / "link.txt").symlink_to(outside)
    for overwrite in (False, True):
        with pytest.raises(TranscriptQAError, match="symbolic link"):
            uploads.save(TOWN_HALL, "link.txt", folder, max_mb=1, overwrite=overwrite)
    assert outside.read_bytes() == b"precious"
    assert (folder / "link.txt").is_symlink()


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(TranscriptQAError, match="does not exist"):
        uploads.save(TOWN_HALL, "t.txt", tmp_path / "nope", max_mb=1)


def test_uploaded_transcript_is_indexed_incrementally_and_answers(tmp_path, encoder):
    qa = make_qa(tmp_path, [SEED], encoder)
    qa.build_index()
    before = encoder.calls
    p = qa.preview_upload(TOWN_HALL, "town-hall.txt")
    seen: list[tuple[int, int]] = []
    path, report = qa.save_upload(TOWN_HALL, "town-hall.txt", expect_sha256=p.sha256,
                                  progress=lambda d, t, m: seen.append((d, t)))
    assert path == (qa.cfg.transcripts_dir / "town-hall.txt").resolve()
    assert report.added == ["town-hall"] and report.unchanged == [SEED.stem]
    # only the new file's texts (its units and sentences) are embedded
    assert encoder.calls - before == report.embedded_texts and report.embedded_units <= 4
    assert seen and seen[-1][0] == seen[-1][1]
    assert [t.text for t in qa.turns("town-hall")] == [t.text for t in p.turns]
    a = qa.ask("How much will the bridge repairs cost?")
    assert not a.abstained and "12 million" in a.text
    assert a.cited.turn.transcript_id == "town-hall"
    assert a.cited.turn.speaker_name == "Councillor Okafor"


def test_upload_path_never_deserialises_or_executes():
    """Uploaded bytes are only decoded as text: the modules that touch them import no
    deserialiser or process runner and call no eval/exec."""
    import ast

    from transcript_qa import formats

    files = [Path(uploads.__file__), *Path(formats.__file__).parent.glob("*.py")]
    banned_modules = {"pickle", "marshal", "shelve", "dill", "joblib", "torch", "subprocess"}
    banned_builtins = {"eval", "exec", "compile", "__import__"}  # re.compile is fine
    banned_methods = {"system", "popen", "spawn", "execv", "execvp"}
    for f in files:
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {(node.module or "").split(".")[0]}
            else:
                names = set()
            assert not names & banned_modules, (f.name, names)
            if isinstance(node, ast.Call):
                fn = node.func
                if isinstance(fn, ast.Name):
                    assert fn.id not in banned_builtins, (f.name, fn.id)
                elif isinstance(fn, ast.Attribute):
                    assert fn.attr not in banned_methods, (f.name, fn.attr)


# ---------------------------------------------------------------- "Add to transcripts" outcome


def uploaded(tmp_path: Path, data: bytes, name: str = "town-hall.txt") -> str:
    """The temporary file the web server stores for an upload (outside transcripts/)."""
    d = tmp_path / "gradio-upload"
    d.mkdir(exist_ok=True)
    (d / name).write_bytes(data)
    return str(d / name)


@pytest.mark.parametrize("name, why", [
    ("../../escape.txt", "'../../escape.txt' is a path"),
    (".hidden.txt", "starts with a dot"),
    ("notes.exe", "unsupported type '.exe'"),
])
def test_a_refused_name_gets_its_own_reason_when_its_preview_never_succeeded(tmp_path, name, why):
    """Typing a bad name and clicking "Add" at once: the click blurs the name box, whose
    failed preview clears the previewed hash before the click is handled. The outcome is the
    name's own reason, not "Choose a transcript file first.", and nothing is written."""
    from transcript_qa.ui import confirm_upload

    qa = make_qa(tmp_path, [])  # nothing here gets indexed: no model needed
    notice, saved = confirm_upload(qa, uploaded(tmp_path, TOWN_HALL), name, False, None)
    assert why in html.unescape(notice) and "tqa-error" in notice and not saved
    assert "Choose a transcript file" not in notice
    assert listing(qa.cfg.transcripts_dir) == []
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path.parent / "escape.txt").exists()


def test_add_without_a_file_or_without_a_preview_is_refused_with_a_reason(tmp_path):
    from transcript_qa.ui import confirm_upload

    qa = make_qa(tmp_path, [])
    notice, saved = confirm_upload(qa, None, "talk.txt", False, None)
    assert "Choose a transcript file first." in notice and not saved
    # a good name whose preview has not run (or failed for a reason since fixed): preview first
    notice, saved = confirm_upload(qa, uploaded(tmp_path, TOWN_HALL), "talk.txt", False, None)
    assert "Check the preview of talk.txt first" in notice and not saved
    # ... and the preview's own reason when it still fails
    notice, saved = confirm_upload(qa, uploaded(tmp_path, b"", "empty.txt"), "empty.txt",
                                   False, None)
    assert "empty" in notice and "Check the preview" not in notice and not saved
    assert listing(qa.cfg.transcripts_dir) == []


def test_the_outcome_says_added_then_replaced_then_unchanged(tmp_path, encoder):
    """Replacing a file with "Replace" ticked says "Replaced", not "Added"."""
    from transcript_qa.ui import confirm_upload

    qa = make_qa(tmp_path, [], encoder)
    path = uploaded(tmp_path, TOWN_HALL)
    sha = qa.preview_upload(TOWN_HALL, "town-hall.txt").sha256
    notice, saved = confirm_upload(qa, path, "town-hall.txt", False, sha)
    assert saved and "tqa-ok" in notice
    assert "Added town-hall.txt (4 turns) to the transcripts folder" in notice

    changed = TOWN_HALL.replace(b"12 million", b"14 million")
    path = uploaded(tmp_path, changed)
    p = qa.preview_upload(changed, "town-hall.txt")
    assert p.exists and not p.identical
    notice, saved = confirm_upload(qa, path, "town-hall.txt", False, p.sha256)  # not ticked
    assert "already exists" in notice and not saved
    notice, saved = confirm_upload(qa, path, "town-hall.txt", True, p.sha256)
    assert saved and "Replaced town-hall.txt in the transcripts folder (4 turns)" in notice
    assert "Added" not in notice
    assert (qa.cfg.transcripts_dir / "town-hall.txt").read_bytes() == changed
    assert "14 million" in qa.turns("town-hall")[1].text  # re-indexed

    notice, saved = confirm_upload(qa, path, "town-hall.txt", True, p.sha256)
    assert "nothing changed" in notice and "Replaced" not in notice and "Added" not in notice


def test_the_python_api_takes_a_files_text_as_well_as_its_bytes(tmp_path):
    qa = make_qa(tmp_path, [])
    text = TOWN_HALL.decode("utf-8")
    assert qa.preview_upload(text, "talk.txt").sha256 == qa.preview_upload(TOWN_HALL,
                                                                           "talk.txt").sha256
    with pytest.raises(TranscriptQAError, match="not a list"):
        qa.preview_upload([TOWN_HALL], "talk.txt")
    assert listing(qa.cfg.transcripts_dir) == []
