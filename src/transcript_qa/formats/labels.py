"""Speaker labels at the start of a line, and which of them a document really uses.

Recognised: `MS. JEAN-PIERRE:` (capitals of any script, digits after the first letter),
`Project Manager:` and `Ms. Heather McPherson (Edmonton Strathcona, NDP):` (mixed case,
one level of nested parentheses), press-briefing reporters written `Q` followed by
non-breaking spaces and no colon (also `Q.`/`A.` and tabs), and any of these wrapped in
Markdown (`- **AB:** text`, `**AB**: text`, `> AB: text`, `>> AB:` caption markers).
A line that merely contains a colon ("Note: ...", "Attendees: ...") is not a label:
header words are refused outright, and mixed-case and `Q`-style labels count only when the
document uses them twice or labels most of its paragraphs or lines, or (mixed case, at the
start of a paragraph) when they look like a person: `Ms. ...`, `Name (Affiliation)`.
Not handled: labels after the text, or a bare name on its own line without a colon.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

_L = r"[^\W\d_]"  # any letter; case is checked on the match (Python's re has no \p{Lu})
_CAPS = re.compile(
    rf"(?P<label>{_L}[\w.'’\-]*(?:[ \t\xa0]+[^\W_][\w.'’\-]*){{0,5}})"
    r"[ \t\xa0]{0,2}(?P<colon>:)(?:\s|$)"
)
_MIXED = re.compile(
    rf"(?P<label>{_L}[\w.'’\-]*(?:[ \t\xa0]+[\w.'’\-&]+){{0,5}}"
    r"(?:[ \t\xa0]*\((?:[^()\n]|\([^()\n]{0,80}\)){1,120}\))?)[ \t\xa0]{0,2}(?P<colon>:)(?:\s|$)"
)
_QA = re.compile(
    r"(?P<label>[QA])(?P<colon>[ \t]*\xa0|\t|\.[ \t\xa0])\s*(?=\S)|(?P<q>Q)(?P<sp>[ \t]{2,})(?=\S)"
)
_MD_PREFIX = re.compile(r"[ \t]*(?:[-*+][ \t]+|>{1,2}[ \t]*)?")

NOT_LABELS = {
    "NOTE", "NOTES", "EDITOR'S NOTE", "EDITOR’S NOTE", "SOURCE", "SOURCES", "URL", "LINK",
    "HTTP", "HTTPS", "EDT", "EST", "PM", "AM", "DATE", "TIME", "LOCATION", "PLACE", "WHERE",
    "WHEN", "ATTENDEES", "PRESENT", "ABSENT", "APOLOGIES", "AGENDA", "SUBJECT", "TOPIC",
    "TOPICS", "TITLE", "RE", "FROM", "TO", "UPDATE", "UPDATED", "CORRECTION", "TAGS",
    "KEYWORDS", "SUMMARY", "DECISION", "DECISIONS", "ACTION", "ACTIONS", "ACTION ITEMS",
    "NEXT STEPS", "WARNING", "TIP", "IMPORTANT", "EXAMPLE", "P.S", "PS",
}
REPORTER = "Reporter"  # who `Q` and `QUESTION` are in a press briefing
REPORTER_LABELS = {"Q", "QUESTION"}


@dataclass(frozen=True)
class Label:
    kind: str  # "caps", "mixed" or "qa"
    label: str  # whitespace-collapsed, as written
    end: int  # offset in the line where the spoken text begins


def _mask(line: str) -> tuple[str, int]:
    """Blank out Markdown around a label, keeping every offset (same-length replacement)."""
    n = _MD_PREFIX.match(line).end()  # type: ignore[union-attr]
    head = line[n:n + 100].replace("**", "  ").replace("__", "  ")
    masked = head + line[n + 100:]
    lead = len(masked) - len(masked.lstrip(" \t"))
    return masked[lead:], n + lead


@lru_cache(maxsize=32768)
def find_label(line: str) -> Label | None:
    """The label a line starts with, if it has the shape of one (the policy decides)."""
    if line.find(":", 0, 400) < 0 and "Q" not in line[:8] and "A" not in line[:8]:
        return None  # the common case: no colon near the start, not a `Q`/`A` line
    rest, offset = _mask(line)
    if not rest or not rest[0].isupper():
        return None
    for kind, rx in (("caps", _CAPS), ("qa", _QA), ("mixed", _MIXED)):
        m = rx.match(rest)
        if not m:
            continue
        if kind == "qa" and m.group("q"):  # `Q  text`: two plain spaces, no colon
            label, end = "Q", offset + m.end("sp")
            return Label(kind, label, end)
        label = " ".join(m.group("label").split())
        if kind == "caps" and label != label.upper():
            continue  # mixed case: the mixed rule decides
        if label.strip(" .").upper() in NOT_LABELS:
            return None
        if kind == "mixed" and label == label.upper():
            continue  # an all-caps label the caps rule refused (too many words)
        end = offset + m.end("colon")
        if line[end:end + 2] in ("**", "__"):  # `**AB:** text`
            end += 2
        while end < len(line) and line[end].isspace():
            end += 1
        return Label(kind, label, end)
    return None


_PERSON_TITLES = {"MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "HON", "SEN", "REP", "GOV",
                  "SIR", "DAME", "LORD", "LADY", "SENATOR", "SECRETARY", "AMBASSADOR", "JUDGE"}


def _looks_like_person(lab: Label) -> bool:
    """`Ms. Heather McPherson (Edmonton Strathcona, NDP)`, `The Chair (Hon. Anthony Rota)`:
    a one-off mixed-case label is a speaker when it opens with a title or carries a
    parenthesised affiliation after two or more words."""
    words = lab.label.split("(")[0].split()
    if words and words[0].rstrip(".").upper() in _PERSON_TITLES and len(words) >= 2:
        return True
    return "(" in lab.label and len(words) >= 2


class LabelPolicy:
    """Which label-shaped line starts of one document are speakers.

    Capitals count at the start of a paragraph, or anywhere once used twice; mixed case and
    `Q`-style count once used twice, or everywhere when most paragraphs or lines carry one
    (a meeting transcript where some people speak once); a one-off mixed-case label at the
    start of a paragraph counts when it looks like a person (`_looks_like_person`)."""

    def __init__(self, paragraphs: list[list[str]]):
        firsts = [find_label(p[0]) if p else None for p in paragraphs]
        every = [find_label(ln) for p in paragraphs for ln in p]
        self.counts = Counter(lab.label for lab in every if lab)
        n_lines = sum(len(p) for p in paragraphs)

        def dense(found: list[Label | None], total: int, kinds: tuple[str, ...]) -> bool:
            labs = [lab.label for lab in found if lab and lab.kind in kinds]
            return total > 0 and len(labs) >= 0.6 * total and len(set(labs)) > 1

        mixed = ("mixed",)
        self.dense_mixed = dense(firsts, len(paragraphs), mixed) or dense(every, n_lines, mixed)
        self.dense_lines = dense(every, n_lines, ("caps", "mixed", "qa"))

    def match(self, line: str, first_in_paragraph: bool) -> Label | None:
        lab = find_label(line)
        if lab is None:
            return None
        if self.counts[lab.label] >= 2:
            return lab
        if lab.kind == "caps":
            return lab if first_in_paragraph or self.dense_lines else None
        if lab.kind != "mixed":
            return None
        return lab if self.dense_mixed or (first_in_paragraph and _looks_like_person(lab)) else None
