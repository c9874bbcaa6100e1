"""Press, podcast and meeting text: `SPEAKER LABEL: text` paragraphs or lines, plain or Markdown.

Handles: YAML front matter (title, `speakers:`), site boilerplate around a web-page copy
(repeated site-name lines, navigation, "Back to top", footers), a title (front matter,
first heading or first short line) and `Name, Role` / `Name (AB)` / `Attendees: ...`
participant lines before the first turn, names in the title for labels such as
`MS. JEAN-PIERRE`, labels at the start of a paragraph or of a line (meeting notes: `AB: text`
on consecutive lines, bullets, bold; rules in `labels.py`), hard-wrapped lines, a time in the
label (`Speaker 1 (00:05):` in Rev-style exports: the label without it, the time as
`start`), unlabelled paragraphs continuing the previous speaker, `--` fragments (separate
turns, one utterance via `base.assign_utterances`), and lines that are not speech: times
(`1:26 P.M. EST`), `END`, stand-alone stage notes (`(Cross-talk.)`), `Note: ...`, headings
and rules. Those end the running turn (a turn's text is always its source slice); stage
notes inside a paragraph (`Happy Thursday? (Laughs.)`) stay verbatim in the text.
Unlabelled text after a heading becomes an "Unknown" turn; a file with no labels at all
is one "Unknown" turn per paragraph.
Not handled here: timestamped logs, subtitle cues, JSON (other modules in `formats/`),
Setext headings (`Title` over `=====`), tables.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..model import Speaker, Transcript, Turn
from .base import (
    _HONORIFICS,
    UNKNOWN,
    Paragraph,
    make_transcript,
    normalise,
    paragraphs,
    resolve_speaker,
    surname_key,
    title_from_id,
)
from .labels import REPORTER, REPORTER_LABELS, Label, LabelPolicy
from .timestamped import seconds

_PARTICIPANT = re.compile(
    r"^(?P<name>[A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){1,4}), (?P<role>\S.{2,300})$"
)
_ALIAS = re.compile(
    r"(?P<name>[A-Z][\w.'’\-]+(?:[ \t]+[A-Z][\w.'’\-]+){0,3})[ \t]*\((?P<abbr>[A-Z]{1,5})\)"
)
_ROSTER = re.compile(
    r"^[\W_]*(?:attendees|participants|present|speakers|panel(?:ists)?|guests|hosts?)[\W_]*:"
    r"[\W_]*(?P<names>.+)$", re.IGNORECASE,
)
_ROSTER_NAME = re.compile(r"^(?P<name>[A-Z][\w.'’\-]*(?:[ \t]+[\w.'’\-]+){0,4}?)"
                          r"(?:[ \t]*\((?P<abbr>[A-Z]{1,5})\))?$")
_NAV = re.compile(r"back to top|\S\s*\|\s*\S.*\|", re.IGNORECASE)
_FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(?P<yaml>.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL
)
_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<text>.*?)[ \t#]*$")
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?[ \t\xa0]*(?:[AaPp]\.?[ \t]?[Mm]\.?)?(?:[ \t\xa0]+[A-Z]{2,4})?"
_TIME_LINE = re.compile(rf"^(?:{_TIME}|[A-Z][a-z]+ \d{{1,2}}, \d{{4}},? {_TIME})$")
_END = re.compile(rf"^(?:END|\*?\s*\*\s*\*|#\s*#\s*#|-30-)(?:[ \t\xa0]+{_TIME})?\.?$")
_STAGE = re.compile(r"^(?:\([^()\n]{1,80}\)|\[[^\[\]\n]{1,80}\])\.?$")
_NOTE = re.compile(r"^(?:\*\*|__)?(?:editor['’]s\s+)?note\b", re.IGNORECASE)
_RULE = re.compile(r"^(?:[-*_][ \t]*){3,}$")
_NAME_BEFORE = re.compile(r"(?:^|\s)(?P<first>[A-Z][a-z][\w'’\-]*)(?:\s+(?P<mid>[A-Z]\.))?\s*$")
_LABEL_TIME = re.compile(r"[ \t\xa0]*[(\[](?P<t>\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?)[)\]]$")
_SEGMENT_SPLIT = re.compile(r"\s*(?:,|;|:|\band\b|\bby\b|\bwith\b|\s[–—-]\s)\s*")


@dataclass
class _Block:
    """A paragraph, or the part of one from a labelled line to the next."""

    para: Paragraph
    label: Label | None
    text_start: int  # where the spoken text begins (after the label)

    @property
    def first_line(self) -> str:
        return self.para.lines[0] if self.para.lines else ""


# --------------------------------------------------------------------------- header pieces


def front_matter(source: str) -> tuple[dict[str, Any], int]:
    """YAML front matter and where the body starts; `({}, 0)` when there is none.

    A `---` block counts only when it is a YAML mapping with at least one lower-case key,
    so a transcript that opens with a rule and `ALICE: hi` is not swallowed."""
    m = _FRONT_MATTER.match(source)
    if not m or len(m.group("yaml")) > 100_000:
        return {}, 0
    import yaml

    try:
        data = yaml.safe_load(m.group("yaml"))
    except yaml.YAMLError:
        return {}, 0
    if not isinstance(data, dict) or not any(isinstance(k, str) and k == k.lower() for k in data):
        return {}, 0
    return data, m.end()


def _speakers_from_meta(meta: dict[str, Any]) -> list[Speaker]:
    out: list[Speaker] = []
    for key in ("speakers", "participants", "attendees"):
        items = meta.get(key)
        if not isinstance(items, list):
            continue
        for item in items:
            if isinstance(item, str) and item.strip():
                name, _, role = item.partition(",")
                out.append(Speaker(" ".join(name.split()), role.strip() or None))
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                role = item.get("role")
                out.append(Speaker(" ".join(item["name"].split()),
                                   role if isinstance(role, str) else None))
    return out


def _boilerplate_lines(paras: list[Paragraph]) -> set[str]:
    """Lines a web page repeats (site name, menus); sentences are never counted."""
    counts = Counter(ln for p in paras for ln in p.lines)
    return {
        ln for ln, n in counts.items()
        if n >= 3 and len(ln) >= 8 and not re.search(r"[.?!\"”:]$", ln)
    }


def _is_boilerplate(p: Paragraph, repeated: set[str]) -> bool:
    for ln in p.lines:
        if ln in repeated or (len(ln) <= 300 and _NAV.search(ln)):
            return True
        if any(len(r) >= 12 and r in ln for r in repeated):
            return True
    return False


def _names_in_header(texts: list[str], labels: set[str], known: list[Speaker]) -> list[Speaker]:
    """`Press Secretary Karine Jean-Pierre` in a title names the `MS. JEAN-PIERRE` label:
    the capitalised first name (and initial) right before the label's surname, with the
    rest of that title segment as the role."""
    have = {surname_key(s.name) for s in known}
    found: dict[str, Speaker] = {}
    for label in labels:
        key = surname_key(label)
        if not key or key in have or len(key) < 2:
            continue
        for text in texts:
            for seg in _SEGMENT_SPLIT.split(text):
                words = seg.split()
                hits = [i for i, w in enumerate(words) if w.lower().strip(",.;:") == key]
                if not hits:
                    continue
                i = hits[-1]
                m = _NAME_BEFORE.search(" ".join(words[:i]))
                if not m or m.group("first").upper() in _HONORIFICS:
                    continue
                start = m.start("first")
                before = " ".join(words[:i])
                name = " ".join(filter(None, [m.group("first"), m.group("mid"), words[i]]))
                role = before[:start].strip() or None
                found.setdefault(key, Speaker(name.strip(",.;:"), role))
    return list(found.values())


# --------------------------------------------------------------------------- body


def _blocks(paras: list[Paragraph], policy: LabelPolicy) -> list[_Block]:
    out: list[_Block] = []
    for p in paras:
        start, text_start, label = p.start, p.start, None
        first = True
        for m in re.finditer(r"[^\r\n]+", p.text):
            line = m.group()
            if not line.strip():
                continue
            lab = policy.match(line, first)
            if lab is not None:
                if not first:
                    out.append(_block(p, start, p.start + m.start(), label, text_start))
                start, text_start, label = p.start + m.start(), p.start + m.start() + lab.end, lab
            first = False
        out.append(_block(p, start, p.end, label, text_start))
    return out


def _block(p: Paragraph, start: int, end: int, label: Label | None, text_start: int) -> _Block:
    text = p.text[start - p.start:end - p.start]
    e = start + len(text.rstrip())
    return _Block(Paragraph(start, e, text[: e - start]), label, min(text_start, e))


def _kind(b: _Block) -> str:
    """What an unlabelled block is: heading, not-speech line, or text."""
    line = b.first_line
    if len(b.para.lines) == 1:
        if _HEADING.match(line):
            return "heading"
        flat = " ".join(line.split())
        if _END.match(flat):
            return "end"
        if _TIME_LINE.match(flat) or _STAGE.match(flat) or _RULE.match(flat):
            return "skip"
    if _NOTE.match(line):
        return "skip"
    return "text"


def parse(source: str, transcript_id: str, path: str = "") -> Transcript:
    meta, body = front_matter(source)
    paras = [p for p in paragraphs(source) if p.start >= body]
    repeated = _boilerplate_lines(paras)
    policy = LabelPolicy([p.lines for p in paras])
    blocks = _blocks(paras, policy)

    header: list[_Block] = []
    raw: list[tuple[str, int, int]] = []  # (label, start, end); label "" = unknown speaker
    current: int | None = None  # index into raw of the turn being extended
    speaker: str | None = None  # who speaks when an unlabelled paragraph follows
    mode = "header"
    for b in blocks:
        if b.label is not None:
            raw.append((b.label.label, b.text_start, b.para.end))
            current, speaker, mode = len(raw) - 1, b.label.label, "turns"
            continue
        kind = _kind(b)
        if mode == "header":
            header.append(b)
            continue
        if kind == "heading":
            current, speaker, mode = None, "", "turns"
        elif kind == "end":
            current, speaker, mode = None, None, "footer"
        elif kind == "skip":
            current = None
        elif mode == "footer" or _is_boilerplate(b.para, repeated):
            current, speaker, mode = None, None, "footer"  # a footer runs to the next label
        elif current is not None:
            lab, s, _ = raw[current]
            raw[current] = (lab, s, b.para.end)  # continues the previous speaker
        elif speaker is not None:
            raw.append((speaker, b.para.start, b.para.end))
            current = len(raw) - 1

    labels = {_LABEL_TIME.sub("", lab) for lab, _, _ in raw if lab}
    title, directory, aliases = _header(header, meta, repeated, labels)
    if not raw:  # no labels anywhere: every paragraph of text is an unknown speaker's
        texts = [b for b in header if _kind(b) == "text" and not _is_boilerplate(b.para, repeated)]
        body_texts = [b for b in texts if " ".join(b.para.text.split()) != title] or texts
        raw = [("", b.para.start, b.para.end) for b in body_texts]
    turns: list[Turn] = []
    resolved: dict[str, tuple[str, str | None]] = {}
    for label, start, end in raw:
        while start < end and source[start].isspace():
            start += 1
        text = normalise(source[start:end])
        if not text:
            continue
        when = None
        if m := _LABEL_TIME.search(label):  # `Speaker 1 (00:05):` (Rev, Descript exports)
            label, when = label[:m.start()], seconds(m.group("t"))
        if not label:
            name, role = UNKNOWN, None
        elif label in REPORTER_LABELS and policy.counts[label] >= 2:
            name, role = REPORTER, None
        else:
            if label not in resolved:
                resolved[label] = resolve_speaker(label, directory, aliases)
            name, role = resolved[label]
        turns.append(Turn(
            transcript_id=transcript_id, number=0, speaker=label or UNKNOWN,
            speaker_name=name, speaker_role=role, text=text, start_char=start, end_char=end,
            start=when,
        ))
    return make_transcript(
        transcript_id, title or title_from_id(transcript_id), path, "press", turns, directory,
    )


def _header(
    header: list[_Block], meta: dict[str, Any], repeated: set[str], labels: set[str],
) -> tuple[str | None, list[Speaker], dict[str, Speaker]]:
    """Title, participant directory and `(AB)` aliases from what precedes the first turn."""
    title = meta.get("title") if isinstance(meta.get("title"), str) else None
    title = " ".join(title.split()) if title else None
    speakers = _speakers_from_meta(meta)
    aliases: dict[str, Speaker] = {}
    first_line: str | None = None
    heading: str | None = None
    texts: list[str] = [title] if title else []
    for b in header:
        if _is_boilerplate(b.para, repeated):
            continue
        lines = b.para.lines
        for ln in lines:
            for m in _ALIAS.finditer(ln):
                if m.group("abbr") in labels:  # `Alice Brown (AB)` where `AB:` speaks
                    aliases.setdefault(m.group("abbr"), Speaker(" ".join(m.group("name").split())))
        for ln in lines:
            if m := _ROSTER.match(ln):  # `Attendees: Alice Brown (AB), Carlos Diaz`
                for item in re.split(r"\s*(?:[,;]|\band\b)\s*", m.group("names").strip(" .*_")):
                    if r := _ROSTER_NAME.match(item.strip(" *_")):
                        sp = Speaker(" ".join(r.group("name").split()))
                        if sp not in speakers:
                            speakers.append(sp)
        if len(lines) == 1 and (m := _HEADING.match(lines[0])):
            heading = heading or m.group("text").strip("*_ ") or None
            texts.append(lines[0])
        elif len(lines) == 1 and (m := _PARTICIPANT.match(lines[0])):
            at = b.para.start + b.para.text.find(lines[0])
            speakers.append(Speaker(name=m.group("name"), role=m.group("role").strip(),
                                    line=lines[0], start_char=at, end_char=at + len(lines[0])))
        elif len(lines) == 1 and len(lines[0]) <= 200 and _kind(b) == "text":
            first_line = first_line or " ".join(lines[0].split())
            texts.append(lines[0])
    speakers += [s for s in aliases.values() if s not in speakers]
    speakers += _names_in_header(texts, labels, speakers)
    return title or heading or first_line, speakers, aliases

