"""How questions name speakers: the forms a speaker label may be said in, and finding them in a
question, misspelt ones too.

Labels come as written in a transcript: `Right Hon. Justin Trudeau`, `Mr. Jagmeet Singh
(Burnaby South, NDP)`, `The Chair (Hon. Anthony Rota)`, `Kirsty Williams AM`, `Professor D`,
`AMBASSADOR LAGON`. People ask "What did Justin Trudeau say ...", "What did Kirsty Williams
think ...", "What did the professor think ...", "... Carol Dhillabeer ..." (a typo). So a
label's forms are the label, the name without titles, affiliations or post-nominal letters,
its surname, a person named in brackets, and the role word of a `Role X` label; a question
span that is none of them exactly may still be within a couple of edits of one (rapidfuzz).
"""
from __future__ import annotations

import bisect
import functools
import math
import re
from dataclasses import dataclass
from typing import Iterable

from .formats.base import _HONORIFICS

# Letters after a name that are not part of it (Welsh AMs, MPs, MSPs, honours).
_POST_NOMINALS = {"AM", "MS", "MP", "MSP", "MLA", "MEP", "TD", "QC", "KC", "OBE", "MBE", "CBE",
                  "JR", "SR"}
_TITLES = _HONORIFICS | {"RIGHT", "RT", "HONOURABLE", "HONORABLE"}
# Last words of role labels that are not surnames ("Project Manager" is not "Mr Manager").
_ROLE_WORDS = {"manager", "interface", "designer", "marketing", "chair", "speaker", "moderator",
               "host", "interviewer", "interviewee", "reporter", "narrator", "unknown"}
_ROLE_LABEL = re.compile(r"([A-Za-z]{4,})\s+[A-Z0-9]")  # "Professor D", "Grad E", "Speaker 2"
# Titles only a person's name follows (not "Minister of Justice"): a bracket opening with one
# names the person behind a role label.
_PERSON_TITLES = {"MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "HON", "SIR", "DAME", "LORD",
                  "LADY", "RIGHT", "RT"}
FUZZY_MIN = 88  # rapidfuzz ratio (0-100) for a question span to name a speaker it misspells


def core_name(text: str) -> str:
    """`Right Hon. Justin Trudeau` -> `Justin Trudeau`; `Kirsty Williams AM` -> `Kirsty
    Williams`; `Mr. Jagmeet Singh (Burnaby South, NDP)` -> `Jagmeet Singh`."""
    words = re.sub(r"\([^)]*\)?", " ", text).split()
    while len(words) > 1 and words[0].upper().strip(".,") in _TITLES:
        words.pop(0)
    while len(words) > 1 and words[-1].upper().strip(".,") in _POST_NOMINALS:
        words.pop()
    return " ".join(words).strip(" ,")


def forms(label: str, name: str) -> set[str]:
    """Every way a question may name this speaker, lower-cased, at least 3 characters."""
    out = {label, name}
    people = {label, name}
    for s in (label, name):  # `The Chair (Hon. Anthony Rota)`: the person in brackets
        for inner in re.findall(r"\(([^)]*)\)", s):
            first = inner.split()[0].upper().strip(".,") if inner.split() else ""
            if first in _PERSON_TITLES:
                people.add(inner)
    for s in people:
        core = core_name(s)
        out.add(core)
        words = core.split()
        if len(words) >= 2 and len(words[-1]) >= 4 and words[-1].lower() not in _ROLE_WORDS:
            out.add(words[-1])  # the surname
        elif len(words) == 1 and len(words[0]) >= 4 and words[0].lower() not in _ROLE_WORDS:
            out.add(words[0])  # `AMBASSADOR LAGON` -> `LAGON`
    if m := _ROLE_LABEL.fullmatch(label.strip()):
        if m.group(1).lower() not in _ROLE_WORDS:
            out.add(m.group(1))  # "the professor" names `Professor D`
    return {" ".join(f.split()).lower() for f in out if len(" ".join(f.split())) >= 3}


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern
    labels: dict[str, frozenset[str]]  # form -> the labels it names
    fuzzy: dict[str, str]  # forms of 6+ characters, and their spaceless spellings -> the form
    by_length: list[str]  # the keys of `fuzzy`, shortest first
    lengths: list[int]

    def near(self, probe: str) -> list[str]:
        """Fuzzy keys long enough and short enough to reach FUZZY_MIN with `probe` at all
        (ratio = 2 x common / total length): a 5,000-speaker index compares a few hundred."""
        r = FUZZY_MIN / 100
        lo = bisect.bisect_left(self.lengths, math.ceil(len(probe) * r / (2 - r)))
        hi = bisect.bisect_right(self.lengths, math.floor(len(probe) * (2 - r) / r))
        return self.by_length[lo:hi]


@functools.lru_cache(maxsize=16)
def matcher(people: tuple[tuple[str, str], ...]) -> _Matcher | None:
    """One compiled alternation of every form of every (label, name), longest first, and the
    labels each form names. Cached: compiling one pattern per speaker per question cost 260 ms
    at 100k turns (thousands of speakers)."""
    labels: dict[str, set[str]] = {}
    for label, name in people:
        for f in forms(label, name):
            labels.setdefault(f, set()).add(label)
    if not labels:
        return None
    alts = "|".join(re.escape(f) for f in sorted(labels, key=len, reverse=True))
    fuzzy = {f: f for f in labels if len(f) >= 6}
    fuzzy.update({f.replace(" ", ""): f for f in list(fuzzy) if " " in f})
    by_length = sorted(fuzzy, key=len)
    return _Matcher(re.compile(r"(?<!\w)(?:" + alts + r")(?!\w)", re.I),
                    {f: frozenset(v) for f, v in labels.items()}, fuzzy, by_length,
                    [len(f) for f in by_length])


_CAPS_RUN = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}")


def _fuzzy_spans(question: str) -> Iterable[tuple[int, int, str]]:
    """Capitalised runs of up to three words (not the question's first word), and each of their
    sub-runs: where a misspelt name may be."""
    for m in _CAPS_RUN.finditer(question):
        words = list(re.finditer(r"\S+", m.group(0)))
        for i in range(len(words)):
            for j in range(i, len(words)):
                s, e = m.start() + words[i].start(), m.start() + words[j].end()
                yield s, e, question[s:e]


def find(question: str, people: Iterable[tuple[str, str]]) -> tuple[set[str], list[tuple[int, int]]]:
    """(labels the question names, the character spans naming them). Exact forms first; when
    none is found, a capitalised span within FUZZY_MIN of a form of 6+ characters ("Carol
    Dhillabeer", "Grade E", "JustinTrudeau")."""
    m_ = matcher(tuple(people))
    if m_ is None:
        return set(), []
    named: set[str] = set()
    spans = []
    for m in m_.pattern.finditer(question):
        named |= m_.labels.get(m.group(0).lower(), frozenset())
        spans.append((m.start(), m.end()))
    if named:
        return named, spans
    from rapidfuzz import fuzz, process

    best: tuple[float, int, int, str] | None = None
    for s, e, text in _fuzzy_spans(question):
        key = " ".join(re.sub(r"['’]s?$", "", text.lower().strip(".,")).split())
        if len(key) < 6:
            continue
        for probe in {key, key.replace(" ", "")}:
            hit = process.extractOne(probe, m_.near(probe), scorer=fuzz.ratio,
                                     score_cutoff=FUZZY_MIN)
            if hit and (best is None or hit[1] > best[0]):
                best = (hit[1], s, e, hit[0])
    if best is None:
        return set(), []
    return set(m_.labels[m_.fuzzy[best[3]]]), [(best[1], best[2])]
