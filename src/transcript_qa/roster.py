"""Who is who: "Who is Lagon?", "What is Mark Lagon's job?", "Who is the host?", "Who are the
speakers?" are answered from the transcript's header, where a web-page copy names each
participant with their role ("Mark P. Lagon, Ambassador-At-Large and Director of ...").

Search ranks what people say; a title given once in the header is in no turn, so no ranking
finds it, and the turns that do name someone ("Ambassador Mark Lagon, thanks for joining
us.") are about them only in passing. The answer is the header line itself, cited where it
stands in the file, as a passage of its own (turn 0, `HEADER`), ahead of what search found.
"""
from __future__ import annotations

import re

from . import lexicon, names
from .index import Index
from .model import Answer, Passage, Speaker, Turn
from .search import is_question

HEADER = "(header)"  # the speaker label of a header passage: nobody says it
HEADER_NAME = "Transcript header"
HEADER_TURN = 0  # turns are numbered from 1

# The question with the person it asks about replaced by "X" (a name, or a role word below).
_P = r"(?:the\s+)?X"
_JOB = r"(?:job|role|title|position|office|post|occupation)(?:\s+title)?"
_WHERE = r"(?:\s+(?:at|in|on|of|for)\s+[\w\s.'’-]{1,60})?"  # "... at the State Department"
_ABOUT = re.compile(
    rf"^\W*(?:who(?:['’]s|\s+is|\s+was)\s+{_P}{_WHERE}|tell\s+me\s+about\s+{_P}|"
    rf"what(?:['’]s|\s+is|\s+was)\s+{_P}['’]?s?\s+{_JOB}{_WHERE}|"
    rf"what(?:['’]s|\s+is|\s+was)\s+the\s+{_JOB}\s+of\s+{_P}{_WHERE}|"
    rf"what\s+{_JOB}\s+(?:does|did)\s+{_P}\s+(?:have|hold){_WHERE}|"
    rf"what\s+(?:does|did)\s+{_P}\s+do(?:\s+for\s+a\s+living)?)\W*$", re.I)
# Role words for the two sides of an interview: the one who asks and the one who answers.
_ASKER = re.compile(r"\b(?:host|interviewer|moderator|presenter|anchor)\b", re.I)
_ANSWERER = re.compile(r"\b(?:guest|interviewee)\b", re.I)
_ROLE_WORD = re.compile(r"\b(?:the\s+)?(?:host|interviewer|moderator|presenter|anchor|guest|"
                        r"interviewee)\b", re.I)
# "Who is the person / the host asking (the ambassador) the questions?", "Who asks the
# questions?", "Who is answering the questions?": the one who asks, or who answers, named by
# what they do.
_ONE = r"(?:the\s+(?:\w+\s+)?(?:person|one|man|woman|host|interviewer|guest|interviewee)\s+)"
_DOING = (r"^\W*who(?:['’]s|\s+(?:is|was)\s+{one}?(?:(?:who|that)\s+(?:is\s+|was\s+)?)?|"
          r"\s+{one}?)(?:{verbs})\s+(?:[\w.]+\s+){{0,3}}?(?:the\s+|these\s+|all\s+the\s+)?"
          r"questions(?:\s+to\s+(?:the\s+)?[\w.]+(?:\s+[\w.]+)?)?"
          r"(?:\s+(?:here|in\s+(?:this|the)\s+\w+))?\W*$")
_INTERVIEWED = re.compile(
    r"^\W*who\s+(?:is|was)\s+(?:being\s+)?interviewed\W*$|"
    + _DOING.format(one=_ONE, verbs=r"answer(?:s|ed|ing)?|(?:is\s+|was\s+)?being\s+asked|"
                    r"(?<=is\s)asked|(?<=was\s)asked|takes?|took|taking|fields?|fielding"), re.I)
_INTERVIEWING = re.compile(
    r"^\W*who\s+(?:is\s+(?:doing\s+the\s+)?interviewing|hosts?|(?:is|was)\s+hosting)\b"
    r"[\w\s]{0,40}\W*$|"
    + _DOING.format(one=_ONE, verbs=r"asking|posing|putting|"
                    r"(?<!is\s)(?<!was\s)(?:asks|asked|poses|posed|puts|put)"), re.I)
_EVERYONE = re.compile(
    r"^\W*(?:who\s+(?:are|were)\s+the\s+(?:speakers|participants|guests|panelists|people\s+"
    r"(?:speaking|talking))|who\s+(?:is|was)\s+(?:speaking|talking|in\s+(?:this|the)\s+\w+)|"
    r"who\s+(?:speaks|talks)|which\s+people\s+(?:speak|talk))\W*$", re.I)


# What any of the questions above looks like, the person not yet found.
_LOOSE = re.compile(_ABOUT.pattern.replace(_P, r".{1,80}?"), re.I)


def find(question: str, index: Index, transcript_ids: tuple[str, ...] = ()
         ) -> list[tuple[str, Speaker]]:
    """(transcript id, header entry) of the people a who-is question asks about, in the
    transcripts searched, where the header names them on a line of their own; [] when the
    question is no such question or no header says."""
    if not any(p.match(question) for p in (_LOOSE, _EVERYONE, _INTERVIEWED, _INTERVIEWING)):
        return []  # most questions: no lookup at all
    lines = _header_lines(index, transcript_ids)
    if not lines:
        return []
    tids = tuple(lines)
    if _EVERYONE.match(question):
        return [(tid, s) for tid, people in lines.items() for s in people]
    if _INTERVIEWED.match(question):
        return _by_side(index, lines, asker=False)
    if _INTERVIEWING.match(question):
        return _by_side(index, lines, asker=True)
    role = _ROLE_WORD.search(question)
    if role and _ABOUT.match(question[:role.start()] + "X" + question[role.end():]):
        return _by_side(index, lines, asker=bool(_ASKER.search(role.group(0))))
    labels, spans = names.find(question, index.speakers(()),
                               {lab for lab, _, _ in index.speakers(tids)})
    if not labels:
        return _misspelt(question, index, lines)
    if len(spans) != 1 or len(labels) != 1:
        return []
    s, e = spans[0]
    if not _ABOUT.match(question[:s] + "X" + question[e:]):
        return []
    (label,) = labels
    who = {name for lab, name, _ in index.speakers(tids) if lab == label}
    return [(tid, p) for tid, people in lines.items() for p in people if p.name in who]


# A capitalised word that may be a misspelt surname ("Legon"), with a possessive "'s".
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][A-Za-z]{3,}(?:['’]s)?(?![\w'’-])")


def _misspelt(question: str, index: Index, lines: dict[str, list[Speaker]]
              ) -> list[tuple[str, Speaker]]:
    """"Who is Legon?": the header person whose last name the one capitalised word in the
    person's place misspells by one edit (OSA: "Lagno" too), same first letter, 4+ letters.
    Search never matches a single word fuzzily (`names.find`: "William" is not "Williams");
    here only the header's few people are candidates, and only a word that no transcript
    says, so a real word or another person's name is never taken for one of them."""
    for m in _CAPITALISED.finditer(question):
        if not _ABOUT.match(question[:m.start()] + "X" + question[m.end():]):
            continue
        word = names.possessive(m.group(0)).lower()
        if index.document_frequency([word]):
            return []  # a word of the transcripts: not a misspelling
        people = [(tid, p, (names.core_name(p.name).split() or [""])[-1].lower())
                  for tid, ps in lines.items() for p in ps]
        last = lexicon.one_edit(word, tuple({s for _, _, s in people if len(s) >= 4
                                              and s[0] == word[0] and s != word}))
        found = [(tid, p) for tid, p, s in people if s == last]
        return found if len({p.name for _, p in found}) == 1 else []
    return []


def _header_lines(index: Index, tids: tuple[str, ...]) -> dict[str, list[Speaker]]:
    """Per transcript (of `tids`, or all when empty), the header entries that have a line of
    their own."""
    out: dict[str, list[Speaker]] = {}
    for tid, people in index.directories().items():
        if not tids or tid in tids:
            people = [s for s in people if s.line and s.start_char is not None]
            if people:
                out[tid] = people
    return out


def _by_side(index: Index, lines: dict[str, list[Speaker]], asker: bool
             ) -> list[tuple[str, Speaker]]:
    """The header's people on one side of an interview: the one whose turns are questions
    (most of them, and at least twice as many as anyone else's), or everyone else. Only for
    transcripts shaped like an interview: two or more people in the header, one who asks."""
    out = []
    for tid, people in lines.items():
        if len(people) < 2:
            continue
        asks: dict[str, int] = {}
        for t in index.turns(tid):
            if is_question(t.text):
                asks[t.speaker_name] = asks.get(t.speaker_name, 0) + 1
        ranked = sorted(asks.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
            continue
        host = ranked[0][0]
        if host not in {p.name for p in people}:
            continue
        out += [(tid, p) for p in people if (p.name == host) == asker]
    return out


def passage(tid: str, people: list[Speaker], title: str) -> Passage:
    """The header lines of `people` as one passage (turn 0): one line, or consecutive ones
    (only whitespace between them in the file) joined as the paragraphs they are."""
    people = sorted(people, key=lambda p: p.start_char or 0)
    block = [people[0]]
    for p in people[1:]:  # a gap of more than a blank line or two: other text between
        if (p.start_char or 0) - (block[-1].end_char or 0) > 4:
            break
        block.append(p)
    text = "\n\n".join(p.line or "" for p in block)
    turn = Turn(transcript_id=tid, number=HEADER_TURN, speaker=HEADER, speaker_name=HEADER_NAME,
                speaker_role=None, text=text, start_char=block[0].start_char or 0,
                end_char=block[-1].end_char or 0)
    return Passage(turn=turn, score=1.0, transcript_title=title, span_start=0,
                   span_end=len(text), scores={"roster": 1.0})


def is_header(p: Passage) -> bool:
    return p.turn.number == HEADER_TURN and p.turn.speaker == HEADER


def answer(question: str, people: list[tuple[str, Speaker]], passages: list[Passage],
           titles: dict[str, str], k: int) -> Answer:
    """The header passage of the first transcript's `people` as the answer, then what search
    found (the turns that name or introduce them), k passages in all."""
    tid = people[0][0]
    head = passage(tid, [p for t, p in people if t == tid], titles.get(tid, tid))
    shown = [head] + passages[:max(k - 1, 0)]
    for rank, p in enumerate(shown, start=1):
        p.rank = rank
    return Answer(question=question, passages=shown, cited=head, text=head.turn.text,
                  span_start=0, span_end=len(head.turn.text), score=1.0)
