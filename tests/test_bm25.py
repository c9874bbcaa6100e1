"""Word statistics per transcript (`bm25.py`, `Index.word_stats`, `Ranking.local_stats`): BM25
equal to FTS5's bm25() with one transcript, and a transcript searched on its own ranks and
answers alike whatever else is indexed."""
from __future__ import annotations

from dataclasses import replace

import pytest

from transcript_qa.bm25 import Tokenizer, varint
from transcript_qa.search import Filters, Ranking, Searcher

TID = "state-dept-podcast-trafficking-in-persons"
TERMS = [
    ["trafficking", "victims", "stay", "country"],
    ["U.S.", "government", "cooperate", "non-profits"],
    ["hotline"],
    ["bonded", "labor", "labour"],
    ["Polaris", "Project"],
]


def _lexical(qa, terms, local: bool, allowed=None):
    s = Searcher(qa.index, qa.encoder, replace(Ranking(), local_stats=local))
    return s._lexical(terms, 100, allowed)


def _by_turn(qa, scores):
    table = qa.index.unit_table()
    return {table.info(u)[2:4]: v for u, v in scores.items()}


def test_tokens_are_fts5s_porter_stems():
    tokens = Tokenizer()
    assert tokens("trafficking victims") == ("traffick", "victim")
    assert tokens("U.S.") == ("u", "s")
    assert tokens("?!") == ()


def test_varint_reads_sqlite_varints():
    assert varint(b"\x07") == 7
    assert varint(b"\x81\x00") == 128
    assert varint(b"\x82\x2c") == 300


@pytest.mark.parametrize("terms", TERMS)
def test_with_one_transcript_the_scores_are_fts5s(seed_qa, terms):
    fts5 = _lexical(seed_qa, terms, local=False)
    # search skips the recount with one transcript (`Searcher._local_stats`): ask the scorer
    ours = seed_qa.index.bm25().scores(terms, list(fts5))
    assert fts5, terms
    assert fts5.keys() == ours.keys()
    for u in fts5:
        assert ours[u] == pytest.approx(fts5[u], rel=1e-9)


@pytest.mark.parametrize("terms", TERMS)
def test_a_transcripts_scores_do_not_depend_on_what_else_is_indexed(seed_qa, dev_qa, terms):
    alone = _by_turn(seed_qa, _lexical(seed_qa, terms, local=True))
    allowed = dev_qa._searcher().allowed_units(Filters(transcripts=(TID,)))
    beside = _by_turn(dev_qa, _lexical(dev_qa, terms, local=True, allowed=allowed))
    assert alone.keys() == beside.keys()
    for key in alone:
        assert beside[key] == pytest.approx(alone[key], rel=1e-9)
    # FTS5's own scores do change: the meetings make the podcast's words rarer
    fts5 = _by_turn(dev_qa, _lexical(dev_qa, terms, local=False, allowed=allowed))
    if len(terms) > 1:
        assert any(fts5[k] != pytest.approx(alone[k], rel=1e-6) for k in alone)


# Seed questions whose answer the index-wide statistics changed once the QMSum meetings were
# indexed beside the podcast: the podcast's "trafficking", "victims" and "country" are rare
# among meetings, so turns that repeat them won over the T visa turn in BM25; "labour" and
# "internationally" are words of the meetings, so they were no longer typos ("labor",
# "international") of the podcast.
@pytest.mark.parametrize("question", [
    "Why can trafficking victims stay in the country?",
    "Where are people victimized besides the United States?",
    "How is the United States drawing attention to the problem internationally?",
    "Who is responsible for making trafficking happen, beyond poverty?",
    "Who tends to be targeted by traffickers?",
])
def test_a_transcript_answers_alike_alone_and_beside_meetings(seed_qa, dev_qa, question):
    alone = seed_qa.ask(question)
    beside = dev_qa.ask(question, transcript=TID)
    assert [p.turn.number for p in beside.passages[:3]] == [
        p.turn.number for p in alone.passages[:3]]


def test_an_index_built_before_per_transcript_counts_still_answers(tmp_path, encoder):
    """An index from before stop 22 has no `transcript_vocab`: IDF falls back to the
    index-wide counts until its next build; BM25 is per transcript at once."""
    import sqlite3

    from conftest import SEED, make_qa

    qa = make_qa(tmp_path, [SEED], encoder)
    qa.build_index()
    want = qa.ask("Why can trafficking victims stay in the country?")
    store = qa.index.path / "store.sqlite"
    qa.index.close()
    with sqlite3.connect(store) as db:
        db.execute("DROP TABLE transcript_vocab")
    old = make_qa(tmp_path, [], encoder)
    assert old.index.document_frequency_by_transcript([TID], ["visa"]) is None
    got = old.ask("Why can trafficking victims stay in the country?")
    assert (got.cited.turn.number, got.text) == (want.cited.turn.number, want.text)
