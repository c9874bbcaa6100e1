"""The app end to end in Debian's Chromium (Playwright, never a downloaded browser).

One real server per module (`ui.serve`, the same code `python app.py` runs, in a thread of
this process so it shares the session's model), one fresh browser page per test. The tests
that upload run last, since they add transcripts to the index.
"""
from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEED, make_qa

pytestmark = [
    pytest.mark.browser, pytest.mark.slow,
    # Gradio's own queue code trips pandas 3 deprecations; nothing here to act on.
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]
SCREENSHOT = ROOT / "docs" / "screenshot-answer.png"
BRIEFING = ROOT / "bench" / "briefing" / "transcripts" / "wh_press_briefing_2023-11-30.md"
QUESTION = "How much money has the government spent on programs?"
SEED_TITLE = "Policy Podcast: Trafficking in Persons"
TIMEOUT = 60_000  # ms; a loaded CI machine can be slow, a passing run is not

TOWN_HALL = """Town Hall on the Riverside Bridge

MAYOR ALVAREZ: Good evening. Tonight we discuss the Riverside bridge repairs.

COUNCILLOR OKAFOR: The engineers told us the repairs will cost 12 million dollars and take two summers.

MAYOR ALVAREZ: And the ferry will run while the bridge is closed, every twenty minutes.

COUNCILLOR OKAFOR: The ferry fare will be free for residents during the closure.
"""

HOSTILE = """Hostile Kitchen <script>window.__pwned='title'</script>

CHEF: Today we bake <b>sourdough</b> bread. <script>window.__pwned='script'</script>

GUEST: How long does the dough rise? <img src=x onerror="window.__pwned='img'">

CHEF: The dough rises for twelve hours. ${window.__pwned='template'} {{constructor}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory, encoder):
    """A live app over a fresh copy of the bundled transcript (index built at start)."""
    from transcript_qa import ui

    qa = make_qa(tmp_path_factory.mktemp("ui"), [SEED], encoder)
    demo, url = ui.serve(qa, block=False, server_port=free_port())
    yield qa, url
    demo.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium (apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(app, browser):
    """A fresh page on the app; fails the test on any dialog, page error or off-host request."""
    _, url = app
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    problems: list[str] = []
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
          else problems.append(f"off-host request: {r.url}"))
    pg.goto(url)
    pg.locator("#tqa-stats", has_text="turns").wait_for()  # index ready, lists filled
    yield pg
    pwned = pg.evaluate("window.__pwned")
    context.close()
    assert pwned is None, f"injected code ran: {pwned}"
    assert problems == []


def ask(page, question: str):
    box = page.locator("#tqa-question textarea")
    box.fill(question)
    box.press("Enter")  # Enter submits
    card = page.locator("#tqa-result .tqa-card")
    page.locator("#tqa-result .tqa-q").filter(has_text=question.split()[0]).wait_for()
    return card


def pick(page, elem_id: str, option: str) -> None:
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def options(page, elem_id: str) -> list[str]:
    """The labels a dropdown offers, as a user sees them on opening it."""
    box = page.locator(f"#{elem_id} input")
    box.click()
    page.get_by_role("option").first.wait_for()
    labels = page.get_by_role("option").all_inner_texts()
    box.blur()  # closed; Escape leaves it focused, and a click then opens nothing
    return [x.split("\n")[-1].strip() for x in labels]  # the picked one starts "✓\n"


def test_ask_shows_the_answer_with_the_cited_speaker_text(page):
    card = ask(page, QUESTION)
    assert "530 million" in card.locator(".tqa-answer-text").inner_text()
    assert card.locator(".tqa-cite .tqa-name").inner_text() == "Mark P. Lagon"
    assert "Ambassador-At-Large" in card.locator(".tqa-cite .tqa-role").inner_text()
    where = card.locator(".tqa-cite .tqa-where").inner_text()
    assert SEED_TITLE in where and "turn 10" in where
    # The cited turn verbatim, with the answer span highlighted inside it.
    cited = card.locator("blockquote.tqa-cited")
    assert cited.inner_text().startswith("Well, Congress had a really good idea")
    assert "$530 million" in cited.locator("mark").inner_text()
    # Other ranked passages: speaker, turn number, score and text each.
    others = page.locator("#tqa-result article.tqa-passage")
    assert others.count() == 4  # k=5 minus the cited one
    for i in range(others.count()):
        p = others.nth(i)
        assert p.locator("header .tqa-name").inner_text()
        assert re.search(r"turns? \d+", p.locator(":scope > .tqa-where").inner_text())
        assert re.fullmatch(r"\d\.\d\d", p.locator(".tqa-score").inner_text().strip())
        assert len(p.locator(":scope > .tqa-body").inner_text()) > 20
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.locator("#tqa-result .tqa-card").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_an_answer_without_the_asked_for_year_carries_a_visible_note(page):
    card = ask(page, "In what year did Lagon become ambassador-at-large?")
    note = card.locator(".tqa-lacks")
    assert note.is_visible() and "asks for a date or time" in note.inner_text()
    assert "tqa-answer" in card.get_attribute("class")  # answered, not refused
    card = ask(page, "When will the next trafficking report come out?")
    assert "June" in card.locator(".tqa-answer-text").inner_text()
    assert card.locator(".tqa-lacks").count() == 0


def test_a_speaker_named_in_the_question_is_marked(page):
    card = ask(page, "What did McCormack say about forced labor in sweatshops?")
    assert card.locator(".tqa-cite .tqa-name").inner_text() == "Sean McCormack"
    assert card.locator(".tqa-cite .tqa-named").inner_text() == "named in your question"
    # only on that speaker's turns
    for a in page.locator("#tqa-result article.tqa-passage").all():
        named = a.locator(".tqa-named").count() == 1
        assert named == (a.locator("header .tqa-name").inner_text() == "Sean McCormack")


# The answer's elements that reach past the right edge of a `width`-pixel screen.
OVERFLOW = """(width) => [...document.querySelectorAll('#tqa-result .tqa-result *')]
  .map(e => [e, e.getBoundingClientRect()]).filter(([e, r]) => r.width && r.right > width + 0.5)
  .map(([e, r]) => `${e.tagName.toLowerCase()}.${e.className}: right edge ${r.right}`)"""

# Each badge's box against its own text: one line, and no wider than the text plus padding.
BADGES = """() => [...document.querySelectorAll('#tqa-result .tqa-badge')].map(e => {
  const r = document.createRange(); r.selectNodeContents(e);
  const s = getComputedStyle(e);
  const pad = parseFloat(s.paddingLeft) + parseFloat(s.paddingRight);
  return {text: e.innerText, lines: r.getClientRects().length,
          slack: e.getBoundingClientRect().width - r.getBoundingClientRect().width - pad}; })"""


def test_answers_fit_a_phone_screen(page):
    """At 400 px nothing in an answer is wider than the screen (the page never zooms out or
    scrolls sideways): long roles are cut with an ellipsis, the whole role in its tooltip."""
    page.set_viewport_size({"width": 400, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the start page is {width} px wide"
    for question in ["hotline", "What did Lagon say about Mexico?"]:
        ask(page, question)
        for toggle in page.locator("#tqa-result details.tqa-ctx-toggle > summary").all():
            toggle.click()  # neighbours shown: their heads must fit too
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, (question, width, page.evaluate(OVERFLOW, 400))
    # Lagon's 150-character role: cut in the passage headers, whole in the tooltip.
    role = page.locator("#tqa-result article header .tqa-role").first
    assert role.get_attribute("title") == role.inner_text()
    assert role.get_attribute("title").endswith("Senior Advisor to the Secretary of State")
    badges = page.evaluate(BADGES)
    assert badges and [b for b in badges if b["lines"] != 1 or b["slack"] >= 2] == []


def test_badges_are_as_wide_as_their_text(page):
    """"named in your question" is a small one-line pill, on the answer card (it stretched
    across the card) and in the passage headers (it wrapped onto two lines)."""
    ask(page, "What did Lagon say about Mexico?")
    page.locator("#tqa-result .tqa-cite .tqa-named").wait_for()
    badges = page.evaluate(BADGES)
    assert len(badges) >= 2
    assert [b for b in badges if b["lines"] != 1 or b["slack"] >= 2] == []


def test_context_expands_in_place(page):
    ask(page, QUESTION)
    cited = page.locator("#tqa-result .tqa-cited-turn")
    before = cited.locator(".tqa-before .tqa-nb")  # turn 9: the question that was answered
    after = cited.locator(".tqa-after .tqa-nb")
    assert before.is_hidden() and after.is_hidden()
    cited.get_by_text("Show context").click()
    assert before.is_visible() and after.is_visible()
    assert "Sean McCormack" in before.inner_text() and "turn 9" in before.inner_text()
    assert "what the United States is doing to fight this plague" in before.inner_text()
    assert "turn 11" in after.inner_text()
    # In place: the neighbour sits above the cited text, the next turn below it.
    y = [loc.bounding_box()["y"] for loc in (before, cited.locator("blockquote"), after)]
    assert y == sorted(y)
    cited.get_by_text("Hide context").click()
    assert before.is_hidden()
    # Other passages expand the same way.
    other = page.locator("#tqa-result article.tqa-passage").first
    other.get_by_text("Show context").click()
    assert other.locator(".tqa-ctx .tqa-nb").first.is_visible()


def test_browse_shows_the_whole_transcript_and_filters(page, app):
    qa, _ = app
    page.get_by_role("tab", name="Browse").click()
    view = page.locator("#tqa-browse")
    turns = view.locator(".tqa-turn")
    turns.nth(41).wait_for()
    assert turns.count() == 42
    assert "42 turns" in view.locator(".tqa-count").inner_text()
    assert view.locator("h2").inner_text() == SEED_TITLE
    first = turns.first.inner_text()
    assert "Sean McCormack" in first and "#1" in first and "thanks for joining us" in first
    assert "Department Spokesman" in view.locator(".tqa-legend").inner_text()

    pick(page, "tqa-browse-speaker", "Sean McCormack")
    expected = len(qa.turns(speaker="Sean McCormack"))
    page.wait_for_function(f"document.querySelectorAll('#tqa-browse .tqa-turn').length == {expected}")
    assert f"{expected} of 42 turns" in view.locator(".tqa-count").inner_text()
    assert set(turns.locator(".tqa-name").all_inner_texts()) == {"Sean McCormack"}

    pick(page, "tqa-browse-speaker", "All speakers")
    page.locator("#tqa-browse-query textarea").press_sequentially("mexico")  # as typed
    page.wait_for_function(  # typing filters as you go; wait for the full word's result
        "[...document.querySelectorAll('#tqa-browse .tqa-turn .tqa-body')]"
        ".every(e => e.innerText.toLowerCase().includes('mexico'))")
    expected = len(qa.turns(contains="Mexico"))
    assert 0 < expected < 42 and turns.count() == expected
    assert view.locator("mark").first.inner_text().lower() == "mexico"


def test_citation_opens_its_turn_in_browse(page):
    ask(page, QUESTION)
    page.locator("#tqa-result .tqa-cite a.tqa-goto").click()
    target = page.locator("#tqa-browse .tqa-turn.tqa-target")
    target.wait_for()
    assert target.get_attribute("id") == "turn-10"
    assert "$530 million" in target.inner_text()
    page.wait_for_function(
        "(() => { const r = document.querySelector('#tqa-browse .tqa-target')"
        ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()")
    assert page.locator("#tqa-browse .tqa-turn").count() == 42
    # The same citation opened again scrolls to its turn again (stop 20: the view was the
    # same, so nothing redrew, and Browse stayed where Ask had left the page)
    page.locator("#tqa-back").click()
    ask(page, "Who runs the national hotline?")  # a turn far down the transcript
    link = page.locator('#tqa-result .tqa-cite a.tqa-goto[data-turn="39"]')
    for _ in range(2):
        link.click()
        page.locator("#tqa-browse #turn-39.tqa-target").wait_for()
        page.wait_for_function(
            "(() => { const r = document.querySelector('#tqa-browse .tqa-target')"
            ".getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()",
            timeout=5000)
        page.locator("#tqa-back").click()
        page.evaluate("window.scrollTo(0, 0)")


def test_opening_a_transcript_list_and_closing_it_keeps_the_filters(page, app):
    """The Transcript lists fire on being opened and closed unchanged: that cleared the
    speaker filter (Ask and Browse) and the words to find (Browse)."""
    pick(page, "tqa-ask-speaker", "Sean McCormack")
    assert SEED_TITLE in options(page, "tqa-ask-transcript")
    page.wait_for_timeout(1000)  # the list's event has been answered
    assert page.locator("#tqa-ask-speaker input").input_value() == "Sean McCormack"

    page.get_by_role("tab", name="Browse").click()
    pick(page, "tqa-browse-speaker", "Sean McCormack")
    page.locator("#tqa-browse-query textarea").press_sequentially("trafficking")
    expected = len(app[0].turns(speaker="Sean McCormack", contains="trafficking"))
    count = page.locator("#tqa-browse .tqa-count")
    assert 0 < expected < 15
    count.filter(has_text=f"{expected} of 42 turns").wait_for()
    shown = count.inner_text()
    assert SEED_TITLE in options(page, "tqa-browse-transcript")
    page.wait_for_timeout(1000)
    assert page.locator("#tqa-browse-speaker input").input_value() == "Sean McCormack"
    assert page.locator("#tqa-browse-query textarea").input_value() == "trafficking"
    assert count.inner_text() == shown


def test_example_questions_and_filters(page, app):
    qa, _ = app
    page.locator("#tqa-examples").get_by_text("What is a T visa?").click()  # fills and asks
    card = page.locator("#tqa-result .tqa-card")
    page.locator("#tqa-result .tqa-q").filter(has_text="T visa").wait_for()
    assert "T visa" in card.locator(".tqa-answer-text").inner_text()
    assert page.locator("#tqa-question textarea").input_value() == "What is a T visa?"

    pick(page, "tqa-ask-speaker", "Sean McCormack")
    page.locator("#tqa-k input[type=number]").fill("3")
    page.locator("#tqa-k input[type=number]").press("Enter")
    ask(page, "What did the spokesman ask about Mexico?")
    names = page.locator("#tqa-result .tqa-cite .tqa-name, #tqa-result article header .tqa-name")
    page.wait_for_function(
        "document.querySelectorAll('#tqa-result .tqa-cite, #tqa-result article').length == 3")
    assert set(names.all_inner_texts()) == {"Sean McCormack"}


def test_hostile_question_is_shown_as_text_and_runs_nothing(page):
    q = "<img src=x onerror=\"window.__pwned='q'\"><script>window.__pwned='s'</script> T visa?"
    ask(page, q)
    result = page.locator("#tqa-result")
    assert result.locator("img, script, iframe").count() == 0
    assert q in result.locator(".tqa-q").inner_text()
    page.wait_for_timeout(300)  # give a would-be onerror handler time to fire
    assert page.evaluate("window.__pwned") is None


def test_user_errors_are_messages_not_tracebacks(page):
    box = page.locator("#tqa-question textarea")
    box.fill("   ")
    box.press("Enter")
    err = page.locator("#tqa-result .tqa-error")
    err.wait_for()
    assert "The question is empty" in err.inner_text()
    assert "Traceback" not in page.content()


# ---------------------------------------------------------------- uploads (change the index)


def upload(page, path: Path):
    page.get_by_role("tab", name="Upload").click()
    page.locator("#tqa-upload-file input[type=file]").set_input_files(str(path))


def add_transcript(page, path: Path, text: str) -> None:
    """Upload, wait for the preview, confirm, wait for the outcome."""
    path.write_text(text, encoding="utf-8")
    upload(page, path)
    page.locator("#tqa-upload-preview .tqa-nturns").wait_for()
    page.locator("#tqa-upload-confirm").click()
    page.locator("#tqa-upload-result .tqa-ok").wait_for()


def test_upload_preview_confirm_then_ask(page, tmp_path):
    f = tmp_path / "town-hall.txt"
    f.write_text(TOWN_HALL, encoding="utf-8")
    upload(page, f)
    preview = page.locator("#tqa-upload-preview")
    preview.locator(".tqa-nturns").wait_for()
    assert preview.locator(".tqa-nturns").inner_text() == "4"
    assert preview.locator(".tqa-people").inner_text().split() == [
        "Mayor", "Alvarez", "2", "turns", "Councillor", "Okafor", "2", "turns"]
    assert page.locator("#tqa-upload-name textarea").input_value() == "town-hall.txt"
    page.locator("#tqa-upload-confirm").click()
    done = page.locator("#tqa-upload-result .tqa-ok")
    done.wait_for()
    assert "Added town-hall.txt (4 turns)" in done.inner_text()
    page.locator("#tqa-stats", has_text="2 transcripts").wait_for()  # lists refreshed

    page.get_by_role("tab", name="Ask").click()
    card = ask(page, "How much will the bridge repairs cost?")
    assert "12 million" in card.locator(".tqa-answer-text").inner_text()
    assert card.locator(".tqa-cite .tqa-name").inner_text() == "Councillor Okafor"
    assert "Town Hall on the Riverside Bridge" in card.locator(".tqa-where").inner_text()


def test_upload_refuses_unsafe_names_and_unparseable_files(page, app, tmp_path):
    qa, _ = app
    f = tmp_path / "notes.txt"
    f.write_text(TOWN_HALL, encoding="utf-8")
    upload(page, f)
    page.locator("#tqa-upload-preview .tqa-nturns").wait_for()
    confirm = page.locator("#tqa-upload-confirm")
    assert confirm.is_enabled()
    name = page.locator("#tqa-upload-name textarea")
    # Typed and clicked at once (no Enter, no blur first): the click blurs the name box, whose
    # preview runs too. Whichever the browser sends first, the real reason is shown: in the
    # outcome (the click went through) or in the preview, the button then disabled (the
    # preview came back before the click was sent); never "Choose a transcript file first."
    name.fill("../../escape.txt")
    confirm.click()
    reason = "'../../escape.txt' is a path"
    outcome = page.locator("#tqa-upload-result .tqa-error").filter(has_text=reason)
    refused = page.locator("#tqa-upload-preview .tqa-error").filter(has_text=reason)
    outcome.or_(refused).first.wait_for()
    time.sleep(1)  # a click still on its way would have answered by now
    result = page.locator("#tqa-upload-result").inner_text()
    assert "Choose a transcript file" not in result
    assert outcome.count() or (refused.count() and confirm.is_disabled())
    assert not (qa.cfg.transcripts_dir.parent.parent / "escape.txt").exists()
    assert not (qa.cfg.transcripts_dir.parent / "escape.txt").exists()
    for bad, why in [("../evil.txt", "is a path"), ("/tmp/evil.txt", "is a path"),
                     (".hidden.txt", "starts with a dot")]:
        name.fill(bad)
        name.press("Enter")
        err = page.locator("#tqa-upload-preview .tqa-error").filter(has_text=bad)
        err.filter(has_text=why).wait_for()
        assert "plain file name" in err.inner_text() or "not allowed" in err.inner_text()
        assert confirm.is_disabled()
    assert not (qa.cfg.transcripts_dir.parent / "evil.txt").exists()
    assert not Path("/tmp/evil.txt").exists()

    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    page.locator("#tqa-upload-file button[aria-label='Clear']").click()
    upload(page, binary)
    err = page.locator("#tqa-upload-preview .tqa-error")
    err.filter(has_text="not a text transcript").wait_for()
    assert "photo.txt" in err.inner_text()
    assert confirm.is_disabled()
    assert sorted(p.name for p in qa.cfg.transcripts_dir.iterdir()) == sorted(
        [SEED.name, "town-hall.txt"])


def test_transcript_with_markup_renders_as_text(page, tmp_path):
    add_transcript(page, tmp_path / "hostile.txt", HOSTILE)

    page.get_by_role("tab", name="Browse").click()
    pick(page, "tqa-browse-transcript", "Hostile Kitchen <script>window.__pwned='title'</script>")
    view = page.locator("#tqa-browse")
    view.locator("h2", has_text="Hostile Kitchen").wait_for()  # not the view it replaces
    view.locator(".tqa-turn").nth(2).wait_for()
    text = view.inner_text()
    assert "<script>window.__pwned='script'</script>" in text
    assert "<img src=x onerror=\"window.__pwned='img'\">" in text
    assert "${window.__pwned='template'} {{constructor}}" in text
    assert view.locator("script, img, b").count() == 0

    # The same text as an answer and passages (restricted to that transcript: all 3 turns).
    page.get_by_role("tab", name="Ask").click()
    pick(page, "tqa-ask-transcript", "Hostile Kitchen <script>window.__pwned='title'</script>")
    ask(page, "How long does the dough rise?")
    result = page.locator("#tqa-result")
    result.locator(".tqa-passage").nth(2).wait_for()
    text = result.inner_text()
    for literal in ["<script>window.__pwned='script'</script>", "onerror=\"window.__pwned='img'\"",
                    "${window.__pwned='template'}", "<b>sourdough</b>"]:
        assert literal in text
    assert result.locator("script, img, b").count() == 0
    page.wait_for_timeout(300)  # give a would-be onerror handler time to fire


def long_statement() -> str:
    """A briefing-like opening statement: one speaker, 24 paragraphs, about 9,000 characters."""
    paras = [f"On item {i}, the committee reviewed the harbour budget line {i} in some detail, "
             f"heard from the port engineers about dredging schedules and tide tables, and "
             f"agreed to return to it at the next session after the audit of line {i}. "
             f"Members asked for more figures on maintenance and staffing for line {i}."
             for i in range(24)]
    paras[17] = ("The lighthouse on Gull Point will be repainted red and white next spring, "
                 "the chair said, after the heritage board approved the colours.")
    return ("Harbour Committee Briefing\n\nCHAIR: " + "\n\n".join(paras)
            + "\n\nREPORTER: Thank you.\n")


def test_a_long_turn_shows_an_excerpt_around_the_answer(page, tmp_path):
    """A 9,000-character statement is cited as an excerpt holding the highlighted answer (not
    the turn from its first word), with the whole turn one click away."""
    add_transcript(page, tmp_path / "harbour-briefing.txt", long_statement())
    page.get_by_role("tab", name="Ask").click()
    pick(page, "tqa-ask-transcript", "Harbour Committee Briefing")
    card = ask(page, "What colours will the lighthouse on Gull Point be painted?")
    assert "red and white" in card.locator(".tqa-answer-text").inner_text()
    cited = card.locator("blockquote.tqa-cited")
    excerpt = cited.locator(".tqa-excerpt")
    assert excerpt.is_visible() and "red and white" in excerpt.locator("mark").inner_text()
    assert "item 0," not in excerpt.inner_text()
    assert len(excerpt.inner_text()) < 1500
    full = cited.locator(".tqa-full")
    assert full.is_hidden()
    cited.get_by_text("Show the whole turn").click()
    full.wait_for()
    assert full.inner_text().startswith("On item 0,") and "red and white" in full.locator(
        "mark").inner_text()
    assert excerpt.is_hidden()
    cited.get_by_text("Show the excerpt").click()
    excerpt.wait_for()
    assert full.is_hidden()


IN_VIEW = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
  return r.top >= 0 && r.bottom <= innerHeight; }"""
# Where an element sits against the viewport once smooth scrolling has stopped.
SETTLED_BOX = """async (sel) => {
  let y = -1;
  while (y !== window.scrollY) { y = window.scrollY; await new Promise(r => setTimeout(r, 250)); }
  const r = document.querySelector(sel).getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, height: innerHeight};
}"""


def test_a_citation_into_a_long_turn_marks_its_span_in_browse_and_scrolls_to_it(page, tmp_path):
    """Kirby's 8,000-character turn 12 is taller than the screen: centring it showed unrelated
    text mid-turn, the quoted sentence unmarked. Now the sentence is marked and in view, from
    the answer's link and from another passage's link alike."""
    add_transcript(page, tmp_path / BRIEFING.name, BRIEFING.read_text(encoding="utf-8"))
    page.get_by_role("tab", name="Ask").click()
    pick(page, "tqa-ask-transcript", re.compile(r"^Press Briefing by Press Secretary"))
    passages = page.locator("#tqa-k input[type='number']")  # a long page of results
    passages.fill("20")
    passages.press("Enter")
    card = ask(page, "What did Kirby say about the hostages?")
    quote = "two hostages had made their way back"
    assert quote in card.locator(".tqa-answer-text").inner_text()
    card.locator(".tqa-cite a.tqa-goto").click()
    target = page.locator("#tqa-browse .tqa-turn.tqa-target")
    target.wait_for()
    assert target.get_attribute("id") == "turn-12"
    span = target.locator("mark.tqa-span")
    assert span.count() == 1 and quote in span.inner_text()
    page.wait_for_function(IN_VIEW, arg="#tqa-browse .tqa-target mark.tqa-span")
    box = page.evaluate(SETTLED_BOX, "#tqa-browse .tqa-target mark.tqa-span")
    assert 0 <= box["top"] and box["bottom"] <= box["height"], box
    assert target.bounding_box()["height"] > 2 * box["height"]  # the turn itself cannot fit

    # Another passage's link carries its own sentence the same way.
    page.get_by_role("tab", name="Ask").click()
    other = page.locator("#tqa-result article.tqa-passage").first
    number = other.get_attribute("data-turn")
    marked = other.locator(".tqa-body mark").first.inner_text()
    other.locator(":scope > .tqa-where a.tqa-goto").click()
    target = page.locator(f"#tqa-browse .tqa-turn.tqa-target#turn-{number}")
    target.wait_for()
    assert target.locator("mark.tqa-span").inner_text() == marked
    page.wait_for_function(IN_VIEW, arg="#tqa-browse .tqa-target mark.tqa-span")
    box = page.evaluate(SETTLED_BOX, "#tqa-browse .tqa-target mark.tqa-span")
    assert 0 <= box["top"] and box["bottom"] <= box["height"], box

    # "Back to the answer" returns to the Ask tab with the citation clicked in view: here
    # that of the 6th of 19 passages, far from where the Browse scroll leaves the page (the
    # browser's Back button would leave the app).
    page.get_by_role("tab", name="Ask").click()
    cited = "#tqa-result article.tqa-passage:nth-of-type(6) > .tqa-where a.tqa-goto"
    page.locator(cited).click()
    page.locator("#tqa-back").click()
    page.wait_for_function(IN_VIEW, arg=cited)
    box = page.evaluate(SETTLED_BOX, cited)
    assert 0 <= box["top"] and box["bottom"] <= box["height"], box
    assert not page.locator("#tqa-back").is_visible()


FERRY = """Ferry Users Meeting

CAPTAIN MBEKI: The new ferry timetable starts in May, with a boat every fifteen minutes.

RESIDENT: Will bicycles be allowed on board?

CAPTAIN MBEKI: Bicycles ride free on every crossing.
"""


def test_a_citation_of_a_since_replaced_transcript_says_so_instead_of_pointing_elsewhere(
        page, app, recwarn):
    """The file is replaced (one turn added at the top) after the answer: turn 3 is another
    speaker's words now, so the old citation says the transcript changed and marks no turn."""
    qa, _ = app
    text = FERRY.replace("Ferry Users Meeting", "Ferry Timetable Briefing")
    qa.save_upload(text.encode(), "ferry-changed.txt")
    card = ask(page, "Will bicycles be allowed on the ferry?")
    link = card.locator(".tqa-cite a.tqa-goto")
    assert link.get_attribute("data-transcript") == "ferry-changed"
    number = link.get_attribute("data-turn")
    head, _, rest = text.partition("\n\n")
    qa.save_upload(f"{head}\n\nHARBOUR MASTER: Welcome, everyone.\n\n{rest}".encode(),
                   "ferry-changed.txt", overwrite=True)
    link.click()
    page.locator("#tqa-browse .tqa-error", has_text="has changed since the answer").wait_for()
    assert f"turn {number} no longer holds" in page.locator("#tqa-browse .tqa-error").inner_text()
    assert page.locator("#tqa-browse .tqa-target").count() == 0
    # the Browse list names it, though this page's lists may not have caught up with the
    # upload yet (the server warned of a value not among the choices)
    assert page.locator("#tqa-browse-transcript input").input_value() == "Ferry Timetable Briefing"
    assert not [w for w in recwarn if "not in the list of choices" in str(w.message)]


def test_a_page_open_before_an_upload_catches_up_without_a_reload(page, app, browser, tmp_path):
    """Page A, opened first, lists the transcript page B uploads (header, Ask and Browse
    dropdowns) with no reload, and keeps what its user had picked."""
    qa, url = app
    before = len(qa.transcripts())
    pick(page, "tqa-ask-speaker", "Sean McCormack")
    assert SEED_TITLE in options(page, "tqa-ask-transcript")
    assert "Ferry Users Meeting" not in options(page, "tqa-ask-transcript")

    other = browser.new_context(viewport={"width": 1200, "height": 900})
    b = other.new_page()
    b.set_default_timeout(TIMEOUT)
    b.goto(url)
    b.locator("#tqa-stats", has_text="turns").wait_for()
    add_transcript(b, tmp_path / "ferry-meeting.txt", FERRY)
    other.close()

    page.locator("#tqa-stats", has_text=f"{before + 1} transcripts").wait_for()
    assert "Ferry Users Meeting" in options(page, "tqa-ask-transcript")
    assert "Captain Mbeki" in options(page, "tqa-ask-speaker")
    assert page.locator("#tqa-ask-speaker input").input_value() == "Sean McCormack"  # kept
    page.get_by_role("tab", name="Browse").click()
    assert "Ferry Users Meeting" in options(page, "tqa-browse-transcript")
    pick(page, "tqa-browse-transcript", "Ferry Users Meeting")
    page.locator("#tqa-browse h2", has_text="Ferry Users Meeting").wait_for()
    assert "Bicycles ride free" in page.locator("#tqa-browse").inner_text()


def test_first_run_with_no_transcripts_says_what_to_do_then_upload_works(
        tmp_path_factory, encoder, browser, tmp_path):
    """An empty transcripts folder is not a dead end: the page says so, and uploading the
    first transcript builds the index and makes it answerable without a restart."""
    from transcript_qa import ui

    qa = make_qa(tmp_path_factory.mktemp("empty"), [], encoder)
    (qa.cfg.transcripts_dir / "talk.pdf").write_bytes(b"%PDF-1.4 ...")  # no transcript type
    demo, url = ui.serve(qa, block=False, server_port=free_port())
    try:
        pg = browser.new_page()
        pg.set_default_timeout(TIMEOUT)
        pg.goto(url)
        banner = pg.locator("#tqa-banner .tqa-status-error", has_text="No transcripts yet")
        banner.wait_for()
        assert "(talk.pdf is not a transcript type ('.pdf'); export or save it as one of " \
            in banner.inner_text()
        add_transcript(pg, tmp_path / "town-hall.txt", TOWN_HALL)
        pg.locator("#tqa-stats", has_text="1 transcript · 4 turns").wait_for()
        assert pg.locator("#tqa-banner").is_hidden()
        pg.get_by_role("tab", name="Ask").click()
        card = ask(pg, "How much will the bridge repairs cost?")
        assert "12 million" in card.locator(".tqa-answer-text").inner_text()
        pg.close()
    finally:
        demo.close()
