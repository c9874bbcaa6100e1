"""The app's HTML: everything a transcript or a user supplies is escaped; the answer span is
highlighted inside the verbatim cited turn; abstentions say so. (The browser test checks the
same in a real page; these pin the markup without a server.)"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from transcript_qa import render
from transcript_qa.model import Answer, Passage, Turn

HOSTILE = ('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
           '${alert(1)} {{constructor}} "quoted" & \'single\'')


class Tags(HTMLParser):
    """Collect every element and attribute the markup really contains."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text.append(data)


def turn(n: int, text: str, speaker: str = "HOST", name: str = "Host", tid: str = "t") -> Turn:
    return Turn(transcript_id=tid, number=n, speaker=speaker, speaker_name=name,
                speaker_role=None, text=text, start_char=0, end_char=len(text))


def test_hostile_text_everywhere_is_only_text():
    t = Turn(transcript_id=HOSTILE, number=3, speaker=HOSTILE, speaker_name=HOSTILE,
             speaker_role=HOSTILE, text=HOSTILE, start_char=0, end_char=1, start=61.0)
    p = Passage(turn=t, score=0.5, rank=1, transcript_title=HOSTILE)
    answer = Answer(question=HOSTILE, passages=[p], cited=p, text=HOSTILE[10:30],
                    span_start=10, span_end=30)

    def ctx(tid, n):
        return [turn(2, HOSTILE, tid=tid), t, turn(4, HOSTILE, tid=tid)]

    pages = [
        render.answer_html(answer, ctx),
        render.answer_html(Answer(question=HOSTILE, passages=[p], abstained=True), ctx),
        render.transcript_html(HOSTILE, [t], 1, query="script", target=3,
                               speakers=[(HOSTILE, HOSTILE)]),
        render.error_html(HOSTILE), render.notice_html(HOSTILE, "error"),
        render.status_html(HOSTILE, 1, 2), render.empty_html(HOSTILE),
    ]
    for markup in pages:
        parsed = Tags(markup)
        assert not {"script", "img", "iframe", "svg", "object"} & set(parsed.tags)
        assert not any(a.startswith("on") for a, _ in parsed.attrs)
        shown = "".join(parsed.text)
        assert "<script>" in shown and "${alert(1)}" in shown  # shown literally to the reader


def test_answer_card_highlights_the_span_inside_the_verbatim_turn():
    text = "First sentence here. The answer is 42 units. Last one."
    s = text.index("The answer")
    e = text.index(" Last")
    t = turn(7, text, "MS. DOE", "Jane Doe")
    t.speaker_role = "Analyst"
    t.start = 3725.0
    p = Passage(turn=t, score=0.9, rank=1, transcript_title="Budget call")
    other = Passage(turn=turn(2, "Unrelated."), score=0.2, rank=2, transcript_title="Budget call")
    a = Answer(question="What is the answer?", passages=[p, other], cited=p,
               text=text[s:e], span_start=s, span_end=e)
    before = turn(6, "Before.")
    before.start = 3700.0
    markup = render.answer_html(a, lambda tid, n: [before, t, turn(8, "After.")])
    assert '<p class="tqa-answer-text">The answer is 42 units.</p>' in markup
    assert "First sentence here. <mark>The answer is 42 units.</mark> Last one." in markup
    assert "Jane Doe" in markup and "Analyst" in markup and 'title="MS. DOE"' in markup
    assert "Budget call</span> · turn 7 · 1:02:05" in markup
    assert 'data-transcript="t" data-turn="7"' in markup  # the Browse link
    assert "Show context (turns 6–8)" in markup and "Before." in markup and "After." in markup
    # a neighbour shown as context carries its time too (turn 8 has none)
    assert '<span class="tqa-time">1:01:40</span><span class="tqa-num">turn 6</span>' in markup
    eighth = re.search(r'<div class="tqa-nb" data-turn="8">.*?</div></div>', markup).group(0)
    assert "tqa-time" not in eighth
    # The cited passage is not repeated among the others.
    assert markup.count('class="tqa-rank"') == 1 and "Unrelated." in markup


def test_an_answer_lacking_what_was_asked_says_so_under_it():
    t = turn(4, "Ambassador Mark Lagon, thanks for joining us.")
    p = Passage(turn=t, score=0.5, rank=1)
    a = Answer(question="In what year did Lagon take office?", passages=[p], cited=p,
               text=t.text, span_end=len(t.text), lacks="time")
    markup = render.answer_html(a)
    note = re.search(r'<p class="tqa-lacks" role="note">([^<]+)</p>', markup)
    assert note and "asks for a date or time" in note.group(1) and "may not say" in note.group(1)
    assert markup.index("tqa-answer-text") < note.start() < markup.index("tqa-cite")
    a.lacks = None
    assert "tqa-lacks" not in render.answer_html(a)


def test_a_passage_of_several_turns_shows_them_all_with_the_span_in_the_cited_one():
    """One speaker's run of turns (a page cut one answer into labelled paragraphs) is one
    passage: every turn is shown in order, the span is marked in the cited turn only, and
    the context around it starts before the first and ends after the last."""
    run = [turn(4, "A border, the key thing."), turn(5, "It is the coercion. It is slavery."),
           turn(6, "-- and the key thing again.")]
    s, e = 0, len("It is the coercion.")
    p = Passage(turn=run[1], score=0.9, rank=1, transcript_title="Podcast", turns=run)
    other = Passage(turn=turn(9, "Elsewhere."), score=0.2, rank=2, transcript_title="Podcast",
                    turns=[turn(9, "Elsewhere."), turn(10, "The rest of it.")])
    a = Answer(question="Is it the border?", passages=[p, other], cited=p,
               text=run[1].text[s:e], span_start=s, span_end=e)
    everything = {n: turn(n, f"Turn {n} said this.") for n in range(1, 12)} | {
        t.number: t for t in run}

    def ctx(tid, n):
        return [everything[m] for m in (n - 1, n, n + 1) if m in everything]

    markup = render.answer_html(a, ctx)
    body = markup[markup.index('class="tqa-body tqa-cited"'):]
    assert body.index("A border") < body.index("<mark>It is the coercion.</mark>") \
        < body.index("-- and the key thing")
    assert markup.count("<mark>") == 1
    assert "Podcast</span> · turns 4–6" in markup and 'data-turn="5"' in markup
    assert "Show context (turns 3–7)" in markup and "Turn 3 said" in markup
    assert "Turn 7 said" in markup and "Turn 5 said" not in markup
    assert "turns 9–10" in markup and "The rest of it." in markup


def test_abstention_card_says_so_and_marks_closest_passages():
    p = Passage(turn=turn(1, "Something else."), score=0.1, rank=1, low_confidence=True)
    markup = render.answer_html(Answer(question="Who won?", passages=[p], abstained=True))
    assert "The transcripts do not answer this question." in markup
    assert "Closest passages (low confidence)" in markup
    assert "closest match" in markup and "tqa-low" in markup
    assert "<mark>" not in markup


def test_a_speaker_the_question_names_is_marked():
    named = Passage(turn=turn(1, "We fund it.", "KW", "Kirsty Williams"), score=0.9, rank=1,
                    scores={"speaker_named": 1.0})
    other = Passage(turn=turn(2, "They asked."), score=0.5, rank=2, scores={"speaker_named": 0.0})
    again = Passage(turn=turn(3, "And we fund this.", "KW", "Kirsty Williams"), score=0.4,
                    rank=3, scores={"speaker_named": 1.0})
    a = Answer(question="What did Kirsty Williams say?", passages=[named, other, again],
               cited=named, text="We fund it.", span_start=0, span_end=11)
    markup = render.answer_html(a)
    # on the cited turn and on her other passage, not on anyone else's
    assert markup.count("named in your question") == 2
    cite = markup[markup.index('class="tqa-cite"'):markup.index("tqa-cited-turn")]
    assert "named in your question" in cite
    articles = markup.split("<article")[1:]
    assert ["named in your question" in x for x in articles] == [False, True]
    assert "named in your question" not in render.answer_html(
        Answer(question="What was said?", passages=[other], cited=other, text="They asked.",
               span_start=0, span_end=11))


def test_upload_outcomes_say_what_was_done_to_the_file():
    added = render.upload_done_html("talk.txt", 4, 1.25)
    assert "Added talk.txt (4 turns) to the transcripts folder and indexed it in 1.2 s" in added
    replaced = render.upload_done_html("talk.txt", 4, 1.25, "replaced")
    assert "Replaced talk.txt in the transcripts folder (4 turns) and re-indexed it" in replaced
    assert "Added" not in replaced
    same = render.upload_done_html("talk.txt", 4, 0.1, "unchanged")
    assert "nothing changed" in same and "Added" not in same and "Replaced" not in same
    for markup in (added, replaced, same):
        assert 'class="tqa-notice tqa-ok"' in markup
    assert "&lt;b&gt;.txt" in render.upload_done_html("<b>.txt", 1, 0.1, "replaced")
    assert "(1 turn)" in render.upload_done_html("one.txt", 1, 0.1)


def test_transcript_view_counts_filters_and_marks_matches():
    turns = [turn(1, "Hello there."), turn(2, "The FERRY runs\n\nevery hour.", "GUEST", "Guest")]
    markup = render.transcript_html("Talk", turns, 2)
    assert markup.count('class="tqa-turn ') == 2 and "2 turns" in markup
    filtered = render.transcript_html("Talk", turns[1:], 2, query="ferry runs every", target=2)
    assert "1 of 2 turns" in filtered
    assert "<mark>FERRY runs\n\nevery</mark>" in filtered
    assert 'id="turn-2"' in filtered and "tqa-target" in filtered
    assert "No turns match" in render.transcript_html("Talk", [], 2, query="zebra")
    # typed with a straight apostrophe, found curly (and the other way round)
    curly = [turn(3, "We don’t know; it’s “late”.")]
    assert "<mark>don’t</mark>" in render.transcript_html("Talk", curly, 3, query="don't")
    assert "<mark>“late”</mark>" in render.transcript_html("Talk", curly, 3, query='"late"')
    # a typewriter's "--" and a dash are the same mark either way round
    dashes = [turn(4, "We've -- well, the U.S. — all of us.")]
    assert "<mark>We&#x27;ve --</mark>" in render.transcript_html("Talk", dashes, 4, query="we've —")
    assert "<mark>U.S. —</mark>" in render.transcript_html("Talk", dashes, 4, query="U.S. --")


def test_citation_links_carry_their_span_and_browse_marks_it_in_the_target_turn():
    """A citation opens Browse on its turn with the quoted span marked there (a long turn
    centred showed unrelated text); the span rides on the link, and what comes back from the
    page is only used when it is two ints inside the target turn's text."""
    text = "Opening words. Two hostages had made their way back. Closing words."
    s, e = text.index("Two"), text.index(" Closing")
    cited = Passage(turn=turn(12, text), score=0.9, rank=1, span_start=s, span_end=e)
    other_text = "Something first. The other matching sentence. And more."
    os_, oe = other_text.index("The other"), other_text.index(" And")
    other = Passage(turn=turn(20, other_text), score=0.5, rank=2, span_start=os_, span_end=oe)
    low = Passage(turn=turn(30, other_text), score=0.1, rank=3, span_start=os_, span_end=oe,
                  low_confidence=True)
    a = Answer(question="q", passages=[cited, other, low], cited=cited, text=text[s:e],
               span_start=s, span_end=e)
    links = re.findall(r'<a class="tqa-goto"[^>]*>', render.answer_html(a))
    assert f'data-turn="12" data-check="{render.text_check(text)}" data-start="{s}" ' \
        f'data-end="{e}"' in links[0]  # the check: the turn's words, to tell a since-replaced file
    assert f'data-start="{os_}" data-end="{oe}"' in links[1] and 'data-turn="20"' in links[1]
    assert render.text_check(text) != render.text_check(text + " ")
    assert "data-start" not in links[2]  # a low-confidence match marks no sentence

    turns = [turn(11, text), turn(12, text)]
    view = render.transcript_html("Briefing", turns, 2, target=12, span=(s, e))
    assert view.count('<mark class="tqa-span">') == 1
    target = view[view.index('id="turn-12"'):]
    assert f'Opening words. <mark class="tqa-span">{text[s:e]}</mark> Closing words.' in target
    # marked over a Find match it overlaps, beside one it does not
    found = render.transcript_html("Briefing", turns[1:], 2, "words", 12, span=(s, e))
    assert found.count('<mark class="tqa-span">') == 1 and found.count("<mark>words</mark>") == 2
    found = render.transcript_html("Briefing", turns[1:], 2, "hostages", 12, span=(s, e))
    assert "<mark>hostages</mark>" not in found and '<mark class="tqa-span">Two' in found
    for bad in [None, ("15", "52"), (True, 5), (15.0, 52.0), (52, 15), (5, 5), (-1, 5),
                (0, len(text) + 1), (1, 2, 3), "15-52", {"start": 15}]:
        view = render.transcript_html("Briefing", turns, 2, target=12, span=bad)
        assert "tqa-span" not in view and "tqa-target" in view, bad
    assert render.valid_span(text, [s, e]) == (s, e)  # as JSON sends a pair


def test_find_keeps_the_turns_holding_the_words_quotes_and_case_aside(seed_qa):
    straight = {t.number for t in seed_qa.turns(contains="THEY'RE")}
    curly = {t.number for t in seed_qa.turns(contains="they’re")}
    assert straight == curly and len(straight) >= 4  # 3 turns type "they're", 2 "they’re"
    assert any("they’re" in t.text for t in seed_qa.turns(contains="they're"))


def test_times_format():
    assert render.fmt_time(None) == ""
    assert render.fmt_time(5.9) == "0:05"
    assert render.fmt_time(125) == "2:05"
    assert render.fmt_time(3725) == "1:02:05"
    assert render.fmt_time(-4.0) == "-0:04"  # a countdown stamp (Spacelog `-00:00:00:04`)


def test_only_known_classes_reach_the_page():
    """Every class the renderer emits is styled (catches typos between markup and CSS)."""
    t = turn(1, "Text.")
    p = Passage(turn=t, score=0.5, rank=1)
    markup = "".join([
        render.answer_html(Answer(question="q", passages=[p], cited=p, text="Text.",
                                  span_start=0, span_end=5), lambda *_: [t, turn(2, "x")]),
        render.answer_html(Answer(question="q", passages=[p], abstained=True)),
        render.transcript_html("T", [t], 1, speakers=[("Host", "Role")]),
        render.transcript_html("T", [t], 1, target=1, span=(0, 4)),
        render.status_html("m", 1, 2), render.status_html("m", error=True),
        render.error_html("e"), render.notice_html("n"), render.empty_html("x"),
        render.answer_html(long_answer()),
        render.answer_html(Answer(question="When?", passages=[p], cited=p, text="Text.",
                                  span_end=5, lacks="time")),
    ])
    used = {c for attr in re.findall(r'class="([^"]+)"', markup) for c in attr.split()}
    styled = set(re.findall(r"\.(tqa-[\w-]+)", render.CSS))
    hooks = {"tqa-before", "tqa-after", "tqa-cited-turn", "tqa-transcript", "tqa-title",
             "tqa-full"}
    assert used - styled - hooks == set()


def test_a_long_turn_is_cut_to_whole_paragraphs_around_the_answer():
    from transcript_qa.render import EXCERPT_CHARS, LONG_TURN_CHARS, excerpt_bounds

    paras = [f"Paragraph {i} says something about item {i} at some length, " * 3
             for i in range(20)]
    text = "\n\n".join(paras)
    i = text.index("Paragraph 12")
    a, b = excerpt_bounds(text, i, i + 20)
    assert a <= i < i + 20 <= b and b - a <= EXCERPT_CHARS < len(text)
    assert text[a:b].startswith("Paragraph ") and text[a - 2:a] == "\n\n"  # whole paragraphs
    assert text[b:b + 2] == "\n\n"
    # short turns, and spans outside the text, are shown whole
    assert excerpt_bounds(text[:LONG_TURN_CHARS], 10, 20) == (0, LONG_TURN_CHARS)
    assert excerpt_bounds(text, -1, 5) == (0, len(text)) == excerpt_bounds(text, 5, 5)
    # one long paragraph: whole sentences around the answer, some before and some after
    one = " ".join(f"Sentence {k} is here." for k in range(300))
    j = one.index("Sentence 150 ")
    a, b = excerpt_bounds(one, j, j + 21)
    assert a < j and b > j + 21 and b - a <= EXCERPT_CHARS
    assert one[a:b].startswith("Sentence ") and one[a:b].endswith("is here.")


def long_answer(point: int = 20, other: int | None = None) -> Answer:
    """An answer citing point `point` of a 30-paragraph turn; `other`: a second passage, the
    same kind of turn with its span on that point."""
    long_text = "\n\n".join(f"Point {i} about the budget and the harbour works. " * 4
                             for i in range(30))

    def passage(n: int, at: int, rank: int) -> Passage:
        start = long_text.index(f"Point {at} ")
        end = start + len(f"Point {at} about the budget and the harbour works.")
        return Passage(turn=turn(n, long_text), score=0.8, rank=rank, span_start=start,
                       span_end=end)

    p = passage(3, point, 1)
    rest = [passage(9, other, 2)] if other is not None else []
    return Answer(question="What about it?", passages=[p, *rest], cited=p,
                  text=long_text[p.span_start:p.span_end], span_start=p.span_start,
                  span_end=p.span_end)


def test_a_long_cited_turn_shows_an_excerpt_then_the_whole_turn_both_highlighted():
    a = long_answer()
    long_text = a.cited.turn.text
    markup = render.answer_html(a)
    excerpt = re.search(r'<div class="tqa-excerpt">(.*?)</div>', markup, re.S).group(1)
    assert excerpt.startswith("… ") and excerpt.endswith(" …")
    assert "<mark>Point 20 about the budget and the harbour works.</mark>" in excerpt
    assert len(excerpt) < len(long_text) / 2
    full = re.search(r'<div class="tqa-full">(.*?)</div></details>', markup, re.S).group(1)
    assert full.startswith("Point 0 ") and full.count("<mark>") == 1
    assert f"Show the whole turn ({len(long_text.split()):,} words)" in markup
    # a short turn is shown whole, with no excerpt
    short = turn(4, "Point 1. Point 2.")
    q = Passage(turn=short, score=0.8, rank=1, span_start=0, span_end=8)
    b = Answer(question="x", passages=[q], cited=q, text="Point 1.", span_start=0, span_end=8)
    assert "tqa-excerpt" not in render.answer_html(b) and "tqa-whole" not in render.answer_html(b)


def test_other_passages_mark_their_best_sentence_lightly():
    """Each other passage marks the sentence it matched (its span); not a low-confidence
    match, nor a span that is all a one-turn passage says."""
    cited = Passage(turn=turn(1, "The answer."), score=0.9, rank=1, span_start=0, span_end=11)
    text = "Some words first. The matching sentence. More after."
    s = text.index("The matching")
    e = text.index(" More")
    other = Passage(turn=turn(2, text), score=0.5, rank=2, span_start=s, span_end=e)
    whole = Passage(turn=turn(3, "All of it."), score=0.4, rank=3, span_start=0, span_end=10)
    a = Answer(question="q", passages=[cited, other, whole], cited=cited, text="The answer.",
               span_start=0, span_end=11)
    markup = render.answer_html(a)
    articles = markup[markup.index('<div class="tqa-passages">'):]
    assert "Some words first. <mark>The matching sentence.</mark> More after." in articles
    assert articles.count("<mark>") == 1  # not the whole-turn span
    # in a run of turns, the cited turn is marked even when the span is all of it
    run = [turn(5, "Cut off --"), turn(6, "-- and the end of it.")]
    part = Passage(turn=run[1], score=0.3, rank=2, span_start=0, span_end=len(run[1].text),
                   turns=run)
    b = Answer(question="q", passages=[cited, part], cited=cited, text="The answer.",
               span_start=0, span_end=11)
    assert "<mark>-- and the end of it.</mark>" in render.answer_html(b)
    low = Passage(turn=turn(2, text), score=0.1, rank=1, span_start=s, span_end=e,
                  low_confidence=True)
    assert "<mark>" not in render.answer_html(Answer(question="q", passages=[low],
                                                     abstained=True))


def test_a_long_other_passage_is_cut_around_its_marked_sentence_and_edges_have_no_ellipsis():
    markup = render.answer_html(long_answer(point=0, other=29))
    cited = markup[:markup.index('<div class="tqa-passages">')]
    other = markup[markup.index('<div class="tqa-passages">'):]
    # the answer at the very start: no "… " before it; the other's at the very end: no " …"
    excerpt = re.search(r'<div class="tqa-excerpt">(.*?)</div>', cited, re.S).group(1)
    assert excerpt.startswith("<mark>Point 0 ") and excerpt.endswith(" …")
    excerpt = re.search(r'<div class="tqa-excerpt">(.*?)</div>', other, re.S).group(1)
    assert excerpt.startswith("… ") and not excerpt.endswith("…")
    assert "<mark>Point 29 about the budget and the harbour works.</mark>" in excerpt
    assert "Point 0 " not in excerpt and "Show the whole turn" in other


def test_excerpts_cut_at_sentences_not_abbreviations_then_at_words():
    from transcript_qa.render import EXCERPT_CHARS, excerpt_bounds

    text = " ".join(f"In year {k} the U.S. government paid and Mr. Smith agreed with it."
                    for k in range(80))
    i = text.index("In year 40 ")
    a, b = excerpt_bounds(text, i, i + 30)
    assert text[a:b].startswith("In year ") and text[a:b].endswith("agreed with it.")
    assert b - a <= EXCERPT_CHARS
    words = " ".join(f"word{k} and more words here" for k in range(600))  # no punctuation
    i = words.index("word300 ")
    a, b = excerpt_bounds(words, i, i + 20)
    assert a <= i and b >= i + 20 and b - a <= EXCERPT_CHARS
    assert words[a - 1] == " " and words[b] == " "  # whole words
    assert excerpt_bounds("\n\n" * 800, 10, 20) == (0, 1600)  # nothing to cut: whole
    # an excerpt of nearly all of the turn is the whole turn
    assert excerpt_bounds("x" * 1450 + "\n\n" + "y" * 100, 5, 10) == (0, 1552)
