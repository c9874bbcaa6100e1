"""`transcript-qa eval` reads both label formats, scores ranks and answers correctly, and
indexes a QMSum question set's own transcripts when they are not indexed."""
from __future__ import annotations

import json
import shutil

from conftest import DATA, QMSUM_DEV
from transcript_qa import cli, evaluate
from transcript_qa.model import Answer, Passage, Turn


def _turn(n: int, text: str, tid: str = "m") -> Turn:
    return Turn(tid, n, "A", "A", None, text, 0, len(text))


def test_seed_format_is_read():
    items = evaluate.load_items(DATA / "seed-dev-questions.jsonl")
    assert len(items) == 15
    assert sum(not i.answerable for i in items) == 2
    assert {i.kind for i in items} == {"paraphrase", "typo", "keyword", "unanswerable"}


def test_qmsum_gold_turns_are_shifted_to_1_based_numbers():
    items = evaluate.load_items(QMSUM_DEV / "queries.jsonl")
    assert len(items) == 59
    raw = json.loads((QMSUM_DEV / "queries.jsonl").read_text().splitlines()[0])
    assert items[0].transcript == raw["meeting"].removesuffix(".txt")
    assert items[0].gold_turns == {i + 1 for i in raw["gold_turns"]}


def test_ranks_answers_and_abstentions_are_scored():
    item = evaluate.EvalItem("x", "q?", "k", transcript="m", gold_turns={3})
    ps = [Passage(_turn(n, f"turn {n}."), 1.0, rank=r) for r, n in enumerate([7, 3, 9], 1)]
    r = evaluate.score_item(item, Answer("q?", ps, cited=ps[0], text="turn 7."))
    assert r.rank == 2 and not r.answer_in_gold
    seed = evaluate.EvalItem("y", "q?", "k", gold_snippets=["Forced  labor"],
                             answers=["forced labor"])
    p = Passage(_turn(1, "It is forced labor, mostly."), 1.0, rank=1)
    r = evaluate.score_item(seed, Answer("q?", [p], cited=p, text="It is forced labor"))
    assert r.rank == 1 and r.answer_correct and r.answer_in_gold
    none = evaluate.EvalItem("z", "q?", "unanswerable")
    m = evaluate.metrics([r, evaluate.score_item(none, Answer("q?", [p], abstained=True))])
    assert m["R@1"] == 1.0 and m["MRR@10"] == 1.0 and m["abstain_unanswerable"] == 1.0
    assert m["false_abstain"] == 0.0 and m["answer_acc"] == 1.0
    assert m["lacks_answerable"] == 0.0 and m["lacks_unanswerable"] is None


def test_answers_said_to_lack_what_was_asked_are_counted():
    p = Passage(_turn(1, "It will cover many countries."), 1.0, rank=1)
    asked = evaluate.EvalItem("a", "How many?", "k", gold_snippets=["many"], answers=["many"])
    off = evaluate.EvalItem("u", "How many?", "unanswerable")
    flagged = Answer("How many?", [p], cited=p, text="It will cover many countries.",
                     lacks="number")
    results = [evaluate.score_item(asked, flagged), evaluate.score_item(off, flagged),
               evaluate.score_item(off, Answer("How many?", [p], abstained=True, lacks="x"))]
    m = evaluate.metrics(results)
    assert results[0].to_dict()["lacks"] == "number" and results[2].lacks is None
    assert m["lacks_answerable"] == 1.0 and m["lacks_unanswerable"] == 1.0  # of those answered
    assert m["lacks_correct"] == 1
    text = evaluate.format_report(evaluate.report(results))
    assert ("told to lack what was asked (a number, a date...): 1 of 1 given to unanswerable "
            "questions, 1 of 1 to answerable ones (1 of them correct)") in text


def test_eval_command_indexes_the_question_sets_transcripts(tmp_path, monkeypatch, capsys):
    qdir = tmp_path / "set"
    (qdir / "transcripts").mkdir(parents=True)
    shutil.copy(QMSUM_DEV / "transcripts" / "education_2.txt", qdir / "transcripts")
    lines = [l for l in (QMSUM_DEV / "queries.jsonl").read_text().splitlines()
             if '"education_2.txt"' in l][:3]
    (qdir / "queries.jsonl").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("TQA_CACHE", str(tmp_path / "cache"))
    empty = tmp_path / "empty"
    empty.mkdir()
    rc = cli.main(["--transcripts", str(empty), "--index", str(tmp_path / "idx"),
                   "eval", str(qdir / "queries.jsonl"), "--json"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    rep = json.loads(out.out)
    assert rep["overall"]["n"] == 3 and rep["overall"]["answerable"] == 3
    assert set(rep["per_kind"]) == {"committee"}
    assert {"R@1", "R@5", "MRR@10", "false_abstain"} <= set(rep["overall"])
    assert "embed" in rep["timings"] and len(rep["items"]) == 3
    assert any((tmp_path / "cache").iterdir())  # indexed into the cache, not the given index


def test_a_passage_of_several_turns_is_relevant_when_any_of_them_is():
    """A passage that shows one speaker's run of turns (`Passage.turns`) holds what each of
    them says: a gold turn or snippet in any of them is a hit."""
    run = [_turn(4, "The border is the key thing."), _turn(5, "It's the coercion.")]
    p = Passage(run[0], 1.0, rank=1, turns=run)
    alone = Passage(run[0], 1.0, rank=1)
    turns = evaluate.EvalItem("x", "q?", "k", transcript="m", gold_turns={5})
    snippet = evaluate.EvalItem("y", "q?", "k", gold_snippets=["it's the coercion"])
    for item in (turns, snippet):
        assert evaluate.relevant(item, p) and not evaluate.relevant(item, alone)
    other = evaluate.EvalItem("z", "q?", "k", transcript="elsewhere", gold_turns={5})
    assert not evaluate.relevant(other, p)
    # answer-in-gold asks of the cited turn itself: the answer is a slice of it
    r = evaluate.score_item(turns, Answer("q?", [p], cited=p, text="The border"))
    assert r.rank == 1 and not r.answer_in_gold

