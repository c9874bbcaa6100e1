"""Ranking behaviour on the bundled podcast with the real model and index: exact keywords
survive fusion, typos are corrected, named speakers are boosted, and an interviewer's
restated question does not outrank its answer."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import QMSUM_DEV, SEED, make_qa
from transcript_qa.lexicon import corrections, keywords
from transcript_qa.search import Ranking, Searcher


def top(qa, question: str, **kw):
    return qa.search(question, k=5, **kw)


@pytest.mark.parametrize("question,needle", [
    ("$530 million", "$530 million"),
    ("T visa", "T visa"),
    ("Polaris", "Polaris"),
])
def test_exact_keyword_hit_ranks_first(seed_qa, question, needle):
    assert needle in top(seed_qa, question)[0].turn.text


def test_keyword_hit_survives_when_dense_alone_misses(seed_qa):
    """The lexical list alone ranks the 'Vienna' turn first; fusion must keep it first even
    though the embedding of a one-word query is weak."""
    searcher = Searcher(seed_qa.index, seed_qa.encoder, Ranking(mode="lexical", rescore="none"))
    assert "Vienna" in searcher.search("Vienna", k=1)[0].turn.text
    assert "Vienna" in top(seed_qa, "Vienna")[0].turn.text


def test_misspelt_words_are_corrected_against_the_index_vocabulary(seed_qa):
    idx = seed_qa.index
    fixes = corrections(["goverment", "bondad", "labour", "trafficking"],
                        idx.document_frequency, idx.vocabulary)
    assert "government" in fixes["goverment"]
    assert "bonded" in fixes["bondad"]
    assert "labor" in fixes["labour"]
    assert "trafficking" not in fixes  # known words are left alone


def test_two_swapped_letters_are_one_typo(seed_qa):
    """"reprot" is two substitutions from "report" but one swap: it is corrected, and the
    question it spoils is answered."""
    idx = seed_qa.index
    assert corrections(["reprot"], idx.document_frequency, idx.vocabulary)["reprot"] == ["report"]
    a = seed_qa.ask("when does the reprot come out")
    assert not a.abstained and "June" in a.text


def test_typo_question_finds_the_right_turn(seed_qa):
    assert "bonded labor" in top(seed_qa, "what is bondad labour")[0].turn.text
    # the correction is what puts it first: without it the turn ranks lower (5th when measured)
    no_typos = Searcher(seed_qa.index, seed_qa.encoder, Ranking(typos=False))
    ranked = no_typos.search("what is bondad labour", k=10)
    assert not any("bonded labor" in p.turn.text for p in ranked[:1])


def test_the_encoder_reads_the_question_with_its_typos_corrected(seed_qa):
    from transcript_qa.search import analyse, fixed_text

    q = analyse("how much mony did the goverment spend", seed_qa.index, (), Ranking())
    # "spend" is unknown to the index ("spent" is there) but the model knows it whole
    assert q.fixes["spend"] == ["spent"]
    assert fixed_text(q, seed_qa.encoder) == "how much mony did the government spend"


@pytest.mark.parametrize("question, respelt", [
    ("wich region has both kinds", "which region has both kinds"),
    ("Whta share of the victims are women", "What share of the victims are women"),
    ("WICH REGION", "WHICH REGION"),
    ("how mnay countries", "how many countries"),
    ("hw mcuh money", "how much money"),
    ("hwo many countries", "hwo many countries"),  # a swap of both "how" and "who": left
    ("whn will it come out", "whn will it come out"),  # "when" and "who": left
    ("now many countries", "now many countries"),  # the transcript says "now": no typo
    ("so wich region", "so wich region"),  # only where a question word stands
    # words, not typos: a stopword, a framing word, words and names the model knows whole
    ("Were women the majority of victims?", "Were women the majority of victims?"),
    ("Show me where forced labor is discussed", "Show me where forced labor is discussed"),
    ("Hot spots of trafficking", "Hot spots of trafficking"),
    ("Then what happened?", "Then what happened?"),
    ("Chen on tariffs", "Chen on tariffs"),
    ("How Mary voted", "How Mary voted"),
])
def test_a_misspelt_question_word_is_respelt(seed_qa, question, respelt):
    from transcript_qa.lexicon import respell_asking

    whole = lambda w: seed_qa.encoder.word_pieces(w) == 1  # noqa: E731
    assert respell_asking(question, seed_qa.index.document_frequency, whole) == respelt


@pytest.mark.parametrize("question, expected", [
    ("whta share of the victims are women", "80 percent"),
    ("hw many people are trafficked across borders", "800,000"),
])
def test_a_question_with_a_misspelt_question_word_asks_for_its_kind(seed_qa, question,
                                                                     expected):
    """Respelt, "whta share" asks for a percentage and "hw many" for a number, so the answer
    is the sentence holding one; read as unknown words, the question had no kind and was
    answered by "a lot of women and children" and the border sentence (measured)."""
    a = seed_qa.ask(question)
    assert not a.abstained and expected in a.text


def test_a_word_the_model_knows_is_not_rewritten_for_the_encoder(seed_qa):
    """The index lacks "share", and "shark" is one edit away: BM25 may try it, the encoder
    must not read "What shark of ..."."""
    from transcript_qa.search import analyse, fixed_text

    q = analyse("What share of cross-border victims are women?", seed_qa.index, (), Ranking())
    assert q.fixes.get("share") == ["shark"]
    assert fixed_text(q, seed_qa.encoder) == q.text
    a = seed_qa.ask(q.text)
    assert "80 percent" in a.cited.turn.text


def test_a_real_word_is_corrected_only_to_a_spelling_that_means_the_same(seed_qa):
    """With the encoder, "labour" may still become "labor", but "change" is not a typo of
    "chance" ("offered a chance to move") nor "share" of "shark"."""
    from transcript_qa.search import analyse

    idx, enc = seed_qa.index, seed_qa.encoder
    q = analyse("labour change share", idx, (), Ranking())
    assert q.fixes == {"labour": ["labor"], "change": ["chance"], "share": ["shark"]}
    q = analyse("labour change share", idx, (), Ranking(), enc)
    assert q.fixes == {"labour": ["labor"]}
    assert "chance" not in q.lexical_terms and "labor" in q.lexical_terms
    # a misspelling the model splits into pieces keeps its correction
    assert analyse("goverment", idx, (), Ranking(), enc).fixes == {"goverment": ["government"]}


def test_a_misspelt_question_is_answered_not_refused(seed_qa):
    """Word pieces of "trafficing" pull the question's vector away from every passage."""
    from transcript_qa.answer import abstains

    question = "wich regon has both kinds of trafficing"
    a = seed_qa.ask(question)
    assert not a.abstained and "East Asia" in a.text
    raw = Searcher(seed_qa.index, seed_qa.encoder, Ranking(encode_fixed=False))
    assert abstains(raw.search(question, k=5))


def test_a_bare_keyword_is_found_where_it_is_said_even_in_a_question(seed_qa):
    """Only McCormack says "sweatshops" (a question, turn 19): a keyword search wants that
    turn, not the answer after it, which the hand-off puts first for a real question."""
    ps = top(seed_qa, "sweatshops")
    assert "sweatshops" in ps[0].turn.text and ps[0].turn.speaker == "MR. MCCORMACK"
    asked = top(seed_qa, "Is forced labor just people sold into working in sweatshops?")
    assert asked[0].turn.speaker == "AMBASSADOR LAGON"


@pytest.mark.parametrize("text, bare", [
    ("sweatshops", True), ("T visa", True), ("attorney general", True),
    ("what is bondad labour", False), ("How much money?", False),
    ("labour trafficking in India today", False), ("Summarize the discussion", False),
])
def test_keyword_searches_are_told_from_questions(text, bare):
    from transcript_qa.lexicon import is_keyword_search

    assert is_keyword_search(text) is bare


def test_restated_interviewer_question_does_not_outrank_its_answer(seed_qa):
    """Turn 37 (McCormack) asks almost exactly this; turn 38 (Lagon) answers it."""
    ps = top(seed_qa, "What can the average person do to participate in the fight against "
                      "trafficking in persons?")
    numbers = [p.turn.number for p in ps]
    assert numbers[0] != 37 and ps[0].turn.speaker == "AMBASSADOR LAGON"
    assert 38 in numbers and (37 not in numbers or numbers.index(38) < numbers.index(37))


@pytest.mark.parametrize("question", [
    "Who do large criminal organizations work with?",
    # a paraphrase: two of the cut sentence's words are said otherwise
    "Who do the big criminal networks tend to team up with?",
])
def test_a_cut_off_sentence_that_restates_the_question_is_answered_where_it_goes_on(
        seed_qa, question):
    """"There are some larger criminal organizations --" breaks off; the speaker's next turn
    completes it: "-- and they tend to work in concert with some corrupt officials ..."."""
    a = seed_qa.ask(question)
    assert a.cited.turn.text.startswith("--") and a.text.startswith("-- and they tend to work")
    assert "corrupt officials" in a.text
    assert a.text == a.cited.turn.text[a.span_start:a.span_end]
    behind, cited = a.cited.run  # one utterance, one passage: the cut-off turn, then the rest
    assert cited == a.cited.turn and behind.number == cited.number - 1
    assert behind.text.rstrip().endswith("--")
    # turn by turn (with utterance passages an echo of the question gives way too)
    cut = Searcher(seed_qa.index, seed_qa.encoder,
                   Ranking(cut_handoff=False, utterances=False)).search(question)
    assert cut[0].turn.number == behind.number


def test_a_cut_off_turn_is_kept_behind_its_completion_only_after_a_hand_off(seed_qa):
    """Turn 39 ("-- these can be signs. The Department of Health and Human Services runs ...")
    completes turn 38's "... if they seem to not know where they are --" but answers this on
    its own: turn 38 is then just a neighbour, listed after the other places."""
    ps = top(seed_qa, "What department runs the hotline?")
    assert ps[0].turn.text.startswith("--") and "completes" not in ps[0].scores
    assert ps[1].turn.number != ps[0].turn.number - 1


def test_a_turn_that_breaks_off_is_followed_by_the_turn_that_goes_on_with_it(seed_qa):
    """Turn 39 ends "... some young Brown students --" and turn 40, "-- and they run the
    resource center, 24 hours, ...", goes on with it. Both are about the resource center;
    the place rule (`diversity`) must not move the rest of the utterance below every other
    place. (Without the cut-off rules, which may put the better fragment first.)"""
    ps = Searcher(seed_qa.index, seed_qa.encoder,
                  Ranking(cut_handoff=False, utterances=False)).search(
        "Is the resource center open around the clock?", k=5)
    first, second = ps[0].turn, ps[1].turn
    assert first.text.rstrip().endswith("--") and "resource center" in first.text
    assert second.number == first.number + 1 and second.text.startswith("--")


def test_the_fragment_of_an_utterance_that_answers_is_cited(seed_qa):
    """Of the two fragments of one utterance ("... runs a wonderful national resource center
    with a hotline. ... Brown students --" / "-- and they run the resource center, 24 hours,
    ..."), the one whose sentence answers is cited; the passage shows the other before it.
    Turn by turn (no utterance passages), the other is listed right behind it."""
    q = "Is the resource center open around the clock?"
    a = seed_qa.ask(q)
    assert not a.abstained and "24 hours" in a.text
    assert a.cited.turn.text.startswith("--")
    before = [t for t in a.cited.run if t.number == a.cited.turn.number - 1]
    assert before and before[0].text.rstrip().endswith("--")
    ps = Searcher(seed_qa.index, seed_qa.encoder, Ranking(utterances=False)).search(q, k=5)
    assert ps[0].turn == a.cited.turn and ps[1].turn == before[0]


def test_one_speakers_short_run_of_turns_is_one_passage(seed_qa):
    """The page cuts Lagon's answer into "... makes you think that it's the crossing of a
    border, that's the key thing." (turn 4) and "It's the coercion. It's the control. It's
    slavery." (turn 5). One passage shows both, in order; no turn is listed twice. Read
    apart, turn 5 ranks nowhere near the top."""
    q = "Is moving someone across a border the defining feature of trafficking?"
    ps = seed_qa.search(q, k=10)
    assert [t.number for t in ps[0].run] == [4, 5] and ps[0].turn.number in (4, 5)
    assert ps[0].run[1].text.startswith("It's the coercion")
    shown = [(t.transcript_id, t.number) for p in ps for t in p.run]
    assert len(shown) == len(set(shown))
    assert any(len(p.run) == 3 for p in seed_qa.search("hotline", k=5))  # turns 38-40
    apart = Searcher(seed_qa.index, seed_qa.encoder, Ranking(utterances=False)).search(q, k=10)
    assert all(p.run == [p.turn] for p in apart)
    assert 5 not in [p.turn.number for p in apart[:3]]


def test_a_run_is_the_same_passage_whichever_of_its_turns_a_question_finds(tmp_path, encoder):
    """A run of up to UTTERANCE_MAX_TURNS turns is grouped the same from each of its turns; a
    longer one (11 short turns here, well under the word limit) stays turn by turn from each,
    so no turn is ever shown in two passages."""
    from transcript_qa.search import UTTERANCE_MAX_TURNS

    lines = ["HOST: Welcome to the show.", "GUEST: Thanks for having me."]
    lines += [f"GUEST: Point {i} is about harbour seals." for i in range(3)]
    lines += ["HOST: Go on then, tell us more."]
    lines += [f"GUEST: Detail {i} concerns the tides." for i in range(UTTERANCE_MAX_TURNS + 3)]
    lines += ["HOST: Thank you."]
    src = tmp_path / "show.txt"
    src.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    qa = make_qa(tmp_path / "qa", [src], encoder)
    qa.build_index()
    s = Searcher(qa.index, qa.encoder)
    turns = qa.turns("show")
    short = [t for t in turns if "Point" in t.text or t.text.startswith("Thanks")]
    long = [t for t in turns if "Detail" in t.text]
    assert len({t.utterance for t in short}) == 1 and len({t.utterance for t in long}) == 1
    for t in short:
        assert s._utterance_of(t) == short
    for t in long:
        assert s._utterance_of(t) == [t]
    ps = s.search("What did the guest say about the tides and harbour seals?", k=20)
    shown = [(x.transcript_id, x.number) for p in ps for x in p.run]
    assert len(shown) == len(set(shown)) and any(len(p.run) == 4 for p in ps)


def test_a_run_goes_on_across_another_speakers_nod(tmp_path, encoder):
    """A briefing (monkeypox, 2022) has "MS. O’CONNELL: It just — we got the latest numbers in
    from the SNS." / "MR. FENTON: Oh, good." / "MS. O’CONNELL: So 441,000, as you said, ...":
    one passage, the nod shown by its speaker's name (there, turn by turn, the figure waited
    behind the place rule and ranked below 5th). With `backchannels=False` each turn stands
    alone. A question or a longer reply is no nod."""
    import json

    from transcript_qa.cli import format_passage
    from transcript_qa.render import answer_html

    lines = ["MR. FENTON: Next question goes to the vaccine supply in the national stockpile.",
             "MS. O’CONNELL: Hey, Bob, can I track real quick?", "MR. FENTON: Yep. Yep.",
             "MS. O’CONNELL: It just — we got the latest numbers in from the SNS.",
             "MR. FENTON: Oh, good.",
             "MS. O’CONNELL: So 441,000 vials, as you said, in the SNS, hot off the presses.",
             "MR. FENTON: Yeah, I appreciate that, Dawn. Things are moving each day.",
             "DR. WALENSKY: Cases are rising in several states this month.",
             "MR. FENTON: Really?", "DR. WALENSKY: Yes, in nine states, mostly in cities."]
    src = tmp_path / "briefing.txt"
    src.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    qa = make_qa(tmp_path / "qa", [src], encoder)
    qa.build_index()
    turns = {t.number: t for t in qa.turns("briefing")}
    s = Searcher(qa.index, qa.encoder)
    assert [t.number for t in s._utterance_of(turns[4])] == [2, 3, 4, 5, 6]
    assert s._utterance_of(turns[6]) == s._utterance_of(turns[2])
    assert s._utterance_of(turns[8]) == [turns[8]]  # Fenton's "Really?" asks: no nod
    assert s._utterance_of(turns[7]) == [turns[7]]  # Fenton's "Yeah, I appreciate ..." is a turn
    a = qa.ask("How many vials are in the stockpile?")
    assert "441,000" in a.text and [t.number for t in a.cited.run] == [2, 3, 4, 5, 6]
    assert a.cited.turn.speaker == "MS. O’CONNELL"
    row = json.loads(json.dumps(a.passages[0].to_dict()))
    assert [(x["turn"], x["speaker"]) for x in row["turns"]][2:4] == [(4, "MS. O’CONNELL"),
                                                                   (5, "MR. FENTON")]
    assert "[Mr. Fenton:] Oh, good." in format_passage(a.passages[0], set())
    assert '<span class="tqa-nod-who">Mr. Fenton:</span> Oh, good.' in answer_html(a)
    apart = Searcher(qa.index, qa.encoder, Ranking(backchannels=False))
    assert apart._utterance_of(turns[4]) == [turns[4]]


def test_a_span_that_only_echoes_the_question_gives_way_to_the_rest_of_the_utterance(seed_qa):
    """Lagon's turns 15-18 are one utterance; turn 17 is just "Sex trafficking and forced labor
    of migrants.", every word of it in the question. The answer is the sentence before it, in
    turn 16, that says something more."""
    a = seed_qa.ask("Which part of the world sees both sex trafficking and forced migrant "
                    "labor in large amounts?")
    assert not a.abstained and "East Asia" in a.text
    assert a.text == a.cited.turn.text[a.span_start:a.span_end]
    assert [t.number for t in a.cited.run] == [15, 16, 17, 18] and a.cited.turn.number == 16


def test_a_span_about_what_the_question_sets_aside_gives_way_to_the_rest_of_the_utterance(
        seed_qa):
    """Turns 27-28 are one utterance: "And sometimes that person is caught in forced
    prostitution." / "Sometimes that person is a construction worker ...". Asked for work
    other than forced prostitution (even misspelt), the answer is the second; with the
    exclusion handling off (`Ranking(exclusions=False)`) the first turn, which holds the
    question's words, is cited. A span that holds what is set aside and much else stays:
    "two things: sex trafficking and forced labor, often forced labor for migrants"."""
    for q in ("Apart from forced prostitution, what work are trafficked people made to do?",
              "Other than forced prostituion, what jobs do victims end up in?"):
        a = seed_qa.ask(q)
        assert not a.abstained and "construction worker" in a.text, q
        assert [t.number for t in a.cited.run] == [27, 28] and a.cited.turn.number == 28
    plain = Searcher(seed_qa.index, seed_qa.encoder, Ranking(exclusions=False)).search(q, k=3)
    p = plain[0]
    assert "forced prostitution" in p.turn.text[p.span_start:p.span_end]
    a = seed_qa.ask("Apart from sex trafficking, what other form does trafficking take?")
    assert "forced labor" in a.text and [t.number for t in a.cited.run] == [4, 5]


def test_a_cut_off_sentence_with_news_of_its_own_is_the_answer(seed_qa):
    """"The Polaris Project, which was started a few years ago by some young Brown students --"
    answers this though the next turn goes on with it."""
    a = seed_qa.ask("Who founded the Polaris Project?")
    assert "Brown students" in a.text and a.cited.turn.text.rstrip().endswith("--")


def test_named_speaker_is_boosted(seed_qa):
    """Naming McCormack moves his own turn about forced labour to the top."""
    plain = top(seed_qa, "What was said about forced labor in sweatshops?")
    named = top(seed_qa, "What did McCormack say about forced labor in sweatshops?")
    assert named[0].turn.speaker == "MR. MCCORMACK"
    assert named[0].scores["speaker_named"] == 1.0
    assert all(p.scores["speaker_named"] == 0.0 for p in plain)


def test_a_word_pair_finds_its_joined_form(tmp_path, encoder):
    """"lift off" is "Liftoff" in the launch commentary: BM25 looks for the joined word the
    index has, so the liftoff call is found (and not without the join)."""
    from dataclasses import replace

    from transcript_qa.lexicon import joined_forms

    index_df = {"liftoff": 2, "handbook": 1, "setup": 3}
    df = lambda ws: {w: index_df[w] for w in ws if w in index_df}  # noqa: E731
    assert joined_forms("When did the rocket lift-off?", df) == {"lift": ["liftoff"]}
    assert joined_forms("What does the hand book say?", df) == {"hand": ["handbook"]}
    assert joined_forms("How was it set up?", df) == {}  # "setup": too short to trust
    assert joined_forms("What did they go on about?", df) == {}
    mr3 = Path(__file__).resolve().parents[1] / "bench" / "mr3" / "transcripts"
    qa = make_qa(tmp_path, sorted(mr3.glob("*.txt")), encoder)
    qa.build_index()
    question = "What time did the spacecraft lift off?"
    assert "Liftoff at 34 minutes" in qa.search(question, k=1)[0].turn.text
    qa.ranking = replace(Ranking(), joins=False)
    assert "Liftoff" not in qa.search(question, k=1)[0].turn.text


def test_a_named_speakers_turns_survive_a_crowded_first_stage(tmp_path, encoder):
    """Beside a launch commentary full of short "Pilot reports..." turns (and a press
    briefing), BM25 and the cascade's first cut favour those; Lagon's turn on the annual
    report is still ranked with his name's boost, and first."""
    bench = Path(__file__).resolve().parents[1] / "bench"
    others = sorted((bench / "mr3" / "transcripts").glob("*.txt")) + sorted(
        (bench / "briefing" / "transcripts").glob("*.md"))
    assert len(others) == 2
    qa = make_qa(tmp_path, [SEED, *others], encoder)
    qa.build_index()
    ps = qa.search("What did Lagon say about the report?", k=3)
    assert ps[0].turn.speaker == "AMBASSADOR LAGON" and "annual report" in ps[0].turn.text


def test_a_misspelt_speaker_is_found_respelt(seed_qa):
    """"ambasador" is corrected to "ambassador", which names Lagon's office: his turns are
    boosted, and the word is not searched for in McCormack's "Ambassador Lagon, thanks"."""
    from transcript_qa.search import analyse

    q = analyse("what did the ambasador say about mexico", seed_qa.index, (), Ranking())
    assert q.speakers == {"AMBASSADOR LAGON"} and "ambassador" not in q.lexical_terms
    a = seed_qa.ask("what did the ambasador say about mexico")
    assert a.cited.turn.speaker == "AMBASSADOR LAGON" and "Mexico" in a.text


def test_role_names_are_speakers_in_meetings(tmp_path, encoder):
    qa = make_qa(tmp_path, [QMSUM_DEV / "transcripts" / "IS1009d.txt"], encoder)
    qa.build_index()
    ps = qa.search("What did Marketing suggest during the feedback for the prototype?", k=5)
    assert any(p.turn.speaker == "Marketing" and p.scores["speaker_named"] == 1.0 for p in ps)


def test_speaker_filter_restricts(seed_qa):
    ps = seed_qa.search("trafficking", k=10, speaker="McCormack")
    assert ps and all(p.turn.speaker_name == "Sean McCormack" for p in ps)


def test_question_framing_words_are_not_keywords():
    assert keywords("Summarize the discussion about the remote control") == ["remote", "control"]


def test_words_in_many_units_are_left_out_of_bm25_unless_nothing_is_left(seed_qa, monkeypatch):
    """Large indexes: a word in more than `common_df` of the units (and over COMMON_MIN of
    them) is not sent to FTS5 (it barely moves BM25 and costs a long posting list)."""
    from transcript_qa import search as search_mod
    from transcript_qa.search import analyse

    idx = seed_qa.index
    monkeypatch.setattr(search_mod, "COMMON_MIN", 3)  # the seed is small: scale the floor down
    df = idx.document_frequency(["trafficking", "hotline"])
    assert df["trafficking"] > 3 >= df["hotline"] >= 1
    q = analyse("trafficking hotline", idx, (), Ranking(common_df=0.01))
    assert "hotline" in q.lexical_terms and "trafficking" not in q.lexical_terms
    assert "trafficking" in analyse("trafficking", idx, (), Ranking(common_df=0.01)).lexical_terms
    assert "trafficking" in analyse("trafficking hotline", idx, (), Ranking(common_df=0.0)).lexical_terms


@pytest.mark.parametrize("question", [
    "What happens in Mexico?", "What about forced labor?", "What is the T visa?",
])
def test_the_top_passages_come_from_different_places(seed_qa, question):
    """Neighbouring turns of one exchange wait until every other place is listed (except the
    question turn just before its answer, and the rest of a sentence broken off by "--");
    nothing is dropped, only reordered."""
    from transcript_qa.search import _answers, _continues

    radius = Ranking().diversity
    # every candidate (k=500), without the keyword slot: only diversity reorders
    plain = Searcher(seed_qa.index, seed_qa.encoder,
                     Ranking(diversity=0, keyword_slot=False, utterances=False)).search(
        question, k=500)
    ranked = Searcher(seed_qa.index, seed_qa.encoder,
                      Ranking(keyword_slot=False, utterances=False)).search(question, k=500)
    assert [p.turn.number for p in ranked] != [p.turn.number for p in plain]
    assert sorted(p.turn.number for p in ranked) == sorted(p.turn.number for p in plain)
    assert ranked[0].turn.number == plain[0].turn.number

    def apart(a, b) -> bool:
        return max(a.start_char - b.end_char, b.start_char - a.end_char) > radius

    top5 = [p.turn for p in ranked[:5]]
    for i, t in enumerate(top5):
        near = [e for e in top5[:i] if not apart(t, e)]
        # a turn beside an earlier one is that one's question or the rest of its sentence
        assert not near or any((e.number == t.number + 1 and _answers(t, e))
                               or (t.number == e.number + 1 and _continues(e, t)) for e in near)


def test_a_near_turn_whose_sentence_answers_better_is_a_place_of_its_own():
    """Short turns packed together share one window, so they tie on everything but their
    sentences: the one whose answer sentence answers better than its listed neighbour's is
    listed in its place, one that answers worse waits behind the other places."""
    from transcript_qa.model import Turn
    from transcript_qa.search import _Cand, _diversify

    texts = ["Freedom 7 is still go.", "Liftoff at 34 minutes after the hour.", "Splashdown."]
    starts = [0, 60, 2000]
    turns = {("t", n): Turn("t", n, "PAO", "PAO", None, x, a, a + len(x))
             for n, (x, a) in enumerate(zip(texts, starts), start=1)}

    def order(second_answers: float) -> list[int]:
        cands = [_Cand("t", 1, {}, score=0.67, span_score=0.6),
                 _Cand("t", 2, {}, score=0.64, span_score=second_answers),
                 _Cand("t", 3, {}, score=0.30, span_score=0.3)]
        return [c.number for c in _diversify(cands, 300, turns)]

    assert order(0.75) == [1, 2, 3]  # its own point
    assert order(0.55) == [1, 3, 2]  # a repeat of turn 1's place: waits


def test_a_place_lists_at_most_one_extra_point_and_not_a_cut_off_start():
    """Rising sentence scores do not refill the top with one place, and the cut-off start of
    a listed continuation stays a neighbour."""
    from transcript_qa.model import Turn
    from transcript_qa.search import _Cand, _diversify

    def ranked(texts: list[str], starts: list[int], order: list[int],
               span_scores: list[float]) -> list[int]:
        """Turn numbers as `_diversify` lists candidates given in `order` (turn numbers)."""
        turns = {("t", n): Turn("t", n, "PAO", "PAO", None, x, a, a + len(x))
                 for n, (x, a) in enumerate(zip(texts, starts), start=1)}
        cands = [_Cand("t", n, {}, score=1 - i / 10, span_score=v)
                 for i, (n, v) in enumerate(zip(order, span_scores))]
        return [c.number for c in _diversify(cands, 300, turns)]

    short = ["Go.", "Still go.", "All go.", "Splashdown."]
    assert ranked(short, [0, 20, 40, 2000], [1, 2, 3, 4], [0.5, 0.6, 0.7, 0.3]) == [1, 2, 4, 3]
    cut = ["The Polaris Project, which was started --", "-- and they run it.", "Far away."]
    # the continuation (turn 2) ranks first; its start answers better but waits
    assert ranked(cut, [0, 50, 2000], [2, 1, 3], [0.5, 0.9, 0.3]) == [2, 3, 1]


@pytest.mark.parametrize("question,expected", [
    ("Summarize the discussion about the remote's buttons.", "the remote's buttons."),
    ("Summarize the financing of the remote.", "the financing of the remote."),
    ("What was said about IBM?", "IBM?"),
    ("What did the group discuss about the fluorescent button?", "the fluorescent button?"),
    ("What was the debate over the economic recovery plan?", "the economic recovery plan?"),
    ("What is a T visa for?", "What is a T visa for?"),  # no frame: unchanged
    ("Summarize the discussion.", "Summarize the discussion."),  # nothing left: unchanged
])
def test_the_question_frame_is_not_encoded(question, expected):
    from transcript_qa.lexicon import topic

    assert topic(question) == expected


def test_question_word_pairs_count_where_they_stand_together(seed_qa):
    from transcript_qa.search import analyse, phrase_share

    q = analyse("sex trafficking victims", seed_qa.index, (), Ranking())
    assert phrase_share(q, "Sex trafficking and its victims.") == 1.0  # stopwords skipped
    assert phrase_share(q, "Victims of sex trafficking.") == 0.5  # (sex, trafficking) only
    assert phrase_share(q, "Trafficking of victims for sex.") == 0.5  # (trafficking, victims)
    assert phrase_share(q, "Sex work, victims, trafficking.") == 0.0
    assert phrase_share(analyse("trafficking", seed_qa.index, (), Ranking()), "trafficking") == 0.0
    us = analyse("Does the US government help?", seed_qa.index, (), Ranking())
    assert phrase_share(us, "the U.S. Government helps") == 1.0  # "U.S." is one word
    assert phrase_share(us, "the U.S. army and the government help") == 0.5


def _found(q, text: str) -> list[str]:
    from transcript_qa.search import matches

    return [text[pos:].split()[0] for pos, _ in matches(q, text)]


def test_a_short_word_matches_only_words_of_its_stem(seed_qa):
    """A stem of three letters or fewer is no prefix: "war" is not "warm" or "ward", "run" not
    "runner"; what it finds must stem the same ("running", "runs")."""
    from transcript_qa.search import analyse

    q = analyse("Which car wars?", seed_qa.index, (), Ranking())
    assert _found(q, "cars and a war, wars") == ["cars", "war,", "wars"]
    assert _found(q, "career, warm, warning, carbon, ward, card, caring") == []
    q = analyse("Who was running it?", seed_qa.index, (), Ranking())
    assert _found(q, "He was running it, he runs it, a runner, a rung") == ["running", "runs"]
    assert _found(analyse("does the us help", seed_qa.index, (), Ranking()),
                  "let us see; used, uses, usual") == ["us"]
    # a longer word still finds what it starts ("negotiations" for "negotiate")
    assert _found(analyse("negotiate labor", seed_qa.index, (), Ranking()),
                  "negotiations of labors") == ["negotiations", "labors"]


def test_an_abbreviation_in_capitals_matches_as_written_not_as_a_pronoun(seed_qa):
    from transcript_qa.search import analyse

    q = analyse("Does the US government help NGOs?", seed_qa.index, (), Ranking())
    text = "Let us see: the U.S. Government and US agencies used NGO help; ngos, us, Us."
    assert _found(q, text) == ["U.S.", "Government", "US", "NGO", "help;", "ngos,"]
    assert _found(q, "the T_V_ remote and the U_S_ side") == ["U_S_"]  # meeting transcripts
    # BM25 looks for "U.S." (the phrase "u s"), not the pronoun; "NGO" both ways
    assert "u s" in q.lexical_terms and "us" not in q.lexical_terms
    assert {"ngo", "n g o"} <= set(q.lexical_terms)
    # typed dotted, or possessive, it is the same word
    for typed in ("Does the U.S. government help?", "Is it the US's government?"):
        dotted = analyse(typed, seed_qa.index, (), Ranking())
        assert _found(dotted, "us and the U.S. government") == ["U.S.", "government"]
    # typed in lower case, or all in capitals, "us" cannot be told from the pronoun
    for typed in ("does the us government help", "DOES THE US GOVERNMENT HELP"):
        low = analyse(typed, seed_qa.index, (), Ranking())
        assert _found(low, "let us go") == ["us"] and "us" in low.lexical_terms
    # a word in capitals for emphasis still finds it in lower case
    emph = analyse("What was the main COST of the plan?", seed_qa.index, (), Ranking())
    assert _found(emph, "the cost, costs") == ["cost,", "costs"]
    # an abbreviation is not a typo: "USAID" is not corrected to "said"
    usaid = analyse("What did USAID fund?", seed_qa.index, (), Ranking())
    assert "usaid" not in usaid.fixes and "said" not in usaid.lexical_terms
    assert _found(usaid, "USAID said it funds it") == ["USAID", "funds"]


def test_a_dotted_speaker_name_is_found_before_abbreviations_are_read(tmp_path, encoder):
    """"J.R. Smith" is a speaker, not the abbreviation "JR" beside the name "Smith"."""
    from transcript_qa.search import analyse

    qa = _meeting(tmp_path, encoder, "Budget review", [
        "[00:00:01] J.R. SMITH: The budget went up by ten percent.",
        "[00:00:05] ANNA: And the schedule slipped a week.",
    ])
    q = analyse("What did J.R. Smith say about the budget?", qa.index, (), Ranking())
    assert q.speakers == {"J.R. SMITH"} and q.groups == [["budget"]]
    assert q.lexical_terms == ["budget"]


def test_a_possessive_with_a_curly_apostrophe_is_the_word(seed_qa):
    from transcript_qa.search import analyse

    q = analyse("What about the war?", seed_qa.index, (), Ranking())
    assert _found(q, "the war’s end, the war's start, warm") == ["war’s", "war's"]


def test_a_dotted_abbreviation_the_question_names_is_not_a_new_name(seed_qa):
    from transcript_qa.answer import has_type
    from transcript_qa.search import analyse

    q = analyse("Who was the U.S. envoy?", seed_qa.index, (), Ranking())
    assert not has_type("The U.S. envoy spoke.", q.kind, q.asked)
    assert has_type("The U.S. envoy, Jane Doe, spoke.", q.kind, q.asked)


def test_bm25_finds_an_abbreviation_in_its_dotted_form_not_the_pronoun(tmp_path, encoder):
    qa = _meeting(tmp_path, encoder, "Budget review", [
        "[00:00:01] ANNA: Let us talk to us about the budget for us and for them.",
        "[00:00:05] BEN: The U.S. share of the budget went up.",
        "[00:00:09] CARA: The weather was fine.",
    ])
    lexical = Searcher(qa.index, qa.encoder, Ranking(mode="lexical", rescore="none"))
    assert lexical.search("US budget", k=1)[0].turn.speaker == "BEN"
    assert lexical.search("us budget", k=1)[0].turn.speaker == "ANNA"  # lower case: the pronoun


def _meeting(tmp_path, encoder, title: str, lines: list[str]):
    """A small indexed meeting transcript of `[time] SPEAKER: text` lines."""
    src = tmp_path / "src.txt"
    src.write_text(title + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    qa = make_qa(tmp_path / "qa", [src], encoder)
    qa.build_index()
    return qa


def _ranked(qa, question: str, ranking: Ranking) -> dict:
    """Passages by speaker label + turn number ("BEN2")."""
    return {p.turn.speaker + str(p.turn.number): p
            for p in Searcher(qa.index, qa.encoder, ranking).search(question, k=4)}


def test_a_turn_holding_the_question_phrase_gains_on_one_with_the_words_apart(tmp_path, encoder):
    from transcript_qa.search import PHRASE_BOOST

    qa = _meeting(tmp_path, encoder, "Design meeting", [
        "[00:00:01] ANNA: Let us start with the case of the remote.",
        "[00:00:05] BEN: The button is large, and the paint on the case is fluorescent.",
        "[00:00:09] CARA: I would keep the fluorescent button on the remote.",
        "[00:00:14] ANNA: Fine, next is the price.",
    ])
    question = "What was said about the fluorescent button?"
    on, off = _ranked(qa, question, Ranking()), _ranked(qa, question, Ranking(phrases=False))
    assert on["CARA3"].scores["phrase"] == 1.0 and on["BEN2"].scores["phrase"] == 0.0
    gap_on = on["CARA3"].score - on["BEN2"].score
    gap_off = off["CARA3"].score - off["BEN2"].score
    assert gap_on == pytest.approx(gap_off + PHRASE_BOOST, abs=1e-3)


def test_words_of_the_turns_around_count_for_a_turn_that_lacks_them(tmp_path, encoder):
    """An answer that says "about three euros" after a question naming the paint: the paint
    words of the question turn count for it too (NEIGHBOUR_BOOST x what they add)."""
    from transcript_qa.search import NEIGHBOUR_BOOST

    qa = _meeting(tmp_path, encoder, "Cost review", [
        "[00:00:01] ANNA: What does the fluorescent paint cost us per unit?",
        "[00:00:05] BEN: About three euros, so it stays inside the budget.",
        "[00:00:09] CARA: Then the case. The rubber case costs two euros per unit.",
        "[00:00:14] ANNA: Good. Next is the schedule for the launch.",
    ])
    question = "How much will the fluorescent paint cost?"
    # (without the hand-off, which would give Ben the question turn's score in both)
    on = _ranked(qa, question, Ranking(question_handoff=False))
    off = _ranked(qa, question, Ranking(question_handoff=False, neighbour_words=False))
    ben, cara = on["BEN2"], on["CARA3"]
    assert ben.scores["near_cov"] > 0.5  # "fluorescent paint" comes from Anna's question
    assert ben.scores["turn_cov"] == 0.0
    assert cara.scores["near_cov"] < ben.scores["near_cov"]
    assert "near_cov" not in off["BEN2"].scores
    gain = (ben.score - off["BEN2"].score)
    assert gain == pytest.approx(NEIGHBOUR_BOOST * ben.scores["near_cov"], abs=1e-3)


@pytest.mark.parametrize("question", [
    "What did the Brown students start?", "How many countries does the report cover?",
])
def test_the_fifth_passage_is_the_keyword_views_best_new_place(seed_qa, question):
    from transcript_qa.search import _gap

    radius = Ranking().diversity
    # turn by turn: the keyword slot picks a turn; utterance passages are formed after it
    blend = Searcher(seed_qa.index, seed_qa.encoder,
                     Ranking(keyword_slot=False, utterances=False)).search(question, k=40)
    five = Searcher(seed_qa.index, seed_qa.encoder, Ranking(utterances=False)).search(
        question, k=5)
    assert [p.turn.number for p in five[:4]] == [p.turn.number for p in blend[:4]]
    rest = [p for p in blend[4:] if p.scores["unit_lex"] > 0
            and all(_gap(h.turn, p.turn) > radius for h in blend[:4])]
    best = max(rest, key=lambda p: p.scores["unit_lex"])
    assert five[4].turn.number == best.turn.number != blend[4].turn.number


def test_a_reporters_statement_is_answered_by_a_reply_not_by_a_backchannel():
    """`_answers`: a turn ending in "?" is answered by any reply; a reporter's turn (`Q`, no
    question mark) by a reply of more than BACKCHANNEL_WORDS words, since "Yeah." while the
    reporter goes on is no answer; anyone else's statement by none."""
    from transcript_qa.formats.labels import REPORTER
    from transcript_qa.model import Turn
    from transcript_qa.search import _answers

    def turn(speaker: str, name: str, text: str) -> Turn:
        return Turn("t", 1, speaker, name, None, text, 0, len(text))

    statement = turn("Q", REPORTER, "I was wondering about your reaction to the news.")
    asked = turn("Q", REPORTER, "Was he invited?")
    reply = turn("MR. KIRBY", "John Kirby", "Well, obviously, our condolences go to his family.")
    yeah = turn("MR. KIRBY", "John Kirby", "Yeah.")
    no_sir = turn("MR. KIRBY", "John Kirby", "No, sir.")
    three = turn("MR. KIRBY", "John Kirby", "Right, go on.")
    four = turn("MR. KIRBY", "John Kirby", "We have no comment.")
    assert _answers(statement, reply) and not _answers(statement, yeah)
    assert not _answers(statement, three) and _answers(statement, four)
    assert not _answers(statement, turn("QUESTION", REPORTER, "And a follow-up on that."))
    assert _answers(asked, no_sir) and _answers(asked, yeah)
    host = turn("HOST", "Host", "I was wondering about your reaction to the news.")
    assert not _answers(host, reply) and not _answers(reply, reply)


def test_without_takes_out_whole_words_in_any_case():
    from transcript_qa.lexicon import without

    assert without("Is Trafficking a trafficker's trade?", {"trafficking"}) == \
        "Is a trafficker's trade?"
    assert without("victims, victimized", {"victims"}) == ", victimized"


def test_the_transcripts_own_topic_words_do_not_decide_the_question_vector(seed_qa):
    """"victims" is said in 22% of the podcast's units: the question is also encoded without
    it, and the turn that answers ranks first ("passport"); encoded as typed, the turns
    about victims in general fill the top five."""
    from transcript_qa.search import analyse

    question = "What document is sometimes confiscated from victims?"
    q = analyse(question, seed_qa.index, (), Ranking())
    assert "victims" in q.common and "document" not in q.common
    best = top(seed_qa, question)[0]
    assert "passport" in best.turn.text[best.span_start:best.span_end]
    typed = Searcher(seed_qa.index, seed_qa.encoder, Ranking(common_words=0)).search(question)
    assert not any("passport" in p.turn.text for p in typed)
    assert analyse(question, seed_qa.index, (), Ranking(common_words=0)).common == frozenset()


def test_a_question_of_only_topic_words_or_with_an_exception_is_encoded_as_typed(seed_qa):
    from transcript_qa.search import _common_free, analyse

    q = analyse("What is human trafficking?", seed_qa.index, (), Ranking())
    assert {"human", "trafficking"} <= q.common
    assert _common_free(q, q.text) is None
    q = analyse("Who funds the fight against trafficking?", seed_qa.index, (), Ranking())
    assert _common_free(q, q.text) == "Who funds the fight against ?"
    # what is left of a question that sets something aside is mostly what it sets aside
    q = analyse("Apart from sex trafficking, what other form does trafficking take?",
                seed_qa.index, (), Ranking())
    assert "trafficking" in q.common and _common_free(q, q.text) is None
    # a speaker's name is no content word: nothing but the name would be left
    q = analyse("What did Lagon say about trafficking?", seed_qa.index, (), Ranking())
    assert "trafficking" in q.common and _common_free(q, q.text) is None


def test_topic_words_are_those_of_the_transcripts_searched(dev_qa):
    """Beside five meetings "trafficking" is rare; within the podcast it is its topic."""
    from transcript_qa.search import analyse

    podcast = SEED.stem
    question = "What do traffickers use to control victims?"
    assert "victims" not in analyse(question, dev_qa.index, (), Ranking()).common
    assert "victims" in analyse(question, dev_qa.index, (podcast,), Ranking()).common


def test_in_a_short_transcript_a_word_said_once_is_no_topic_word(tmp_path, encoder):
    """Ten turns: "budget", said in one of them (10%), is what tells that turn apart;
    "harbour", said in five, is the meeting's topic."""
    from transcript_qa.search import COMMON_WORD_UNITS, analyse

    replies = ["Right.", "The budget is twelve thousand.", "Sure.", "Next week then.", "Bye."]
    lines = [x for i, reply in enumerate(replies)
             for x in (f"ALICE: The harbour plan, part {i}, is on the table.", f"BOB: {reply}")]
    src = tmp_path / "sync.txt"
    src.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    qa = make_qa(tmp_path / "qa", [src], encoder)
    qa.build_index()
    # one unit per turn: "budget" is said in 10% of them, as a topic word of the podcast is
    assert qa.index.n_units == 10 and COMMON_WORD_UNITS == 2
    assert qa.index.document_frequency(["budget", "harbour"]) == {"budget": 1, "harbour": 5}
    q = analyse("What is the budget for the harbour?", qa.index, (), Ranking())
    assert q.common == frozenset({"harbour"})
    assert "twelve thousand" in qa.ask("What is the budget for the harbour?").text
