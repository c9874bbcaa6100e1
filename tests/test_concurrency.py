"""Queries keep being served during a rebuild and switch atomically; two processes building at
once serialise on a lock and leave a valid index."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from conftest import QMSUM_DEV, SEED, make_qa
from transcript_qa import index as index_mod

EXE = Path(sys.executable).with_name("transcript-qa")
Q = "How much has the U.S. government spent on anti-trafficking programs?"


def test_queries_are_served_while_rebuilding(tmp_path, encoder):
    qa = make_qa(tmp_path, [SEED, QMSUM_DEV / "transcripts" / "education_2.txt"], encoder)
    qa.build_index()
    old_version = qa.index.version
    errors: list[BaseException] = []
    answers: list[tuple[str, int]] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            try:
                a = qa.ask(Q, transcript=SEED.stem)
                answers.append((qa.index.version, a.cited.turn.number))
            except BaseException as exc:  # noqa: BLE001 - any failure is the test's finding
                errors.append(exc)
            stop.wait(0.05)  # steady traffic, leaving the build some CPU

    threads = [threading.Thread(target=keep_asking) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        report = qa.build_index(force=True)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    assert not errors, errors[:3]
    assert report.version != old_version and qa.index.version == report.version
    assert len(answers) >= 2 and {turn for _, turn in answers} == {10}
    # every answer came from one complete version or the other, never a mix or a gap
    assert {v for v, _ in answers} <= {old_version, report.version}


def test_two_processes_building_at_once(tmp_path, encoder):
    qa = make_qa(tmp_path, [SEED], encoder)
    args = [str(EXE), "--transcripts", str(qa.cfg.transcripts_dir), "--index",
            str(qa.cfg.index_dir), "index", "--force"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    live = index_mod.load(qa.cfg)  # validates counts and ids
    assert sorted(live.titles) == [SEED.stem]
    names = [p.name for p in qa.cfg.index_dir.iterdir()]
    assert not [n for n in names if n.startswith(".tmp-")]
    assert len([n for n in names if n.startswith("v-")]) <= 2
