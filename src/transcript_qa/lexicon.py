"""Words as search sees them: tokenising, stopwords, and typo correction against the index
vocabulary.

Typo correction is lexical only: a query word that no indexed text contains is matched with
rapidfuzz against the index's surface vocabulary (`vocab` table) and the close, frequent
spellings join the BM25 query beside it ("goverment" -> "government", "labour" -> "labor").
Short words are never corrected (too many near neighbours), nor are numbers. The exception
is a misspelt question word where one stands (`respell_asking`: "wich", "how mnay"), since
the question's kind (`answer.question_type`) is read from it.
A pair of words also finds the word they make joined, where the index has it ("lift off" ->
"liftoff": `joined_forms`). Not handled: a joined word in the question for a pair in the
transcript ("website" / "web site"), phonetic misspellings far in
edit distance.
"""
from __future__ import annotations

import re
from itertools import islice
from typing import Callable, Iterable

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have how i if in
    into is it its it's me my of on or our so than that the their them then there these they
    this to was we were what when where which who whom why will with would you your about any
    some tell say said talk talked ask asked""".split()
)
# Words that frame a question rather than name its topic ("Summarize the discussion about X").
QUESTION_FRAME = frozenset(
    """summarize summarise summary discuss discussed discussing discussion discussions
    mention mentioned""".split()
)
# Words that ask for someone's views without naming a topic: "What does Lagon think?" and "Did
# Lagon say anything?" ask only what Lagon says (`search.analyse`, `Query.topical`). They stay
# search words: "What did the professor think about X?" is better with "think" in BM25.
OPINION = frozenset(
    """think thinks thought feel feels felt believe believes view views opinion opinions
    anything something everything""".split()
)
MIN_CORRECT_LEN = 5
# "Where besides the United States...?", "Who, beyond poverty, ...?": the words after these name
# what the asker already knows, so they are not the answer. "beyond" only after a comma or
# first ("What lies beyond the border?" is about the border).
_EXCLUSION = re.compile(
    r"(?:\b(?:besides|other than|apart from|aside from|except(?:\s+for)?|excluding|"
    r"not counting|in addition to)|(?:^|,)\s*beyond)\s+([^,;:?!]+)", re.I)


_STEMMER = None


def stem(ws: list[str]) -> list[str]:
    """Snowball English stems (PyStemmer), as FTS5's porter tokenizer sees words, near enough."""
    global _STEMMER
    if _STEMMER is None:
        import Stemmer

        _STEMMER = Stemmer.Stemmer("english")
    return _STEMMER.stemWords(ws)


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters/digits, inner apostrophes kept)."""
    return [m.group(0).lower() for m in WORD.finditer(text)]


# Abbreviations that are pronouns in lower case ("US"): matched in capitals only, and BM25
# looks for their dotted form only (search).
CLASHING = frozenset({"us"})
# "U.S.", "U.N.": capitals each followed by a dot (`undot`).
_DOTTED = re.compile(r"(?<![^\W_])(?:[A-Z]\.){2,}")


def undot(text: str) -> str:
    """"the U.S. government" -> "the US government": a dotted abbreviation as one word."""
    return _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)


def acronyms(text: str) -> dict[str, str]:
    """The abbreviations a question writes in capitals, by their lower-cased word as
    `keywords` gives it ("ngos": "NGO", "un's": "UN"; dotted ones after `undot`). Empty for
    a question typed all in capitals, where capitals tell nothing."""
    if not any(c.islower() for c in text):
        return {}
    out = {}
    for m in WORD.finditer(text):
        base = re.sub(r"['’]s$", "", m.group(0))
        if base.endswith("s") and base[:-1].isupper():
            base = base[:-1]  # "NGOs"
        if 2 <= len(base) <= 5 and base.isalpha() and base.isupper():
            out[m.group(0).lower()] = base
    return out


def keywords(text: str) -> list[str]:
    """Content words of a question or text: no stopwords or question framing, order kept."""
    return [w for w in words(text) if w not in STOPWORDS and w not in QUESTION_FRAME]


def without(text: str, drop: frozenset[str] | set[str]) -> str:
    """`text` with the words in `drop` (lower-cased, as `words` gives them) taken out."""
    out = WORD.sub(lambda m: "" if m.group(0).lower() in drop else m.group(0), text)
    return re.sub(r"\s+", " ", out).strip()


# First words of a question or request; a query starting otherwise, without "?" and short, is
# a bare keyword search ("sweatshops", "T visa").
_ASKING = frozenset(
    """what who whom whose where when why how which is are was were do does did can could
    should would will has have had tell summarize summarise describe explain list name give
    show find""".split()
)


def is_keyword_search(text: str) -> bool:
    """A few words, no question: the user wants the places they are said."""
    ws = words(text)
    return bool(ws) and "?" not in text and len(ws) <= 4 and ws[0] not in _ASKING


def split_exclusion(question: str) -> tuple[str, str]:
    """(the question without its "besides X" clause, X); X is "" when there is none or when
    nothing would be left to ask."""
    m = _EXCLUSION.search(question)
    if m is None:
        return question, ""
    focus = (question[: m.start()] + question[m.end():]).strip(" ,;")
    focus = re.sub(r"\s+([?!.,;])", r"\1", re.sub(r"\s{2,}", " ", focus))
    if not keywords(focus):
        return question, ""
    return focus, m.group(1).strip()


def _max_edits(word: str) -> int:
    return 1 if len(word) < 8 else 2


def corrections(
    terms: Iterable[str], known: Callable[[list[str]], dict[str, int]],
    vocabulary: Callable[[], list[str]], limit: int = 2,
) -> dict[str, list[str]]:
    """Unknown term -> up to `limit` indexed spellings within 1-2 edits, most frequent first.
    An edit is an insertion, deletion, substitution or swap of neighbouring letters ("reprot"
    -> "report": optimal string alignment distance).

    `known(terms)` returns the document frequency of the terms the index contains;
    `vocabulary()` is called only when some term is unknown (it may be large).
    """
    terms = [t for t in dict.fromkeys(terms) if len(t) >= MIN_CORRECT_LEN and not t.isdigit()]
    if not terms:
        return {}
    df = known(terms)
    unknown = [t for t in terms if t not in df]
    if not unknown:
        return {}
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    vocab = vocabulary()
    out: dict[str, list[str]] = {}
    for t in unknown:
        hits = process.extract(
            t, vocab, scorer=OSA.distance, score_cutoff=_max_edits(t), limit=20,
        )
        if hits:
            best = min(h[1] for h in hits)
            close = [h[0] for h in hits if h[1] == best]
            freq = known(close)
            out[t] = sorted(close, key=lambda w: -freq.get(w, 0))[:limit]
    return out


JOIN_MIN_LEN = 6  # a joined form shorter than this is too often another word ("a" + "go")


def joined_forms(text: str, known: Callable[[list[str]], dict[str, int]]) -> dict[str, list[str]]:
    """Content word -> the word it makes with its neighbour, where the index has that word:
    "lift off" (or "lift-off") is "Liftoff" in a launch commentary, "hand book" "handbook". The
    joined form is an alternative spelling of the pair's first content word, as a typo
    correction is of its word. Both parts must be words of 2+ letters, not numbers."""
    toks = words(text)
    content = set(keywords(text))
    pairs = {}
    for a, b in zip(toks, toks[1:]):
        if (len(a) >= 2 and len(b) >= 2 and len(a + b) >= JOIN_MIN_LEN and a.isalpha()
                and b.isalpha() and (a in content or b in content)):
            pairs.setdefault(a + b, a if a in content else b)
    if not pairs:
        return {}
    have = known(list(pairs))
    out: dict[str, list[str]] = {}
    for joined, word in pairs.items():
        if have.get(joined):
            out.setdefault(word, []).append(joined)
    return out


# The words that make a question ask something. The short ones are below MIN_CORRECT_LEN, and
# a question word is never an index word in the sense `corrections` needs (it is a stopword),
# so a misspelt one ("wich region ...", "how mnay countries") stays an unknown content word
# and the question loses its kind.
_ASKS = ("what", "who", "whom", "whose", "where", "when", "which", "why", "how")
_HOW = ("many", "much")


def one_edit(word: str, choices: tuple[str, ...]) -> str | None:
    """The only choice within one edit (OSA) of `word`, or None (none, or two: "hwo" is a swap
    of both "how" and "who")."""
    from rapidfuzz.distance import OSA

    close = [c for c in choices if OSA.distance(word, c, score_cutoff=1) <= 1]
    return close[0] if len(close) == 1 else None


def respell_asking(question: str, known: Callable[[list[str]], dict[str, int]],
                   whole: Callable[[str], bool]) -> str:
    """The question with a misspelt opening question word, and "many"/"much" after "how",
    respelt ("wich region has ..." -> "which region has ..."; "how mnay" -> "how many").
    Only where a question word stands (first, or after "how"), and only a word that is no
    word: not a stopword or framing word, not in any indexed text (`known`: document
    frequencies), and not one the encoder's vocabulary holds whole (`whole`): "Were women
    ...?", "Show me ...", "Then what happened?" and a speaker's name ("Chen on tariffs", "How
    Mary ...") stay as typed, while "wich", "mnay" and "whta" are two word pieces each."""
    ms = list(islice(WORD.finditer(question), 2))

    def typo(word: str) -> bool:  # cheapest checks first: `known` reads the index
        return (word not in STOPWORDS and word not in _ASKING and word not in QUESTION_FRAME
                and word not in _ASKS and word not in _HOW and not whole(word)
                and not known([word]))

    if not ms:
        return question
    first = ms[0].group(0).lower()
    fixes: dict[int, str] = {}
    if typo(first) and (fix := one_edit(first, _ASKS)) is not None:
        fixes[0] = first = fix
    if first == "how" and len(ms) > 1:
        second = ms[1].group(0).lower()
        if typo(second) and (fix := one_edit(second, _HOW)) is not None:
            fixes[1] = fix
    for i in sorted(fixes, reverse=True):
        typed = ms[i].group(0)
        word = (fixes[i].upper() if typed.isupper() and len(typed) > 1
                else fixes[i].capitalize() if typed[0].isupper() else fixes[i])
        question = question[:ms[i].start()] + word + question[ms[i].end():]
    return question


# Leading phrases that frame a meeting question rather than name its topic.
_TALK = r"(?:discussions?|debates?|questioning|conversations?|feedback)"
_FRAMES = [re.compile(p, re.I) for p in (
    rf"^(?:please\s+)?summari[sz]e\s+(?:the\s+)?{_TALK}\s+(?:about|on|of|over|regarding)\s+",
    r"^(?:please\s+)?summari[sz]e\s+",
    r"^what (?:was|were) (?:said|discussed|mentioned|talked about)\s+(?:about|on|regarding|for)?\s*",
    rf"^what (?:was|were) the {_TALK}\s+(?:about|on|over|regarding|for)\s+",
    r"^(?:what|how) did (?:the )?(?:group|team|they|committee|members?)\s+(?:say|said|"
    r"discuss(?:ed)?|talk(?:ed)?|debated?)\s+(?:about|on|regarding)?\s*",
)]


def topic(question: str) -> str:
    """The question without a leading frame ("Summarize the discussion about X" -> "X"): the
    frame is the same for every topic, and in a short meeting turn's vector it is noise."""
    q = question.strip()
    for frame in _FRAMES:
        m = frame.match(q)
        if m and keywords(q[m.end():]):
            return q[m.end():]
    return q


# Characters a transcript types one way and a user another: "don't" finds "don’t".
_SAME_CHARS = ("'’‘ʼ`", '"“”')
# A dash: one hyphen or dash character, or the typewriter's two hyphens ("--" for "—").
_DASH_RUN = re.compile(r"--|[-‐–—]")
_ANY_DASH = "(?:--|[-‐–—])"


def find_pattern(text: str) -> re.Pattern[str] | None:
    """A literal, case-insensitive search for what a user typed into Find: any run of
    whitespace matches any other, straight and curly quotes match each other, and so do
    dashes ("--", "-", "–", "—"). None for blank text."""
    def char(c: str) -> str:
        group = next((g for g in _SAME_CHARS if c in g), None)
        return "[" + re.escape(group) + "]" if group else re.escape(c)

    def word(w: str) -> str:
        parts = _DASH_RUN.split(w)
        return _ANY_DASH.join("".join(map(char, part)) for part in parts)

    words = text.split()
    if not words:
        return None
    return re.compile(r"\s+".join(map(word, words)), re.IGNORECASE)
