"""Picks the answer: the best sentence of the top-ranked turn, cited verbatim, or abstains.

Search already scored every sentence of every candidate turn against the question with
vectors stored at index time, so nothing is encoded here. The answer text is always a slice
of a stored turn (`turn.text[span_start:span_end]`), never words the transcript lacks.

Span choice (`sentence_scores`): each sentence of a candidate turn scores
    cosine(question, sentence) + SPAN_COVERAGE x its IDF-weighted share of the question's words
    + SPAN_CONTEXT x the same share over this sentence and the one before or after it
      (whichever shares more)
    + SPAN_TYPE if the question asks for a kind of thing (who/which -> a name, where -> a place,
      when -> a time, how many/much -> a number, what share -> a percentage, which agencies ->
      an organisation, "... men or women?" -> one of the options) and the sentence holds one
      the question lacks (an option: one the question names).
For the kinds words tell reliably (STRICT_KINDS: choice, number, percentage, time,
organisation) the best sentence should hold the thing: if it does not, the nearest sentence
at most MAX_MOVE away that does is the answer (`best_sentence`).
When the question sets something aside ("Besides poverty, what...?", lexicon.split_exclusion),
the cosine is taken against the question without that clause and its words weigh nothing in
the coverage terms: a sentence about X restates what the asker already knows.
The context term is for answers whose question words sit in the sentence before ("...a major
UN conference in Vienna. And so now, the UNICEFs, the UN Office on Drugs and Crime...") or
after ("... consists of two things: sex trafficking and forced labor ... It's kind of a jargon
term, human trafficking, ..."): counted one way only, it favoured the later sentence; the
type term prefers the sentence that carries the asked-for thing over one that restates the
question. Weights are set by hand (no labelled answer spans exist to fit them on): coverage
counts half as much as cosine, context and type a quarter and a sixth.

Abstention: the question is unanswered when even the best of the top three passages' best
sentences is far from it in meaning (cosine below ABSTAIN_BELOW, calibrated on QMSum train:
questions asked of a meeting from another domain; `python -m transcript_qa.train` prints it),
or when none of the question's content words occurs in or beside those passages and the
cosine is below UNGROUNDED_BELOW: an off-topic question can sit near a passage in meaning
alone ("population of Brazil" ~ "other parts of Latin America"), but a question the
transcript answers almost always shares a word with the answer or the turns around it.
Likewise, whatever the cosine, a question that names a speaker is unanswered when none of its
other words occurs in or beside the top passages and the top one is someone else's: the name
alone found it ("Where did Ambassador Lagon go to college?" would cite McCormack's "Ambassador
Mark Lagon, thanks for joining us", cosine 0.61). Conversely, below ABSTAIN_BELOW a question
that names a speaker is still answered when the top passage is that speaker's and its own
turn holds at least NAMED_FOUND_MIN of the question's words: meeting speech is too disfluent
for its meaning to be close ("What did the professor think about the back-end?"; held-out
QMSum train: 14 of 417 answerable queries refused without it, 10 with it, no unanswerable one
answered: `bench/abstain.py --heldout`). A bare keyword search ("Fallujah") whose words the
top passage's turn holds is never refused: it asks where they are said, not what they mean.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable

from .lexicon import CLASHING, keywords, stem, undot, words
from .model import Answer, Passage

SPAN_COVERAGE = 0.5
SPAN_CONTEXT = 0.25
SPAN_TYPE = 0.15

# What a question asks for, from its wording (first match wins; None: no particular kind).
# A coarse-to-fine answer-type scheme in the manner of Li & Roth's question classes: a share
# ("what portion") is a percentage or fraction, not any number; "which agencies" asks for an
# organisation, not any capitalised word.
# "When"/"who"/"which" ask only where the question opens with them (after at most one word,
# "And when", "In which", or an indirect frame, "Do you know when", "Tell me who"); later
# they start a clause ("What did Carol think when talking about X?", "the people who ...").
_OPENS = (r"^\W*(?:(?:do|does|can|could|would|will)\s+(?:you|anyone|someone|anybody)\s+"
          r"(?:know|tell\s+me|say|remember|explain)\s+|(?:please\s+)?tell\s+me\s+|"
          r"i\s+(?:want\s+to\s+know|wonder|would\s+like\s+to\s+know)\s+)?(?:[\w'’-]+[^\w'’-]+)?")
# "What share", "What's the share", "What is the fraction", "whats the cost"
_WHAT = r"\bwhat(?:['’]?s|\s+is|\s+was|\s+are|\s+were)?(?:\s+the|\s+a|\s+an)?\s+"
_QUESTION_TYPES = (
    ("percent", re.compile(rf"{_WHAT}(?:share|percentage|percent|proportion|portion|fraction)\b",
                           re.I)),
    ("number", re.compile(r"\bhow (?:many|much|long|often|old|far|big|large|high|fast|"
                          rf"heavy|tall)\b|{_WHAT}(?:number|amount|price|cost)\b|"
                          r"\b(?:phone|telephone|fax|hotline)(?:['’]s)? number\b|"
                          # a quantity: "What maximum altitude ...?", "What was his heart rate?"
                          r"\bwhat(?:['’]s| is| was| were| are)? (?:the |its |his |her |their |"
                          r"[\w-]+['’]s )?(?:(?:maximum|minimum|top|peak|average|total|exact|"
                          r"highest|lowest) )?(?:altitudes?|speeds?|velocit(?:y|ies)|distances?|"
                          r"heights?|depths?|weights?|temperatures?|heart rates?|pulse|"
                          r"populations?|budgets?|salar(?:y|ies)|revenues?)"
                          # the quantity itself, not a noun it qualifies ("speed limit",
                          # "distance learning")
                          r"(?=\s+(?:did|does|do|was|is|were|are|has|had|have|will|would|can|"
                          r"could|of|at|in|on|for|during|when|after|before)\b|\s*[?.,!;:]|\s*$)",
                          re.I)),
    ("time", re.compile(rf"{_OPENS}when\b|(?:{_WHAT}|\bwhich\s+)(?:year|month|day|date|time|"
                        r"decade|century)\b", re.I)),
    # "Which UN bodies", "what international organisations", "which of the agencies"; not
    # "What happens to companies", "What kind of companies" or "What about the agencies".
    ("org", re.compile(r"\b(?:which|what)\s+(?:of\s+the\s+|(?!(?:is|are|was|were|do|does|did|"
                       r"has|have|had|can|could|will|would|should|about|kind|sort|type)\b)"
                       r"[\w.-]+\s+)?(?:bod(?:y|ies)|organi[sz]ations?|agenc(?:y|ies)|"
                       r"institutions?|ngos?|charit(?:y|ies)|non-?profits?|compan(?:y|ies)|"
                       r"firms?|ministr(?:y|ies)|departments?)\b", re.I)),
    ("name", re.compile(rf"{_OPENS}(?:who|whom|whose|where|which)\b|\bwhat (?:groups?|"
                        r"countr(?:y|ies)|cit(?:y|ies)|places?|name)\b", re.I)),
)
# Kinds that words tell reliably: the answer span moves to a sentence holding one
# (`best_sentence`). A "who" question is often answered by a common noun ("a corrupt
# official"), so "name" only adds SPAN_TYPE.
STRICT_KINDS = frozenset({"choice", "percent", "number", "time", "org"})
MAX_MOVE = 2  # sentences; see `best_sentence`
# A count or amount. Not "one" (mostly a pronoun: "one can call"), nor a year after a word
# that dates it ("in the year 2000", "since 1998"): a time, not an answer to "how many".
_NUMBER = re.compile(r"(?<![\d,.])\d|[$€£%]|\b(?:zero|two|three|four|five|six|seven|eight|nine|"
                     r"ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|twenty|thirty|"
                     r"forty|fifty|sixty|seventy|eighty|ninety|(?:hundred|thousand|million|"
                     r"billion)s?|"
                     r"dozens?|half|percent|twice|thrice|"
                     # a multiple: "up to fivefold", "a two-fold rise"
                     r"(?:two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|thousand)"
                     r"-?fold)\b", re.I)
_DATED_YEAR = re.compile(r"\b(?:in|since|by|from|until|till|year|of|early|late|mid|before|"
                         r"after|during|around|circa)\s+(?:1[89]|20)\d\d\b", re.I)
_HOURS = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
          r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty)")
# Month and day names only capitalised ("may" is mostly a verb).
_TIME = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|"
                   r"November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                   r"Sunday)\b|(?i:\b(?:1[89]\d\d|20\d\d|yesterday|tomorrow|today|tonight|ago|"
                   r"decades?|centur(?:y|ies))\b|\b(?:1[89]|20)?\d0s\b|\b(?:last|next|this) "
                   r"(?:week|month|year|spring|summer|autumn|fall|winter)\b|"
                   # "about the end of the year", "by the start of next month", "in the
                   # coming weeks": when, said without a date
                   r"\b(?:end|beginning|start|middle) of (?:the |this |next |last )?"
                   r"(?:year|month|week|decade|century|spring|summer|autumn|fall|winter)\b|"
                   r"\b(?:coming|next|past|last) (?:few |several |couple of )?"
                   r"(?:days|weeks|months|years)\b|"
                   # "in two weeks", "within a few days", clock times, "this morning"
                   r"\b(?:in|within|after) (?:a|an|one|two|three|four|five|six|seven|eight|"
                   r"nine|ten|a few|a couple of|several|\d+) (?:hours?|days?|weeks?|months?|"
                   r"years?)\b|\b\d{1,2}(?::\d\d)? ?(?:a\.m\.|p\.m\.|am\b|pm\b)|"
                   r"\b\d{1,2}:\d\d\b|\b(?:noon|midnight)\b|\b(?:this|tomorrow|yesterday) "
                   r"(?:morning|afternoon|evening|night)\b|"
                   # "34 minutes after the hour", "half past nine", "the top of the hour"
                   rf"\b(?:\d{{1,2}}|{_HOURS}(?:[ -]{_HOURS})?) minutes? (?:after|past|before|"
                   rf"to) (?:the hour|\d{{1,2}}|{_HOURS})\b|\b(?:half|(?:a )?quarter) (?:past|to) "
                   rf"(?:\d{{1,2}}|{_HOURS})\b|\b(?:top|bottom) of the hour\b|"
                   rf"\b(?:\d{{1,2}}|{_HOURS}) o['’]clock\b)")
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w.&'’-]*")
# A share: "80 percent" (one match, so "What percent ...?" still finds it), "one in five",
# "half", "a third", "the majority".
_PERCENT = re.compile(r"\d[\d,.]*\s*(?:%|per ?cent\b)|\bper ?cent\b|\b(?:one|two|three|four|"
                      r"\d+)\s+(?:in|out\s+of)\s+(?:two|three|four|five|six|seven|eight|nine|"
                      r"ten|a\s+hundred|\d+)\b|\b(?:half|halves|thirds?|quarters?|fifths?|"
                      r"tenths?|majority|minority)\b", re.I)
# An organisation's name: an acronym ("UNICEF", "NGOs"; not a dotted "U.S.", nor acronyms that
# name no organisation: "TV", "US", "OK", "HIV") or a capitalised word that heads one ("the UN
# Office on Drugs and Crime", "the Polaris Project").
_ORG = re.compile(r"\b(?!(?:OK|TV|US|USA|UK|PM|AM|ID|IT|CEO|HIV|AIDS|DNA|GDP|PC|PDF|FAQ)s?\b)"
                  r"[A-Z]{2,}s?\b|(?<![.!?]\s)(?<!^)\b(?:Organi[sz]ation|Office|Agency|"
                  r"Department|Ministry|Council|Committee|Commission|Fund|Project|Bank|Union|"
                  r"Association|Institute|Bureau|Foundation|Cent(?:er|re)|Services?|Court|"
                  r"Corporation|Company|Society|University|Coalition|Alliance|Network|Authority|"
                  r"Board|Program(?:me)?|Inc|Ltd|Party|Police)s?\b")
_PATTERNS = {"number": _NUMBER, "percent": _PERCENT, "time": _TIME, "org": _ORG,
             "name": _CAPITALISED}


# An alternative question offers options in its last words, "A or B?", and asks which of
# them holds. It is asked in yes/no form ("Is it young people or older people?", "Will the
# report come out in June or in December?") or sets the options off with a comma ("Who is
# more often trafficked across borders, men or women?"). A wh-question that ends "A or B?"
# asks for something else: "What share of victims are women or children?" wants a
# percentage, "What happens to victims who are sick or injured?" no option at all. A closing
# "or both?" / "or not?" is no option of its own; "or more?" offers none.
_YES_NO = re.compile(r"^\W*(?:is|are|was|were|do|does|did|will|would|can|could|should|shall|"
                     r"has|have|had|may|might|must)\b", re.I)
_CHOICE = re.compile(r"(,\s*)?((?:[\w'’.-]+\s+){0,2}[\w'’.-]+),?\s+or\s+((?:[\w'’.-]+\s+){0,2}"
                     r"[\w'’.-]+)\s*\?[\s?!\"'”’)]*$", re.I)
_OR_BOTH = re.compile(r",?\s+or\s+(?:both|neither|not|none|either|something\s+else|"
                      r"anything\s+else)(?=\s*\?)", re.I)
_NO_OPTION = frozenset({"not", "no", "otherwise", "else", "something", "anything", "both",
                        "neither", "none", "whatever", "nothing", "more", "less", "fewer",
                        "other", "others", "etc"})
CHOICE_TAIL = 200  # characters: the options are in the question's last words


def choice_options(question: str) -> frozenset[str]:
    """The words that name an alternative question's options ("men or women?" -> men, women;
    "young people or older people?" -> young, older; "170 or 200 countries?" -> 170, 200,
    countries); empty when it is no alternative question."""
    tail = _OR_BOTH.sub("", question[-CHOICE_TAIL:])
    m = _CHOICE.search(tail)
    if m is None or not (m.group(1) or _YES_NO.match(question)):
        return frozenset()
    # single letters are no option ("the U.S. or the U.K.?" reads u, s, k)
    a, b = ([w for w in keywords(m.group(i)) if len(w) > 1 or w.isdigit()] for i in (2, 3))
    while a and b and a[-1] == b[-1]:  # "young people or older people": the people are shared
        a, b = a[:-1], b[:-1]
    if not a or not b:
        return frozenset()
    # Before "or", the word next to it ("Are most victims adults or young children?": adults,
    # not victims); after it, every word (young children; "sex or labor trafficking" keeps
    # "trafficking", which names no option but only makes the kind less strict).
    first, second = {a[-1]}, set(b)
    first, second = first - second, second - first
    if not first or not second or (first | second) & _NO_OPTION:
        return frozenset()
    return frozenset(first | second)


def question_type(question: str, options: frozenset[str] | None = None) -> str | None:
    """"choice" (which of the options it names: `choice_options`, or `options` when the
    caller has them already), "percent", "number", "time", "org" (an organisation), "name"
    (a person, place or organisation: any capitalised name) or None."""
    if choice_options(question) if options is None else options:
        return "choice"
    for kind, pattern in _QUESTION_TYPES:
        if pattern.search(question):
            return kind
    return None


_I = frozenset({"i", "i'm", "i’m", "i've", "i’ve", "i'd", "i’d", "i'll", "i’ll"})


def asked_words(question: str) -> frozenset[str]:
    """The question's own words, lower-cased: things it names are not its answer."""
    return frozenset(w.lower().strip(".") for w in re.findall(r"[\w.’'-]+", question)) | _I


# Plurals a stemmer does not bring back to their singular ("a woman" names "women").
_IRREGULAR = {"women": "woman", "men": "man", "children": "child", "people": "person",
              "feet": "foot", "teeth": "tooth", "mice": "mouse", "geese": "goose"}


def _singular(ws: Iterable[str]) -> list[str]:
    return stem([_IRREGULAR.get(w, w) for w in ws])


def has_type(text: str, kind: str | None, asked: frozenset[str] | str,
             options: frozenset[str] = frozenset()) -> bool:
    """Does `text` hold a thing of `kind`: for "choice", a word of one of the question's
    `options` (by stem: "an adult" names "adults"; `choice_options`, taken from `asked` when
    that is the question itself); for the other kinds, one that the question (`asked`: its
    `asked_words`, or the question itself) does not already name?"""
    if kind is None:
        return False
    if kind == "choice":
        if not options and isinstance(asked, str):
            options = choice_options(asked)
        plain = undot(text)  # "The U.K. paid." names "UK"
        said = set(_singular(words(plain)))
        # "us" names the US only in capitals ("Thank you for having us." names neither)
        said -= {w for w in CLASHING if not re.search(rf"\b{w.upper()}\b", plain)}
        return bool(options) and not set(_singular(options)).isdisjoint(said)
    if isinstance(asked, str):
        asked = asked_words(asked)
    text = text.strip()
    if kind == "number":
        text = _DATED_YEAR.sub(lambda m: " " * len(m.group(0)), text)
    return any(m.group(0).lower().strip(".") not in asked
               for m in _PATTERNS[kind].finditer(text))


def sentence_scores(cos: list[float], cov: list[float], window_cov: list[float],
                    typed: list[bool]) -> list[float]:
    """How well each sentence of a turn answers the question (see the module docstring)."""
    return [c + SPAN_COVERAGE * v + SPAN_CONTEXT * w + SPAN_TYPE * float(t)
            for c, v, w, t in zip(cos, cov, window_cov, typed)]


def best_sentence(scores: list[float], typed: list[bool], kind: str | None) -> int:
    """The answer sentence's index: the best-scoring one; when the kind is one of STRICT_KINDS
    and it lacks the asked-for thing, the nearest sentence that holds it (the higher-scoring of
    two as near), if one is at most MAX_MOVE sentences away. The best sentence is then where
    the turn speaks of what was asked, and the thing asked for sits beside it: "What share of
    the victims are women?" -> "... 800,000 people are cross-border trafficking victims each
    year. About 80 percent of those are women". Further away it belongs to another point
    ("When did slavery end?" is not answered by "This upcoming report will come out in June",
    six sentences before "... the concern that slavery exists today")."""
    best = max(range(len(scores)), key=lambda i: scores[i])
    if kind not in STRICT_KINDS or typed[best]:
        return best
    near = [i for i, t in enumerate(typed) if t and abs(i - best) <= MAX_MOVE]
    return min(near, key=lambda i: (abs(i - best), -scores[i])) if near else best


ABSTAIN_BELOW = 0.31  # QMSum train: 1% of answerable queries fall below (train.py prints it)
# When none of the question's content words occurs in or next to the top passages, meaning
# alone must be this close: "What is the population of Brazil?" is 0.38 from "people who start
# in other parts of Latin America", with no word in common. Calibrated on the dev sets and the
# held-out QMSum train meetings (bench/abstain.py prints the sweep).
UNGROUNDED_BELOW = 0.40
# A question that names a speaker is answered, whatever the cosine, when the top passage is
# that speaker's and its own turn holds at least this IDF-weighted share of the question's
# content words: on a held-out ICSI meeting, "What did the professor think about the
# back-end?" finds the professor's disfluent turn on the back-end at cosine 0.18. 0.3 (stop 20;
# 0.5 before): held-out refusals of answerable questions 9 -> 7 of 417, the same 260 of 417
# unanswerable ones abstained (`bench/abstain.py --heldout`); "What three elements did Lagon
# say are used to control a victim?" finds "The key factors are force, fraud, and coercion"
# at cosine 0.21 in a turn holding 36% of its words.
NAMED_FOUND_MIN = 0.3


# The answer-or-abstain decision reads this many top passages, however few are shown
# (`api.ask` fetches at least this many): "-k 1" must not turn an answer into a refusal.
DECISION_DEPTH = 3


def confidence(p: Passage) -> float:
    """The passage's best-sentence cosine (word coverage added nothing when calibrated), a
    sentence of a few words counted lower (search's `Ranking.short_words`): over many
    transcripts "Who wrote the novel Moby-Dick?" is 0.32 from the radio log's "Cape, do you
    read?"."""
    return float(p.scores.get("sent_max", 0.0))


def grounding(p: Passage) -> float:
    """IDF-weighted share of the question's content words found in the passage's turn or the
    turns right before and after it (search's `turn_cov` + `near_cov`)."""
    return min(1.0, float(p.scores.get("turn_cov", 0.0)) + float(p.scores.get("near_cov", 0.0)))


def abstains(passages: list[Passage], threshold: float = ABSTAIN_BELOW,
             ungrounded: float = UNGROUNDED_BELOW, named_found: float = NAMED_FOUND_MIN) -> bool:
    """Too far in meaning from the top three passages, or too far for passages that share no
    word with the question (unless it names speakers and nothing else: `topical`), or found
    by a named speaker's name alone in someone else's turn. A question that search answered
    with one named speaker's most typical turns (`speaker_scope`, "What did Lagon say?") is
    never refused. Below `threshold`, two are still answered: a bare keyword search whose
    words the top turn holds (all of them), and a question naming a speaker whose top turn
    is that speaker's and holds `named_found` of its words (IDF-weighted)."""
    top = passages[:DECISION_DEPTH]
    if not top:
        return True
    if top[0].scores.get("speaker_scope", 0.0) > 0:
        return False  # "What did Lagon say?": his most typical turns answer it
    conf = max(confidence(p) for p in top)
    if conf < threshold:
        f = top[0].scores
        if f.get("keyword_search", 0.0) > 0:  # "Fallujah": where the words are said
            return f.get("turn_cov", 0.0) < 1.0
        return not (f.get("speaker_named", 0.0) > 0 and f.get("turn_cov", 0.0) >= named_found)
    topical = top[0].scores.get("topical", 1.0) > 0
    if not topical or max(grounding(p) for p in top) > 0.0:
        return False
    by_name_alone = (top[0].scores.get("any_speaker", 0.0) > 0
                     and top[0].scores.get("speaker_named", 0.0) == 0.0)
    return conf < ungrounded or by_name_alone


# What the answer card says a cited sentence lacks, for the kinds words tell reliably (not
# "org": "international organizations and nongovernment organizations" answers "What
# organizations did the US fund?" with no name).
LACKING = {"number": "a number", "percent": "a share or percentage", "time": "a date or time",
           "choice": "any of the options the question names"}


# Words of a question that wants a calendar answer, which a recording's clock time is not.
CALENDAR = frozenset("""year years date dates day days month months decade decades century
    centuries""".split())


def lacking(text: str, kind: str | None, asked: frozenset[str] | str,
            options: frozenset[str] = frozenset(), stamped: bool = False) -> str | None:
    """`kind` (one of LACKING's: what the question asks for, `question_type`) when the answer
    `text` holds no such thing (`has_type`; `asked`, `options` as there). `best_sentence`
    already moved the span to a sentence holding one where the turn has it near, so the
    passage is on the topic but the transcript may well not say: "In what year did Lagon
    become ambassador-at-large?" cites "Ambassador Mark Lagon, thanks for joining us."; "How
    many employees does the Polaris Project have?" cites the sentence naming it. Told to the
    reader, not refused: on the labelled sets every such answer was wrong or the question
    unanswerable, but few unanswerable questions are caught this way (most cite a sentence
    with some other number), so it is no ground for abstaining. Search sets it on each
    passage (`Passage.lacks`), from the question as it read it (misspelt question words
    respelt). A `stamped` turn (its recording time is known and shown with it) answers a
    "when" by that time ("When was ignition?" in a launch commentary), though not a question
    after a year or a date (CALENDAR)."""
    if kind not in LACKING or has_type(text, kind, asked, options):
        return None
    words_asked = asked if isinstance(asked, frozenset) else frozenset(words(asked))
    if kind == "time" and stamped and not words_asked & CALENDAR:
        return None
    return kind


def lacking_message(kind: str) -> str:
    return (f"The question asks for {LACKING.get(kind, kind)}, and this answer does not seem "
            "to give one: the transcript may not say. Check the passages below.")


def answer(question: str, passages: list[Passage], threshold: float = ABSTAIN_BELOW,
           ungrounded: float = UNGROUNDED_BELOW, named_found: float = NAMED_FOUND_MIN) -> Answer:
    if not passages:
        return Answer(question=question, passages=[], abstained=True)
    conf = max(confidence(p) for p in passages[:DECISION_DEPTH])
    if abstains(passages, threshold, ungrounded, named_found):
        low = [replace(p, low_confidence=True) for p in passages]
        return Answer(question=question, passages=low, abstained=True, score=conf)
    cited = passages[0]
    t = cited.turn
    start, end = cited.span_start, cited.span_end
    if not 0 <= start < end <= len(t.text):
        start, end = 0, len(t.text)
    text = t.text[start:end]
    return Answer(
        question=question, passages=passages, cited=cited, text=text,
        span_start=start, span_end=end, score=conf, lacks=cited.lacks,
    )
