"""HTML for the app: answer cards, passages, the transcript view, upload previews.

Pure functions from the contracts in `model.py` to strings, so they are testable without a
server. Every piece of transcript, question, title or file-name text goes through `esc()`:
a transcript or question containing `<script>` or `<img onerror=...>` shows as text and runs
nothing. The only markup is what this module writes itself.
"""
from __future__ import annotations

import html
import re
from typing import Callable, Iterable, Sequence

from .lexicon import find_pattern
from .model import Answer, Passage, Turn, plural

ContextFn = Callable[[str, int], list[Turn]]  # (transcript, turn) -> the turn with neighbours
N_COLOURS = 8
# A turn longer than this (a briefing's opening statement: 7,000+ characters) is shown as an
# excerpt of about EXCERPT_CHARS around its answer, the whole turn one click away: in full,
# the highlighted answer sat 2,000 pixels below the citation.
LONG_TURN_CHARS = 1500
EXCERPT_CHARS = 700
_PARAGRAPH = re.compile(r"\n\s*\n")
_LINE = re.compile(r"\n")
_SPACE = re.compile(r"\s+")


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def fmt_time(seconds: float | None) -> str:
    """m:ss, or h:mm:ss; a countdown stamp before zero (Spacelog's `-00:00:00:04`) keeps its
    sign: floor division of a negative gave -1:59:56."""
    if seconds is None:
        return ""
    sign, s = ("-" if seconds < 0 else ""), int(abs(seconds))
    h, m, s = s // 3600, s // 60 % 60, s % 60
    return sign + (f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}")


class Colours:
    """A stable colour per speaker (order of first appearance), for a readable conversation."""

    def __init__(self, names: Iterable[str] = ()):
        self._idx: dict[str, int] = {}
        for n in names:
            self.of(n)

    def of(self, name: str) -> int:
        return self._idx.setdefault(name, len(self._idx) % N_COLOURS)


# ----------------------------------------------------------------------------- pieces


def _text(text: str, marks: Sequence[tuple[int, int]] = (),
          span: tuple[int, int] | None = None) -> str:
    """Escape `text`, wrapping each (start, end) range in <mark>; ranges must not overlap.
    `span` (a cited answer) is marked `tqa-span` and wins over marks it overlaps."""
    ranges = [(s, e, "<mark>") for s, e in marks
              if not (span and s < span[1] and e > span[0])]
    if span:
        ranges.append((*span, '<mark class="tqa-span">'))
    out, pos = [], 0
    for s, e, tag in sorted(ranges):
        if s < pos or e <= s:
            continue
        out += [esc(text[pos:s]), tag, esc(text[s:e]), "</mark>"]
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def _speaker(turn: Turn, colours: Colours, with_role: bool = True, badge: str = "") -> str:
    """Dot, name, `badge` (markup), role: the badge sits by the name it is about."""
    c = colours.of(turn.speaker_name)
    title = f' title="{esc(turn.speaker)}"' if turn.speaker != turn.speaker_name else ""
    role = (f'<span class="tqa-role" title="{esc(turn.speaker_role)}">'
            f"{esc(turn.speaker_role)}</span>" if with_role and turn.speaker_role else "")
    return (f'<span class="tqa-who"><span class="tqa-dot tqa-c{c}"></span>'
            f'<span class="tqa-name"{title}>{esc(turn.speaker_name)}</span>{badge}{role}</span>')


def turn_label(run: Sequence[Turn]) -> str:
    """"turn 5", or "turns 38–40" for a passage that is one speaker's run of turns (with any
    nod from another speaker between them)."""
    first, last = run[0].number, run[-1].number
    if first == last == 0:
        return "header"  # roster.py: the header line naming someone, no turn of speech
    return f"turn {first}" if first == last else f"turns {first}–{last}"


def _goto(turn: Turn, title: str, run: Sequence[Turn] = (),
          span: tuple[int, int] | None = None) -> str:
    """A citation link; the app's script turns a click into 'show this turn in Browse', with
    `span` (offsets into the turn's text) marked there and scrolled to: centring a long turn
    put the reader in its middle, far from the quoted sentence."""
    when = f" · {fmt_time(turn.start)}" if turn.start is not None else ""
    if turn.number == 0:  # a header line (roster.py): Browse lists turns, so no link
        return (f'<span class="tqa-title">{esc(title or turn.transcript_id)}</span> · '
                f'{turn_label(run or [turn])}')
    span = valid_span(turn.text, span)
    at = f' data-start="{span[0]}" data-end="{span[1]}"' if span else ""
    return (f'<a class="tqa-goto" href="#" data-transcript="{esc(turn.transcript_id)}" '
            f'data-turn="{turn.number}" data-check="{text_check(turn.text)}"{at} '
            'title="Open this turn in the transcript">'
            f'<span class="tqa-title">{esc(title or turn.transcript_id)}</span> · '
            f'{turn_label(run or [turn])}{when}</a>')


def text_check(text: str) -> str:
    """A short fingerprint of a cited turn's words, carried by its link: a transcript
    replaced after the answer may have other words at that turn number."""
    import zlib

    return f"{zlib.crc32(text.encode('utf-8')):08x}"


def valid_span(text: str, span: object) -> tuple[int, int] | None:
    """`span` as (start, end) when it is two ints marking some of `text`, else None: a
    citation's span comes back from the page, so anything else is ignored, not trusted."""
    if not isinstance(span, (tuple, list)) or len(span) != 2:
        return None
    start, end = span
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        return None
    return (start, end) if 0 <= start < end <= len(text) else None


def _cut(text: str, a: int, b: int, pattern: re.Pattern) -> list[tuple[int, int]]:
    """text[a:b] cut where `pattern` matches, as (start, end) offsets, blank pieces dropped."""
    out, pos = [], a
    for m in pattern.finditer(text, a, b):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, b))
    return [(x, y) for x, y in out if text[x:y].strip()]


def _sentences(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The sentences of text[a:b] as the index cut them (`passages.sentence_spans`: "U.S." and
    "Mr." end none), so the cuts fall where the highlighted span's own edges do."""
    from .passages import sentence_spans

    return [(a + x, a + y) for x, y in sentence_spans(text[a:b])]


def _grow(pieces: list[tuple[int, int]], start: int, end: int, size: int) -> tuple[int, int]:
    """The pieces that hold text[start:end], with neighbours added (before, after, in turn)
    while the whole stays under `size` characters."""
    lo = next((i for i, (_, y) in enumerate(pieces) if y > start), len(pieces) - 1)
    hi = next((i for i in range(len(pieces) - 1, -1, -1) if pieces[i][0] < end), lo)
    hi = max(hi, lo)
    while True:
        grown = False
        if lo > 0 and pieces[hi][1] - pieces[lo - 1][0] <= size:
            lo, grown = lo - 1, True
        if hi + 1 < len(pieces) and pieces[hi + 1][1] - pieces[lo][0] <= size:
            hi, grown = hi + 1, True
        if not grown:
            return min(pieces[lo][0], start), max(pieces[hi][1], end)


def excerpt_bounds(text: str, start: int, end: int,
                   size: int = EXCERPT_CHARS) -> tuple[int, int]:
    """(a, b): the part of a long turn to show first around text[start:end], whole
    paragraphs grown to about `size` characters; inside a part still over twice that, whole
    sentences, then lines, then words (unpunctuated speech-to-text). A turn of at most
    LONG_TURN_CHARS, a span outside the text, or an excerpt of most of the turn (all but
    LONG_TURN_CHARS / 5 characters) is the whole turn: (0, len(text))."""
    whole = (0, len(text))
    if len(text) <= LONG_TURN_CHARS or not 0 <= start < end <= len(text):
        return whole
    a, b = whole
    for cut in (lambda x, y: _cut(text, x, y, _PARAGRAPH), lambda x, y: _sentences(text, x, y),
                lambda x, y: _cut(text, x, y, _LINE), lambda x, y: _cut(text, x, y, _SPACE)):
        if b - a <= 2 * size:
            break
        pieces = cut(a, b)
        if pieces:
            a, b = _grow(pieces, start, end, size)
    rest = text[:a].strip(), text[b:].strip()
    if len(rest[0]) + len(rest[1]) < LONG_TURN_CHARS // 5:
        return whole
    return (a if rest[0] else 0), (b if rest[1] else len(text))


def _turn_text(turn: Turn, marks: Sequence[tuple[int, int]] = (),
               focus: tuple[int, int] | None = None) -> str:
    """The turn's text, `marks` highlighted; a long one as an excerpt around `focus` (the
    answer span) with the whole turn behind "Show the whole turn"."""
    a, b = excerpt_bounds(turn.text, *focus) if focus else (0, len(turn.text))
    if (a, b) == (0, len(turn.text)):
        return _text(turn.text, marks)
    inside = [(max(s, a) - a, min(e, b) - a) for s, e in marks if s < b and e > a]
    words = len(turn.text.split())
    return (f'<div class="tqa-excerpt">{"… " if a else ""}{_text(turn.text[a:b], inside)}'
            f'{" …" if b < len(turn.text) else ""}</div>'
            f'<details class="tqa-whole"><summary><span class="tqa-show">Show the whole turn '
            f'({words:,} words)</span><span class="tqa-hide">Show the excerpt</span></summary>'
            f'<div class="tqa-full">{_text(turn.text, marks)}</div></details>')


def _run_text(run: Sequence[Turn], cited: Turn, marks: Sequence[tuple[int, int]] = (),
              focus: tuple[int, int] | None = None) -> str:
    """The passage's turns as paragraphs, `marks` highlighted in the cited one; a long cited
    turn (a run is never long) as an excerpt around `focus`."""
    if len(run) == 1:
        return _turn_text(cited, marks, focus)
    return "".join(
        f'<p class="tqa-part" data-turn="{t.number}">'
        f"{_text(t.text, marks if t.number == cited.number else ())}</p>"
        if t.speaker == cited.speaker else  # another speaker's nod inside the run, by name
        f'<p class="tqa-part tqa-nod" data-turn="{t.number}">'
        f'<span class="tqa-nod-who">{esc(t.speaker_name)}:</span> {_text(t.text)}</p>'
        for t in run)


def _time(turn: Turn) -> str:
    """The turn's recording time, as Browse shows it (nothing when the format has none)."""
    return (f'<span class="tqa-time">{fmt_time(turn.start)}</span>'
            if turn.start is not None else "")


def _neighbour(turn: Turn, colours: Colours) -> str:
    return (f'<div class="tqa-nb" data-turn="{turn.number}">'
            f'<div class="tqa-nb-head">{_speaker(turn, colours, with_role=False)}{_time(turn)}'
            f'<span class="tqa-num">turn {turn.number}</span></div>'
            f'<div class="tqa-body">{_text(turn.text)}</div></div>')


def _with_context(run: Sequence[Turn], body: str, context: ContextFn | None,
                  colours: Colours) -> str:
    """The passage's text with the turns around it hidden above and below, shown in place on
    demand."""
    first, last = run[0], run[-1]
    tid = first.transcript_id
    if first.number == 0:  # a header line (roster.py) has no turns around it
        context = None
    before = [t for t in context(tid, first.number) if t.number < first.number] if context else []
    after = [t for t in context(tid, last.number) if t.number > last.number] if context else []
    if not before and not after:
        return body
    nums = [t.number for t in [*before, *run, *after]]
    span = f"turns {min(nums)}–{max(nums)}"
    return (
        f'<div class="tqa-ctx tqa-before">{"".join(_neighbour(t, colours) for t in before)}</div>'
        f"{body}"
        f'<div class="tqa-ctx tqa-after">{"".join(_neighbour(t, colours) for t in after)}</div>'
        f'<details class="tqa-ctx-toggle"><summary><span class="tqa-show">Show context '
        f'({span})</span><span class="tqa-hide">Hide context</span></summary></details>'
    )


_NAMED = ('<span class="tqa-badge tqa-named" title="the question names this speaker, so their '
          'turns rank higher">named in your question</span>')


def _named(p: Passage) -> str:
    """Says why a turn may rank higher: search boosts a speaker the question names."""
    return _NAMED if p.scores.get("speaker_named") else ""


def passage_html(p: Passage, context: ContextFn | None, colours: Colours) -> str:
    t = p.turn
    low = " tqa-low" if p.low_confidence else ""
    badge = '<span class="tqa-badge">closest match</span>' if p.low_confidence else ""
    badge += _named(p)
    score = max(0.0, min(1.0, float(p.score)))
    span = (p.span_start, p.span_end)
    # its best sentence, lightly marked: what it matched (not for low-confidence matches, nor
    # when that is all the passage says)
    best = [span] if (not p.low_confidence and 0 <= span[0] < span[1] <= len(t.text)
                      and (len(p.run) > 1 or span != (0, len(t.text)))) else []
    body = f'<div class="tqa-body">{_run_text(p.run, t, best, span)}</div>'
    # its link carries the span marked here (if any), to mark it again in Browse
    return (
        f'<article class="tqa-passage{low}" data-transcript="{esc(t.transcript_id)}" '
        f'data-turn="{t.number}">'
        f'<header><span class="tqa-rank">{p.rank or ""}</span>{_speaker(t, colours)}'
        f'<span class="tqa-meta">{badge}<span class="tqa-score" title="relevance score">'
        f'<span class="tqa-bar"><span style="width:{score * 100:.0f}%"></span></span>'
        f'{p.score:.2f}</span></span></header>'
        f'<div class="tqa-where">{_goto(t, p.transcript_title, p.run, *best[:1])}</div>'
        f"{_with_context(p.run, body, context, colours)}</article>"
    )


# ----------------------------------------------------------------------------- views


def answer_html(answer: Answer, context: ContextFn | None = None,
                colours: Colours | None = None) -> str:
    """The answer card (or the abstention card) and the ranked passages under it."""
    colours = colours or Colours()
    q = f'<div class="tqa-q"><span>You asked</span> {esc(answer.question)}</div>'
    if answer.abstained or answer.cited is None or answer.text is None:
        head = (
            '<section class="tqa-card tqa-abstain">'
            f"{q}<p class=\"tqa-verdict\">The transcripts do not answer this question.</p>"
            '<p class="tqa-hint">Nothing said in the indexed transcripts matches it closely '
            "enough to quote as an answer. The closest passages are below, marked as such; "
            "try rephrasing, or remove the speaker and transcript filters.</p></section>"
        )
        rest = answer.passages
        label = "Closest passages (low confidence)"
    else:
        c = answer.cited
        t = c.turn
        span = (answer.span_start, answer.span_end)
        body = (f'<blockquote class="tqa-body tqa-cited">'
                f"{_run_text(c.run, t, [span], span)}</blockquote>")
        head = (
            '<section class="tqa-card tqa-answer">'
            f'{q}<p class="tqa-answer-text">{esc(answer.text)}</p>{_lacks(answer)}'
            f'<div class="tqa-cite">{_speaker(t, colours, badge=_named(c))}'
            f'<div class="tqa-where">{_goto(t, c.transcript_title, c.run, span)}</div></div>'
            f'<div class="tqa-passage tqa-cited-turn" data-transcript="{esc(t.transcript_id)}" '
            f'data-turn="{t.number}">{_with_context(c.run, body, context, colours)}</div></section>'
        )
        key = (t.transcript_id, t.number)
        rest = [p for p in answer.passages if (p.turn.transcript_id, p.turn.number) != key]
        label = "Other passages"
    if not rest:
        return f'<div class="tqa-result">{head}</div>'
    items = "".join(passage_html(p, context, colours) for p in rest)
    return (f'<div class="tqa-result">{head}<h3 class="tqa-section">{label}</h3>'
            f'<div class="tqa-passages">{items}</div></div>')


def _lacks(answer: Answer) -> str:
    """The caution under an answer that lacks what the question asks for (answer.lacking)."""
    if not answer.lacks:
        return ""
    from .answer import lacking_message

    return f'<p class="tqa-lacks" role="note">{esc(lacking_message(answer.lacks))}</p>'


def error_html(message: str) -> str:
    return f'<div class="tqa-result"><div class="tqa-error" role="alert">{esc(message)}</div></div>'


def empty_html(text: str) -> str:
    return f'<div class="tqa-empty">{esc(text)}</div>'


def transcript_html(title: str, turns: list[Turn], total: int, query: str = "",
                    target: int | None = None, colours: Colours | None = None,
                    speakers: Sequence[tuple[str, str | None]] = (),
                    span: object = None) -> str:
    """A transcript as a conversation; `query` matches are marked, `target` is highlighted
    and `span` ((start, end) into its text, as a citation link sent it) marked in it: kept
    only when `valid_span` there, else ignored.

    `speakers` ((name, role) pairs) is shown once as a legend, so turns carry names only.
    """
    colours = colours or Colours(t.speaker_name for t in turns)
    legend = "".join(
        f'<li><span class="tqa-dot tqa-c{colours.of(n)}"></span><span class="tqa-name">'
        f'{esc(n)}</span>{f"""<span class="tqa-role">{esc(r)}</span>""" if r else ""}</li>'
        for n, r in speakers
    )
    pattern = find_pattern(query)
    shown = len(turns)
    count = plural(total, "turn") if shown == total else f"{shown} of {total} turns"
    rows = []
    for t in turns:
        marks = [m.span() for m in pattern.finditer(t.text)] if pattern else []
        cls = " tqa-target" if t.number == target else ""
        cited = valid_span(t.text, span) if cls else None
        rows.append(
            f'<div class="tqa-turn tqa-c{colours.of(t.speaker_name)}{cls}" '
            f'id="turn-{t.number}" data-turn="{t.number}">'
            f'<div class="tqa-turn-head">{_speaker(t, colours, with_role=False)}{_time(t)}'
            f'<span class="tqa-num">#{t.number}</span></div>'
            f'<div class="tqa-body">{_text(t.text, marks, cited)}</div></div>'
        )
    body = "".join(rows) or '<div class="tqa-empty">No turns match these filters.</div>'
    return (f'<div class="tqa-transcript"><div class="tqa-transcript-head">'
            f'<h2>{esc(title)}</h2><span class="tqa-count">{count}</span></div>'
            f'{f"""<ul class="tqa-legend">{legend}</ul>""" if legend else ""}{body}</div>')


def status_html(message: str, done: int = 0, total: int = 0, error: bool = False) -> str:
    """The startup banner: index build progress, or why the index could not be built."""
    if error:
        return f'<div class="tqa-status tqa-status-error" role="alert">{esc(message)}</div>'
    bar = ""
    if total:
        pct = 100 * done / total
        bar = (f'<div class="tqa-progress"><span style="width:{pct:.0f}%"></span></div>'
               f'<span class="tqa-progress-num">{done} / {total}</span>')
    return (f'<div class="tqa-status" role="status"><span class="tqa-spinner"></span>'
            f"<span>{esc(message)}</span>{bar}</div>")


def upload_preview_html(preview, max_turns: int = 6) -> str:
    """What an uploaded file parses into (an `uploads.Preview`): title, counts, first turns."""
    colours = Colours(n for n, _ in preview.speakers)
    people = "".join(
        f'<li><span class="tqa-dot tqa-c{colours.of(n)}"></span>{esc(n)} '
        f'<span class="tqa-muted">{c} turn{"s" if c != 1 else ""}</span></li>'
        for n, c in preview.speakers
    )
    sample = "".join(
        f'<div class="tqa-nb"><div class="tqa-nb-head">{_speaker(t, colours, False)}'
        f'<span class="tqa-num">turn {t.number}</span></div>'
        f'<div class="tqa-body">{_text(_clip(t.text, 280))}</div></div>'
        for t in preview.turns[:max_turns]
    )
    more = preview.n_turns - min(max_turns, preview.n_turns)
    more_html = (f'<div class="tqa-muted">… and {plural(more, "more turn")}</div>' if more
                 else "")
    note = ""
    if preview.identical:
        note = ('<p class="tqa-note">This exact file is already in the transcripts folder; '
                "adding it again changes nothing.</p>")
    elif preview.exists:
        note = (f'<p class="tqa-warn">A different file named <b>{esc(preview.name)}</b> is '
                "already in the transcripts folder. Tick “Replace” to overwrite it, or "
                "choose another name.</p>")
    return (
        f'<div class="tqa-upload-preview"><h3>{esc(preview.title)}</h3>'
        f'<p class="tqa-muted">{esc(preview.name)} · {esc(preview.format)} format · '
        f"{preview.size / 1024:.1f} KB</p>"
        f'<p class="tqa-stat"><b class="tqa-nturns">{preview.n_turns}</b> '
        f'turn{"s" if preview.n_turns != 1 else ""} by '
        f'<b>{len(preview.speakers)}</b> speaker{"s" if len(preview.speakers) != 1 else ""}</p>'
        f'<ul class="tqa-people">{people}</ul>{note}'
        f'<div class="tqa-sample">{sample}{more_html}</div></div>'
    )


def notice_html(message: str, kind: str = "ok") -> str:
    """A one-line outcome (kind: ok | error)."""
    role = ' role="alert"' if kind == "error" else ""
    return f'<div class="tqa-notice tqa-{esc(kind)}"{role}>{esc(message)}</div>'


def upload_done_html(name: str, turns: int, seconds: float, outcome: str = "added") -> str:
    """What a confirmed upload did (outcome: added | replaced | unchanged), in those words:
    replacing a file is not adding one."""
    if outcome == "unchanged":
        return notice_html(f"{name} is already in the transcripts folder with exactly these "
                           f"contents ({plural(turns, 'turn')}); nothing changed.")
    done = (f"Replaced {name} in the transcripts folder ({plural(turns, 'turn')}) and "
            "re-indexed it"
            if outcome == "replaced" else
            f"Added {name} ({plural(turns, 'turn')}) to the transcripts folder and indexed it")
    return notice_html(f"{done} in {seconds:.1f} s. Ask about it now, or read it in Browse.")


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# ----------------------------------------------------------------------------- style


JS_CITATIONS = """
element.addEventListener('click', (e) => {
  const a = e.target.closest('a.tqa-goto');
  if (!a) return;
  e.preventDefault();
  window.tqaCitation = a;  // where "Back to the answer" returns to (JS_BACK_TO_CITATION)
  const span = a.dataset.start === undefined ? {}
    : {start: Number(a.dataset.start), end: Number(a.dataset.end)};
  trigger('click', {transcript: a.dataset.transcript, turn: Number(a.dataset.turn),
                    check: a.dataset.check, ...span});
});
"""

# After "Back to the answer" shows the Ask tab again: the citation clicked last back in view
# (a long transcript left the page scrolled far below the answer), else the results' top.
JS_BACK_TO_CITATION = """
() => { setTimeout(() => {
  const a = window.tqaCitation;
  const t = a && a.isConnected && a.offsetParent !== null ? a
    : document.querySelector('#tqa-result');
  if (t) t.scrollIntoView({block: 'center'});
}, 150); }
"""

# Centre the cited turn; a turn taller than most of the screen centres its marked span
# instead, or the reader lands mid-turn, away from the sentence the answer quoted.
JS_SCROLL_TO_TARGET = """
const go = () => setTimeout(() => {
  const t = element.querySelector('.tqa-target');
  if (!t) return;
  const span = t.querySelector('mark.tqa-span');
  const tall = t.getBoundingClientRect().height > 0.8 * window.innerHeight;
  (span && tall ? span : t).scrollIntoView({block: 'center', behavior: 'smooth'});
}, 120);
watch('value', go);
go();
"""

CSS = """
.gradio-container { max-width: 1080px !important; margin: 0 auto !important; }
#tqa-header { padding: 18px 0 4px; }
#tqa-header h1 { font-size: 1.7rem; font-weight: 700; margin: 0; letter-spacing: -0.01em; }
#tqa-header p { margin: 4px 0 0; color: var(--body-text-color-subdued); }
.tqa-pill { display: inline-block; margin-left: 10px; padding: 2px 10px; border-radius: 999px;
  font-size: 0.8rem; font-weight: 500; vertical-align: middle;
  background: var(--background-fill-secondary); color: var(--body-text-color-subdued);
  border: 1px solid var(--border-color-primary); }
.tqa-muted { color: var(--body-text-color-subdued); font-size: 0.88em; }

/* status banner */
.tqa-status { display: flex; align-items: center; gap: 12px; padding: 12px 16px;
  border-radius: 10px; background: var(--color-accent-soft);
  border: 1px solid var(--border-color-accent-subdued); }
.tqa-status-error { background: #fef2f2; border-color: #fca5a5; color: #991b1b; }
.tqa-progress { flex: 1; height: 8px; border-radius: 4px; overflow: hidden;
  background: var(--background-fill-primary); }
.tqa-progress span { display: block; height: 100%; background: var(--color-accent);
  transition: width .3s; }
.tqa-progress-num { font-size: 0.85rem; font-variant-numeric: tabular-nums;
  color: var(--body-text-color-subdued); }
.tqa-spinner { display: inline-block; flex: none; width: 14px; height: 14px; border-radius: 50%;
  border: 2px solid var(--color-accent); border-right-color: transparent;
  animation: tqa-spin 0.9s linear infinite; }
@keyframes tqa-spin { to { transform: rotate(360deg); } }

/* Our views take the page's width and never set it: Gradio's flex columns grow to their
   content's widest unbreakable line, so one long role made the page 1080 px wide on a phone.
   Anything that still does not fit overflows visibly instead of shrinking the whole page. */
.tqa-result, .tqa-transcript, .tqa-upload-preview { contain: inline-size; }

/* cards */
.tqa-result { display: flex; flex-direction: column; gap: 12px; }
.tqa-card { padding: 20px 22px; border-radius: 14px; background: var(--block-background-fill);
  border: 1px solid var(--border-color-primary); box-shadow: 0 1px 3px rgba(0,0,0,.06); }
.tqa-answer { border-left: 5px solid var(--color-accent); }
.tqa-abstain { border-left: 5px solid #d97706; }
.tqa-q { font-size: 0.88rem; color: var(--body-text-color-subdued); margin-bottom: 8px;
  overflow-wrap: anywhere; }
.tqa-q span { text-transform: uppercase; font-size: 0.72rem; letter-spacing: .06em;
  font-weight: 600; margin-right: 6px; }
.tqa-lacks { margin: -4px 0 12px; padding: 6px 10px; border-left: 3px solid #d97706;
  background: var(--background-fill-secondary); font-size: 0.95rem; }
.tqa-answer-text { white-space: pre-line; font-size: 1.25rem; line-height: 1.5; font-weight: 600; margin: 0 0 12px;
  overflow-wrap: anywhere; }
.tqa-verdict { font-size: 1.15rem; font-weight: 600; margin: 0 0 6px; }
.tqa-hint { margin: 0; color: var(--body-text-color-subdued); }
.tqa-cite { display: flex; flex-direction: column; gap: 2px; margin-bottom: 12px; }
.tqa-cite .tqa-who { flex-wrap: wrap; row-gap: 0; }
.tqa-cite .tqa-role { flex-basis: 100%; white-space: normal; padding-left: 17px; }
.tqa-cite .tqa-where { padding-left: 17px; margin-top: 2px; }
.tqa-who { display: inline-flex; align-items: baseline; gap: 8px; min-width: 0; }
/* the role (whole in its tooltip) is cut first; a name only when it alone is wider than its
   line beside the dot (9 px + the 8 px gap) */
.tqa-name { font-weight: 600; white-space: nowrap; flex: none; max-width: calc(100% - 17px);
  overflow: hidden; text-overflow: ellipsis; }
.tqa-role { color: var(--body-text-color-subdued); font-size: 0.85em; min-width: 0;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.tqa-dot { width: 9px; height: 9px; border-radius: 50%; display: inline-block;
  flex: none; align-self: center; }
.tqa-where { font-size: 0.88rem; overflow-wrap: anywhere; }
a.tqa-goto { color: var(--color-accent); text-decoration: none; cursor: pointer; }
a.tqa-goto:hover { text-decoration: underline; }
.tqa-body { white-space: pre-line; line-height: 1.6; overflow-wrap: anywhere; }
.tqa-part { margin: 0 0 0.6em; }
.tqa-part:last-child { margin-bottom: 0; }
.tqa-nod { font-style: italic; font-size: 0.95em; }
.tqa-nod-who { font-weight: 600; }
blockquote.tqa-cited { margin: 0; padding: 12px 16px; border-radius: 8px;
  background: var(--background-fill-secondary); border: none; font-size: 0.97rem; }
.tqa-body mark { background: #fde68a; color: inherit; padding: 1px 2px; border-radius: 3px; }
.dark .tqa-body mark { background: #a16207; }
article.tqa-passage .tqa-body mark { background: #fef3c7; }
.dark article.tqa-passage .tqa-body mark { background: #713f12; }

.tqa-section { font-size: 0.8rem !important; text-transform: uppercase; letter-spacing: .06em;
  color: var(--body-text-color-subdued); margin: 10px 0 0 !important; font-weight: 600; }
.tqa-passages { display: flex; flex-direction: column; gap: 10px; }
article.tqa-passage { padding: 14px 18px; border-radius: 12px;
  background: var(--block-background-fill); border: 1px solid var(--border-color-primary); }
/* rank, who (role cut to fit), then badges and score at the right; on a narrow screen the
   badges and score move to a second line rather than squeezing the name */
article.tqa-passage header { display: flex; flex-wrap: wrap; align-items: baseline;
  gap: 4px 10px; margin-bottom: 2px; min-width: 0; }
article.tqa-passage header .tqa-who { flex: 1 1 12rem; }
.tqa-meta { margin-left: auto; min-width: 0; display: inline-flex; flex-wrap: wrap;
  justify-content: flex-end; align-items: center; gap: 4px 8px; }
.tqa-rank { font-size: 0.78rem; font-weight: 700; color: var(--body-text-color-subdued);
  min-width: 1.2em; }
.tqa-score { flex: none; display: inline-flex; align-items: center; gap: 6px;
  font-size: 0.8rem; color: var(--body-text-color-subdued); font-variant-numeric: tabular-nums; }
.tqa-bar { width: 48px; height: 5px; border-radius: 3px; background: var(--border-color-primary);
  overflow: hidden; display: inline-block; }
.tqa-bar span { display: block; height: 100%; background: var(--color-accent); }
article.tqa-passage .tqa-where { margin-bottom: 6px; }
.tqa-low { opacity: 0.92; border-style: dashed !important; }
/* a pill as wide as its words, on one line, wherever it sits */
.tqa-badge { display: inline-block; flex: none; align-self: center; white-space: nowrap;
  font-size: 0.72rem; font-weight: 600; line-height: 1.5; padding: 1px 8px;
  border-radius: 999px; background: #fef3c7; color: #92400e; }
.tqa-badge.tqa-named { background: #e0e7ff; color: #3730a3; }

/* context in place */
.tqa-ctx { display: none; }
.tqa-passage:has(> details.tqa-ctx-toggle[open]) > .tqa-ctx { display: block; }
.tqa-nb { padding: 8px 12px; margin: 6px 0; border-radius: 8px; font-size: 0.92rem;
  background: var(--background-fill-secondary); color: var(--body-text-color-subdued); }
.tqa-nb-head { display: flex; gap: 8px; align-items: baseline; margin-bottom: 2px;
  font-size: 0.85rem; }
.tqa-num { color: var(--body-text-color-subdued); font-size: 0.8rem;
  font-variant-numeric: tabular-nums; }
details.tqa-ctx-toggle { margin-top: 6px; }
details.tqa-ctx-toggle summary { cursor: pointer; font-size: 0.85rem; color: var(--color-accent);
  list-style: none; display: inline-block; }
details.tqa-ctx-toggle summary::-webkit-details-marker { display: none; }
details.tqa-ctx-toggle summary::before { content: "▸ "; }
details.tqa-ctx-toggle[open] summary::before { content: "▾ "; }
details.tqa-ctx-toggle .tqa-hide, details.tqa-ctx-toggle[open] .tqa-show { display: none; }
details.tqa-ctx-toggle[open] .tqa-hide { display: inline; }

/* a long turn: an excerpt around the answer, the whole turn on demand */
.tqa-body:has(> details.tqa-whole[open]) > .tqa-excerpt { display: none; }
details.tqa-whole summary { cursor: pointer; font-size: 0.85rem; color: var(--color-accent);
  list-style: none; display: inline-block; margin-top: 6px; }
details.tqa-whole summary::-webkit-details-marker { display: none; }
details.tqa-whole summary::before { content: "▸ "; }
details.tqa-whole[open] summary::before { content: "▾ "; }
details.tqa-whole .tqa-hide, details.tqa-whole[open] .tqa-show { display: none; }
details.tqa-whole[open] .tqa-hide { display: inline; }

.tqa-error { padding: 14px 18px; border-radius: 10px; background: #fef2f2;
  border: 1px solid #fca5a5; color: #991b1b; overflow-wrap: anywhere; }
.tqa-empty { padding: 36px 20px; text-align: center; color: var(--body-text-color-subdued);
  border: 1px dashed var(--border-color-primary); border-radius: 12px; }

/* transcript view */
.tqa-transcript-head { display: flex; align-items: baseline; gap: 12px; margin: 4px 0 12px; }
.tqa-transcript-head h2 { margin: 0 !important; font-size: 1.2rem !important; }
.tqa-count { color: var(--body-text-color-subdued); font-size: 0.9rem; }
.tqa-turn { padding: 10px 14px 10px 16px; margin: 0 0 8px; border-radius: 10px;
  border-left: 4px solid var(--tqa-colour, var(--border-color-primary));
  background: var(--block-background-fill); scroll-margin-top: 80px; }
.tqa-legend { list-style: none; padding: 0; margin: 0 0 14px; display: flex;
  flex-direction: column; gap: 2px; font-size: 0.9rem; }
.tqa-legend li { display: flex; align-items: baseline; gap: 8px; }
.tqa-legend .tqa-role { white-space: normal; }
.tqa-turn-head { display: flex; align-items: baseline; gap: 10px; margin-bottom: 2px; }
.tqa-turn-head .tqa-num { margin-left: auto; }
.tqa-time { font-size: 0.8rem; color: var(--body-text-color-subdued);
  font-variant-numeric: tabular-nums; }
.tqa-target { box-shadow: 0 0 0 2px var(--color-accent); background: var(--color-accent-soft); }
/* the sentence a citation quoted, as the Ask tab marks it, outlined to stand out from Find */
.tqa-turn mark.tqa-span { background: #fde68a; box-shadow: 0 0 0 2px #f59e0b; }
.dark .tqa-turn mark.tqa-span { background: #a16207; }

/* upload */
.tqa-upload-preview { padding: 18px 20px; border-radius: 14px;
  background: var(--block-background-fill); border: 1px solid var(--border-color-primary); }
.tqa-upload-preview h3 { margin: 0 0 2px; font-size: 1.15rem; font-weight: 600; }
.tqa-sample .tqa-nb { color: var(--body-text-color); }
.tqa-stat { margin: 10px 0 4px; }
.tqa-people { list-style: none; padding: 0 !important; margin: 0 0 10px !important;
  display: flex; flex-wrap: wrap; gap: 4px 16px; }
.tqa-people li { display: inline-flex; align-items: center; gap: 6px; margin: 0 !important; }
.tqa-warn { padding: 8px 12px; border-radius: 8px; background: #fef3c7; color: #92400e; }
.tqa-note { padding: 8px 12px; border-radius: 8px; background: var(--background-fill-secondary); }
.tqa-notice { padding: 12px 16px; border-radius: 10px; overflow-wrap: anywhere; }
.tqa-ok { background: #ecfdf5; border: 1px solid #6ee7b7; color: #065f46; }
.tqa-notice.tqa-error { background: #fef2f2; border: 1px solid #fca5a5; color: #991b1b; }

/* speaker colours */
.tqa-c0 { --tqa-colour: #4f46e5; } .tqa-c1 { --tqa-colour: #0d9488; }
.tqa-c2 { --tqa-colour: #db2777; } .tqa-c3 { --tqa-colour: #d97706; }
.tqa-c4 { --tqa-colour: #2563eb; } .tqa-c5 { --tqa-colour: #65a30d; }
.tqa-c6 { --tqa-colour: #9333ea; } .tqa-c7 { --tqa-colour: #dc2626; }
.tqa-dot.tqa-c0, .tqa-dot.tqa-c1, .tqa-dot.tqa-c2, .tqa-dot.tqa-c3, .tqa-dot.tqa-c4,
.tqa-dot.tqa-c5, .tqa-dot.tqa-c6, .tqa-dot.tqa-c7 { background: var(--tqa-colour); }
"""
