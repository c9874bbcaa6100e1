"""How questions name speakers: the forms a speaker label may be said in, and finding them in a
question, misspelt ones too.

Labels come as written in a transcript: `Right Hon. Justin Trudeau`, `Mr. Jagmeet Singh
(Burnaby South, NDP)`, `The Chair (Hon. Anthony Rota)`, `Kirsty Williams AM`, `Professor D`,
`AMBASSADOR LAGON`. People ask "What did Justin Trudeau say ...", "What did Kirsty Williams
think ...", "What did the professor think ...", "... Carol Dhillabeer ..." (a typo). So a
label's forms are the label, the name without titles, affiliations or post-nominal letters,
its surname, a person named in brackets, and "the <role>" for a `Role X` label. A question
names a form when its words are the form's words (a dictionary look-up per word run, so the
cost does not grow with the number of speakers). A capitalised run of as many words as a
full name, not found so, may still be a misspelling of it (rapidfuzz, same first letter);
"JustinTrudeau" is a full name run together. Single words are never matched fuzzily: too
many surnames are a letter away from ordinary words ("William", "Williamson").
"""
from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .formats.base import HONORIFICS
from .lexicon import STOPWORDS

# Letters after a name that are not part of it (Welsh AMs, MPs, MSPs, honours).
_POST_NOMINALS = {"AM", "MS", "MP", "MSP", "MLA", "MEP", "TD", "QC", "KC", "OBE", "MBE", "CBE",
                  "JR", "SR"}
_TITLES = HONORIFICS | {"RIGHT", "RT", "HONOURABLE", "HONORABLE"}
# Last words of role labels that are not surnames ("Project Manager" is not "Mr Manager").
_NOT_SURNAMES = {"manager", "interface", "designer", "marketing", "unknown"}
# "Professor D", "Grad E", "Caller 12": "the professor" names them.
_ROLE_LABEL = re.compile(r"([^\W\d_]{4,})\s+(?:[^\W\d_]|\d+)")
_NOT_ROLES = {"speaker", "unknown"}
# Words that name an office when a role ends its capitalised head with them.
_OFFICES = {"spokesman", "spokeswoman", "spokesperson", "director", "advisor", "adviser",
            "secretary", "minister", "ambassador", "chair", "chairman", "chairwoman",
            "president", "governor", "senator", "mayor", "commissioner", "chief", "officer",
            "analyst", "correspondent", "reporter", "editor", "host", "moderator", "professor",
            "coordinator", "counsel", "attorney", "judge", "general", "envoy", "administrator",
            "superintendent", "inspector", "treasurer", "clerk", "ceo", "cfo", "cto", "founder"}
# Titles that are an office ("the ambassador", "the senator"), not a courtesy ("Mr", "Hon").
_OFFICE_TITLES = {"AMBASSADOR", "SECRETARY", "SENATOR", "GOVERNOR", "PRESIDENT", "GENERAL",
                  "ADMIRAL", "COLONEL", "CAPTAIN", "JUDGE", "JUSTICE", "MINISTER", "CHAIRMAN",
                  "CHAIRWOMAN", "SPOKESMAN", "SPOKESPERSON", "PROFESSOR", "REPRESENTATIVE"}
# Titles only a person's name follows (not "Minister of Justice"): a bracket opening with one
# names the person behind a role label.
_PERSON_TITLES = {"MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "HON", "SIR", "DAME", "LORD",
                  "LADY", "RIGHT", "RT"}
FUZZY_MIN = 88  # rapidfuzz ratio (0-100) for a capitalised run to name a speaker it misspells
EDGE = " \t\n.,;:!?\"'“”‘’()[]"  # stripped from the ends of a form and of a question's run


def core_name(text: str) -> str:
    """`Right Hon. Justin Trudeau` -> `Justin Trudeau`; `Kirsty Williams AM` -> `Kirsty
    Williams`; `Mr. Jagmeet Singh (Burnaby South, NDP)` -> `Jagmeet Singh`."""
    words = re.sub(r"\([^)]*\)?", " ", text).split()
    while len(words) > 1 and words[0].upper().strip(".,") in _TITLES:
        words.pop(0)
    while len(words) > 1 and words[-1].upper().strip(".,") in _POST_NOMINALS:
        words.pop()
    return " ".join(words).strip(" ,")


# A transcript's "O’Connell" is the "O'Connell" a user types: apostrophes fold to one (one
# character for one, so spans found in the folded question hold in the question as typed).
_APOSTROPHES = str.maketrans("’‘ʼ`", "''''")


def _norm(text: str) -> str:
    return " ".join(text.split()).strip(EDGE).lower().translate(_APOSTROPHES)


def forms(label: str, name: str, role: str | None = None) -> set[str]:
    """Every way a question may name this speaker: lower-cased, single-spaced, at least 3
    characters."""
    out = {label, name} | _offices(label, name, role)
    people = {label, name}
    for s in (label, name):  # `The Chair (Hon. Anthony Rota)`: the person in brackets
        for inner in re.findall(r"\(([^)]*)\)", s):
            first = inner.split()[0].upper().strip(".,") if inner.split() else ""
            if first in _PERSON_TITLES:
                people.add(inner)
    for s in people:
        core = core_name(s)
        words = core.split()
        if len(words) == 1 and words[0].upper().strip(".,") in _TITLES:
            out.add("the " + core)  # `Mr. Speaker`, `The Chair`: "the speaker", not "speaker"
            continue
        out.add(core)
        if len(words) >= 3 and all(re.fullmatch(r"[A-Z]\.?", w) for w in words[1:-1]):
            out.add(f"{words[0]} {words[-1]}")  # "Mark Lagon" for `Mark P. Lagon`
        last = words[-1] if len(words) >= 2 else ""
        if (len(last) >= 4 and last.lower() not in _NOT_SURNAMES
                and last.upper().strip(".,") not in _TITLES):
            out.add(last)  # the surname (not "Minister" of `Prime Minister`)
    if m := _ROLE_LABEL.fullmatch(label.strip()):
        word = m.group(1).lower()
        if word not in _NOT_ROLES and word not in STOPWORDS:
            out.add("the " + word)
    return {f for f in map(_norm, out) if len(f) >= 3}


def first_name(name: str) -> str | None:
    """`Mark P. Lagon` -> "mark": the given name of a person named "First ... Surname" (the
    same names `forms` takes a surname from; not `Project Manager`, `Grad B`, `Mr. Speaker`).
    Not a form of its own: a given name is also a common word ("Mark", "Will", "Rose"), so a
    question names a speaker by it only capitalised (`find`)."""
    words = core_name(name).split()
    if len(words) < 2:
        return None
    first, last = words[0].strip(".,"), words[-1]
    if (len(first) < 3 or not first.isalpha() or not first[0].isupper()
            or first.upper() in _TITLES or first.lower() in STOPWORDS
            or len(last) < 4 or last.lower() in _NOT_SURNAMES
            or last.upper().strip(".,") in _TITLES):
        return None
    return first.lower()


def _offices(label: str, name: str, role: str | None) -> set[str]:
    """"the ambassador" for `AMBASSADOR LAGON`; "the spokesman" and "the department
    spokesman" for the role `Department Spokesman`: how people refer to someone by office.
    A role's parts (split at commas, semicolons and "and") give their capitalised heads
    ("Director of the Office ..." -> "the director"), only when the head ends in an office
    (`_OFFICES`): "Combat Trafficking in Persons" must not make "the trafficking" a name."""
    out = set()
    for s in (label, name):
        words = s.split()
        if len(words) >= 2 and words[0].upper().strip(".,") in _OFFICE_TITLES:
            out.add("the " + words[0].lower().strip(".,"))
    for part in re.split(r"\s*(?:[,;]|\band\b)\s*", role or ""):
        head = []
        for w in part.split():
            if not w[0].isupper():
                break
            head.append(w)
        if head and head[-1].lower().strip(".,") in _OFFICES:
            out.add("the " + " ".join(head))  # "the department spokesman"
            out.add("the " + head[-1])  # "the spokesman"; never "the (combat) trafficking"
    return out


@dataclass(frozen=True)
class Matcher:
    """The forms of one set of speakers, built once per set (`matcher`)."""

    labels: dict[str, frozenset[str]]  # form -> the labels it names
    longest: int  # words in the longest form
    joined: dict[str, str]  # a full name without spaces or hyphens -> the form ("justintrudeau")
    fuzzy: dict[tuple[int, str], tuple[list[str], list[int]]]  # (words, first letter) -> forms
    # of full names (2+ words, 6+ characters) shortest first, and their lengths
    given: dict[str, frozenset[str]]  # a given name ("sean") -> the labels of people so named

    def lookup(self, typed: str) -> frozenset[str]:
        """The labels a name typed into a filter names: exactly a form, or one with spaces
        and hyphens as typed ("Jean Pierre" for "Jean-Pierre"), else a full name within
        FUZZY_MIN ("Mark Lagn")."""
        from rapidfuzz import fuzz, process

        text = possessive(_norm(typed))
        if not text:
            return frozenset()
        if text in self.labels:
            return self.labels[text]
        same = [f for f in self.labels if _joined(f) == _joined(text)]
        if same:
            return frozenset().union(*(self.labels[f] for f in same))
        if len(text) >= 6 and " " in text:
            hit = process.extractOne(text, self.near(text), scorer=fuzz.ratio,
                                     score_cutoff=FUZZY_MIN)
            if hit:
                return self.labels[hit[0]]
        return frozenset()

    def near(self, run: str) -> list[str]:
        """Full-name forms with as many words and the same first letter as `run`, long enough
        and short enough to reach FUZZY_MIN with it at all (ratio = 2 x common / total)."""
        forms_, lengths = self.fuzzy.get((run.count(" ") + 1, run[0]), ([], []))
        r = FUZZY_MIN / 100
        lo = bisect.bisect_left(lengths, len(run) * r / (2 - r))
        hi = bisect.bisect_right(lengths, len(run) * (2 - r) / r)
        return forms_[lo:hi]


@functools.lru_cache(maxsize=8)
def matcher(people: tuple[tuple[str, ...], ...]) -> Matcher:
    """The forms of every (label, name) or (label, name, role). Cached per speaker set: search
    builds one per index and narrows it to a question's transcripts afterwards
    (`find(allowed=...)`)."""
    labels: dict[str, set[str]] = {}
    given: dict[str, set[str]] = {}
    for label, name, *role in people:  # (label, name) or (label, name, role)
        for f in forms(label, name, role[0] if role else None):
            labels.setdefault(f, set()).add(label)
        if first := first_name(name):
            given.setdefault(first, set()).add(label)
    full = sorted((f for f in labels if " " in f and len(f) >= 6), key=len)
    fuzzy: dict[tuple[int, str], tuple[list[str], list[int]]] = {}
    for f in full:
        bucket = fuzzy.setdefault((f.count(" ") + 1, f[0]), ([], []))
        bucket[0].append(f)
        bucket[1].append(len(f))
    return Matcher({f: frozenset(v) for f, v in labels.items()},
                   max((f.count(" ") + 1 for f in labels), default=0),
                   {_joined(f): f for f in full}, fuzzy,
                   {g: frozenset(v) for g, v in given.items() if g not in labels})


def _joined(text: str) -> str:
    """A full name run together: "justintrudeau", "janetfinchsaunders"."""
    return re.sub(r"[\s-]", "", text)


def _runs(question: str, longest: int) -> Iterator[tuple[int, int, int]]:
    """(start, end, words) of every run of up to `longest` whitespace-separated words, longest
    first at each start, punctuation trimmed off both ends."""
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", question)]
    for i in range(len(tokens)):
        for j in range(min(len(tokens), i + longest), i, -1):
            s, e = tokens[i][0], tokens[j - 1][1]
            while s < e and question[s] in EDGE:
                s += 1
            while e > s and question[e - 1] in EDGE:
                e -= 1
            if e > s:
                yield s, e, j - i


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(s < b and a < e for a, b in spans)


def possessive(text: str) -> str:
    return re.sub(r"['’]s?$", "", text)


def find(
    question: str, people: Iterable[tuple[str, ...]],
    allowed: frozenset[str] | set[str] | None = None,
) -> tuple[set[str], list[tuple[int, int]]]:
    """(labels the question names, the character spans naming them), among `allowed` labels
    when given. Exact forms, longest first; then a capitalised run no exact form covers
    within FUZZY_MIN of a full name of as many words ("Carol Dhillabeer", "Grade E"), or a
    full name run together ("JustinTrudeau"); then a capitalised given name ("Sean")."""
    m_ = matcher(tuple(people))
    named: set[str] = set()
    spans: list[tuple[int, int]] = []

    def take(labs: frozenset[str], s: int, e: int) -> None:
        labs = labs & allowed if allowed is not None else labs
        if labs and not _overlaps(spans, s, e):
            named.update(labs)
            spans.append((s, e))

    for s, e, _ in _runs(question, m_.longest):
        text = _norm(question[s:e])
        if text in m_.labels:
            take(m_.labels[text], s, e)
        elif (bare := possessive(text)) in m_.labels:  # "Julie Morgan's": the name only
            take(m_.labels[bare], s, e - (len(text) - len(bare)))
    if m_.fuzzy:
        _fuzzy(question, m_, take, spans)
    # Last, "What did Sean say?": a given name, capitalised and not the question's first word
    # ("Mark the countries ..."), where no full name (exact or misspelt) was found
    opening = len(question) - len(question.lstrip(EDGE))
    for s, e, _ in _runs(question, 1):
        bare = possessive(_norm(question[s:e]))
        if bare in m_.given and question[s].isupper() and s > opening:
            take(m_.given[bare], s, s + len(bare))
    return named, sorted(spans)


def _fuzzy(question: str, m_: Matcher, take: Callable[[frozenset[str], int, int], None],
           spans: list[tuple[int, int]]) -> None:
    """A capitalised run no exact form covers, within FUZZY_MIN of a full name of as many
    words, or a full name run together."""
    from rapidfuzz import fuzz, process

    for s, e, n in _runs(question, 4):
        full = _norm(question[s:e])
        text = possessive(full)
        e -= len(full) - len(text)
        words = question[s:e].split()
        if (len(text) < 6 or not words or not all(w[0].isupper() for w in words)
                or _overlaps(spans, s, e)):
            continue
        if n == 1:  # "JustinTrudeau", "Janet-Finch-Saunders": a full name run together
            camel = sum(c.isupper() for c in words[0]) >= 2
            form = m_.joined.get(_joined(text)) if camel else None
            if form:
                take(m_.labels[form], s, e)
            continue
        hit = process.extractOne(text, m_.near(text), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
        if hit:
            take(m_.labels[hit[0]], s, e)
