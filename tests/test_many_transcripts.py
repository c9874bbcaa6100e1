"""Many transcripts in one index: filters by transcript, citations name their transcript,
the listing command, and incremental embedding when one transcript is added."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest
from conftest import QMSUM_DEV, SEED
from transcript_qa import cli
from transcript_qa.api import TranscriptQA
from transcript_qa.formats import parse_file
from transcript_qa.passages import build_sentences, build_units


def _dirs(qa) -> list[str]:
    return ["--transcripts", str(qa.cfg.transcripts_dir), "--index", str(qa.cfg.index_dir)]


def test_ask_restricted_to_one_meeting(dev_qa, capsys):
    assert cli.main([*_dirs(dev_qa), "ask", "What did they say about the budget?",
                     "--transcript", "covid_0", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["passages"] and {p["transcript"] for p in d["passages"]} == {"covid_0"}
    if d["answer"]:
        assert d["answer"]["transcript"] == "covid_0"
    # without the filter the same index answers the podcast question from the podcast
    a = dev_qa.ask("How much has the U.S. government spent on anti-trafficking programs?")
    assert a.cited.turn.transcript_id == SEED.stem
    assert a.cited.transcript_title == "Policy Podcast: Trafficking in Persons"


def test_several_transcripts_filter(dev_qa):
    ps = dev_qa.search("remote control design", k=8, transcript=["ES2015b", "IS1009d"])
    assert ps and {p.turn.transcript_id for p in ps} <= {"ES2015b", "IS1009d"}


def test_transcripts_listing(dev_qa, capsys):
    assert cli.main([*_dirs(dev_qa), "transcripts", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) == {SEED.stem, "Bmr018", "ES2015b", "IS1009d", "covid_0", "education_2"}
    assert rows["covid_0"]["turns"] == 316 and rows["ES2015b"]["turns"] == 647
    assert "Project Manager" in rows["ES2015b"]["speakers"]
    assert rows[SEED.stem]["title"] == "Policy Podcast: Trafficking in Persons"


def test_adding_one_transcript_embeds_only_its_texts(dev_qa, tmp_path, encoder):
    shutil.copytree(dev_qa.cfg.transcripts_dir.parent, tmp_path / "w")
    cfg = replace(dev_qa.cfg, transcripts_dir=tmp_path / "w" / "transcripts",
                  index_dir=tmp_path / "w" / "index")
    qa = TranscriptQA(cfg, encoder=encoder)
    assert qa.status().fresh
    new = QMSUM_DEV.parent / "qmsum-train" / "transcripts" / "ES2002a.txt"
    shutil.copy(new, cfg.transcripts_dir / new.name)
    calls = encoder.calls
    report = qa.build_index()
    turns = parse_file(new).turns
    texts = {x.text for x in [*build_units(turns), *build_sentences(turns)]}
    assert report.added == ["ES2002a"] and len(report.unchanged) == 6
    assert report.embedded_texts == len(texts) == encoder.calls - calls
    assert report.embedded_units == len(build_units(turns))
    assert qa.search("remote control", k=3, transcript="ES2002a")


def test_cascade_scores_few_turns_and_keeps_the_ranking(dev_qa):
    """Sentence-level features only for the first stage's best turns (rerank_depth): far
    fewer turns are scored, and the top passages are the ones full scoring finds."""
    from transcript_qa.search import Ranking, Searcher, analyse

    questions = ["What did they say about the remote control buttons?",
                 "What is a T visa for?", "What was said about the transcriber interface?",
                 "How would special schools fit into the new arrangement?"]
    cascade = Searcher(dev_qa.index, dev_qa.encoder, Ranking(rerank_depth=20))
    full = Searcher(dev_qa.index, dev_qa.encoder, Ranking(rerank_depth=0))
    for q in questions:
        qvec = dev_qa.encoder.encode([q])[0]
        query = analyse(q, dev_qa.index, (), full.ranking)
        dense = [int(u) for u in dev_qa.index.dense_search(qvec[None, :], 100)[1][0] if u >= 0]
        lexical = full._lexical(query.lexical_terms, 100, None)
        n_full = len(full.candidates(query, qvec, dense, lexical))
        n_cascade = len(cascade.candidates(query, qvec, dense, lexical))
        assert n_full > 100 and n_cascade <= 2 * 20 + 10, (n_full, n_cascade)
        top_full = [(p.turn.transcript_id, p.turn.number) for p in full.search(q, k=3)]
        top_cascade = [(p.turn.transcript_id, p.turn.number) for p in cascade.search(q, k=3)]
        assert top_cascade[0] == top_full[0], q


PODCAST = "state-dept-podcast-trafficking-in-persons"


def test_transcript_prior_is_zero_for_the_likeliest_transcript(dev_qa):
    """Query likelihood per transcript: the podcast, which keeps saying the question's words,
    gets 0 and every meeting less; with one transcript there is nothing to choose."""
    from transcript_qa.search import Ranking, Searcher, analyse, transcript_prior

    searcher = Searcher(dev_qa.index, dev_qa.encoder, Ranking())
    q = analyse("Which UN bodies attended the conference on trafficking?", dev_qa.index, (),
                Ranking())
    tids = dev_qa.transcript_ids()
    prior = transcript_prior(q, searcher._transcript_df(q, tids), dev_qa.index)
    assert set(prior) == set(tids)
    assert prior[PODCAST] == 0.0
    assert all(v < 0 for t, v in prior.items() if t != PODCAST), prior
    assert transcript_prior(q, searcher._transcript_df(q, [PODCAST]), dev_qa.index) == {}


def test_transcript_prior_keeps_a_near_match_elsewhere_behind(dev_qa):
    """Searched over every transcript, a meeting's "Uh, I had one question about ..." (the
    reply to "What conference?") no longer outranks the podcast's answer about the Vienna
    conference; without the prior it does."""
    from transcript_qa.search import Ranking

    question = "Which UN bodies attended the conference?"
    on = dev_qa.search(question, k=3)
    assert (on[0].turn.transcript_id, on[0].turn.number) == (PODCAST, 32)
    assert "UN Office on Drugs and Crime" in on[0].turn.text
    qa_off = TranscriptQA(dev_qa.cfg, encoder=dev_qa.encoder)
    qa_off.ranking = Ranking(transcript_prior=0.0)
    assert qa_off.search(question, k=1)[0].turn.transcript_id == "Bmr018"
    # A search over two of the transcripts weighs them the same way.
    both = dev_qa.search(question, k=1, transcript=[PODCAST, "Bmr018"])
    assert (both[0].turn.transcript_id, both[0].turn.number) == (PODCAST, 32)
    assert qa_off.search(question, k=1, transcript=[PODCAST, "Bmr018"])[0].turn.transcript_id \
        == "Bmr018"
    # Within one transcript the prior has nothing to weigh: the same turns either way.
    within = [(p.turn.number, round(p.score, 6)) for p in dev_qa.search(question, k=5,
                                                                          transcript=PODCAST)]
    assert within == [(p.turn.number, round(p.score, 6))
                      for p in qa_off.search(question, k=5, transcript=PODCAST)]


def test_transcript_length_is_counted_in_fts5_tokens(dev_qa):
    """The prior weighs a transcript by its tokens, not its units: a radio log of many short
    calls is not a long commentary of a few paragraphs. The count is FTS5's own tokens."""
    from transcript_qa.bm25 import Tokenizer

    tokens = Tokenizer()
    texts = [r[0] for r in dev_qa.index.db.execute(
        "SELECT text FROM units WHERE transcript_id = ?", (PODCAST,))]
    expected = sum(len(tokens(t)) for t in texts)
    assert dev_qa.index.transcript_tokens(PODCAST) == pytest.approx(expected)
    assert expected > 20 * dev_qa.index.units_in(PODCAST)  # tokens, not units
    assert dev_qa.index.transcript_tokens("no-such-transcript") == 0.0


def test_a_short_sentence_counts_less_towards_the_best_sentence_cosine(dev_qa):
    """A turn whose sentences all have fewer than five words ("The manufacturer .") scores 0.1
    below its best cosine; a turn whose sentences all have five or more keeps its own."""
    from transcript_qa.lexicon import WORD
    from transcript_qa.search import Ranking

    question = "What did the team discuss about the product cost?"
    qa_off = TranscriptQA(dev_qa.cfg, encoder=dev_qa.encoder)
    qa_off.ranking = Ranking(short_words=0)
    on = {(p.turn.transcript_id, p.turn.number): p for p in dev_qa.search(question, k=20)}
    off = {(p.turn.transcript_id, p.turn.number): p for p in qa_off.search(question, k=20)}
    short = long = 0
    for key in on.keys() & off.keys():
        text = on[key].turn.text
        counts = [len(WORD.findall(text[a:b])) for *_, a, b, _ in dev_qa.index.sentences([key])]
        got, was = on[key].scores["sent_max"], off[key].scores["sent_max"]
        if counts and max(counts) < 5:
            assert got == pytest.approx(was - 0.1, abs=2e-4), (key, text)
            short += 1
        elif counts and min(counts) >= 5:
            assert got == pytest.approx(was, abs=2e-4), (key, text)
            long += 1
    assert short and long
