"""`transcript-qa eval`: retrieval and answer metrics of a labelled question set.

Reads two label formats:
- seed style (`question`, `gold` = snippets a relevant turn contains, `answer` = strings a right
  answer contains, `kind`); an item with no `gold` is unanswerable and should be abstained;
- QMSum style (`query`, `meeting` = file name, `gold_turns` = 0-based paragraph indices); the
  search is restricted to that meeting and a hit is any gold turn (our turn numbers are 1-based).

Metrics (overall and per kind; QMSum items have no kind, so their `domain` stands in):
Recall@1/3/5 (a relevant passage in the top k: any of the turns it shows), MRR@10, answer
accuracy (the answer text contains a gold answer string; items with answer strings only),
answer-in-gold (the cited turn itself is relevant), abstention on unanswerable items and false
abstention on answerable ones.
Ranks are read from the passages `ask` returns, in the order a user sees them.
"""
from __future__ import annotations

import hashlib
import json
import os
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .config import Config, user_cache
from .errors import TranscriptQAError
from .model import Answer, Passage, Turn

K = 10


@dataclass
class EvalItem:
    id: str
    question: str
    kind: str
    transcript: str | None = None  # restrict the search to this transcript id
    gold_snippets: list[str] = field(default_factory=list)
    gold_turns: set[int] = field(default_factory=set)  # 1-based turn numbers
    answers: list[str] | None = None

    @property
    def answerable(self) -> bool:
        return bool(self.gold_snippets or self.gold_turns)


@dataclass
class ItemResult:
    item: EvalItem
    rank: int | None  # 1-based rank of the first relevant passage within K, else None
    abstained: bool
    answer: str | None
    answer_correct: bool | None  # None when the item has no answer strings
    answer_in_gold: bool
    timings: dict[str, float]
    cited: str | None = None
    lacks: str | None = None  # Answer.lacks

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.item.id, "kind": self.item.kind, "question": self.item.question,
                "rank": self.rank, "abstained": self.abstained, "answer": self.answer,
                "answer_correct": self.answer_correct, "answer_in_gold": self.answer_in_gold,
                "cited": self.cited, "lacks": self.lacks, "timings_ms": {k: round(v * 1000, 2)
                                                    for k, v in self.timings.items()}}


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").lower().split())


def load_items(path: Path) -> list[EvalItem]:
    if not path.is_file():
        raise TranscriptQAError(f"Question file {path} does not exist.")
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise TranscriptQAError(f"Question file {path} is not UTF-8 text: give a JSON Lines "
                                "file, one question object per line.") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TranscriptQAError(f"{path}:{n}: invalid JSON ({exc.msg}).") from None
        items.append(_item(d, f"{path}:{n}"))
    if not items:
        raise TranscriptQAError(f"Question file {path} holds no questions.")
    return items


def _item(d: dict[str, Any], where: str) -> EvalItem:
    if "query" in d and "gold_turns" in d:  # QMSum
        meeting = str(d.get("meeting", ""))
        return EvalItem(
            id=str(d.get("id", where)), question=d["query"],
            kind=str(d.get("kind") or d.get("domain") or "qmsum"),
            transcript=Path(meeting).stem or None,
            gold_turns={int(i) + 1 for i in d["gold_turns"]},
            answers=None,
        )
    if "question" in d:
        answers = d.get("answer")
        if isinstance(answers, str):
            answers = [answers]
        return EvalItem(
            id=str(d.get("id", where)), question=d["question"], kind=str(d.get("kind", "all")),
            transcript=d.get("transcript"), gold_snippets=list(d.get("gold") or []),
            answers=list(answers) if answers else None,
        )
    raise TranscriptQAError(
        f"{where}: a line needs `question` (+ `gold`) or QMSum `query` + `gold_turns`."
    )


def relevant(item: EvalItem, p: Passage) -> bool:
    """Does the passage (all the turns it shows: `Passage.run`) hold a gold turn or snippet."""
    return _holds_gold(item, p.run)


def _holds_gold(item: EvalItem, turns: list[Turn]) -> bool:
    if item.transcript and turns[0].transcript_id != item.transcript:
        return False
    if item.gold_turns:
        return any(t.number in item.gold_turns for t in turns)
    return any(_norm(s) in _norm(t.text) for t in turns for s in item.gold_snippets)


def score_item(item: EvalItem, a: Answer) -> ItemResult:
    rank = next((i for i, p in enumerate(a.passages[:K], start=1) if relevant(item, p)), None)
    correct = None
    if item.answers:
        correct = bool(a.text and not a.abstained
                       and any(_norm(s) in _norm(a.text) for s in item.answers))
    # the cited turn itself, not the other turns its passage shows: the answer is its slice
    in_gold = bool(a.cited is not None and not a.abstained
                   and _holds_gold(item, [a.cited.turn]))
    cited = f"{a.cited.turn.transcript_id}#{a.cited.turn.number}" if a.cited else None
    return ItemResult(item, rank, a.abstained, a.text if not a.abstained else None, correct,
                      in_gold, dict(a.timings), cited, a.lacks if not a.abstained else None)


def evaluate(qa: Any, items: Iterable[EvalItem], restrict: bool = True) -> list[ItemResult]:
    """`restrict=False` searches every indexed transcript (relevance still needs the item's)."""
    out = []
    for item in items:
        a = qa.ask(item.question, k=K, transcript=item.transcript if restrict else None)
        out.append(score_item(item, a))
    return out


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def metrics(results: list[ItemResult]) -> dict[str, Any]:
    ans = [r for r in results if r.item.answerable]
    una = [r for r in results if not r.item.answerable]
    with_strings = [r for r in ans if r.answer_correct is not None]
    m: dict[str, Any] = {"n": len(results), "answerable": len(ans), "unanswerable": len(una)}
    for k in (1, 3, 5):
        m[f"R@{k}"] = _mean([float(r.rank is not None and r.rank <= k) for r in ans])
    m["MRR@10"] = _mean([1.0 / r.rank if r.rank else 0.0 for r in ans])
    m["answer_acc"] = _mean([float(bool(r.answer_correct)) for r in with_strings])
    m["answer_in_gold"] = _mean([float(r.answer_in_gold) for r in ans])
    m["abstain_unanswerable"] = _mean([float(r.abstained) for r in una])
    m["false_abstain"] = _mean([float(r.abstained) for r in ans])
    # answers told to lack what the question asks for (Answer.lacks), among those given
    m["lacks_unanswerable"] = _mean([float(bool(r.lacks)) for r in una if not r.abstained])
    m["lacks_answerable"] = _mean([float(bool(r.lacks)) for r in ans if not r.abstained])
    m["lacks_correct"] = sum(bool(r.lacks) and bool(r.answer_correct) for r in with_strings)
    return m


def timing_summary(results: list[ItemResult]) -> dict[str, dict[str, float]]:
    stages: dict[str, list[float]] = {}
    for r in results:
        for k, v in r.timings.items():
            stages.setdefault(k, []).append(v * 1000)
    return {k: {"p50_ms": round(statistics.median(v), 2), "p95_ms": round(_p95(v), 2)}
            for k, v in stages.items()}


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def report(results: list[ItemResult]) -> dict[str, Any]:
    kinds = sorted({r.item.kind for r in results})
    return {
        "overall": metrics(results),
        "per_kind": {k: metrics([r for r in results if r.item.kind == k]) for k in kinds},
        "timings": timing_summary(results),
        "items": [r.to_dict() for r in results],
    }


def format_report(rep: dict[str, Any]) -> str:
    cols = ["n", "R@1", "R@3", "R@5", "MRR@10", "answer_acc", "answer_in_gold",
            "abstain_unanswerable", "false_abstain"]
    heads = ["n", "R@1", "R@3", "R@5", "MRR@10", "ans.acc", "ans.gold", "abst.unans",
             "false.abst"]
    rows = [("overall", rep["overall"])] + list(rep["per_kind"].items())
    width = max(len(r[0]) for r in rows) + 2
    lines = ["".ljust(width) + "".join(h.rjust(12) for h in heads)]
    for name, m in rows:
        cells = []
        for c in cols:
            v = m.get(c)
            cells.append("-" if v is None else (str(v) if c == "n" else f"{v:.3f}"))
        lines.append(name.ljust(width) + "".join(x.rjust(12) for x in cells))
    o = rep["overall"]
    given_u = [i for i in rep["items"] if i["kind"] == "unanswerable" and not i["abstained"]]
    given_a = [i for i in rep["items"] if i["kind"] != "unanswerable" and not i["abstained"]]
    lines.append("")
    lines.append(
        f"answers told to lack what was asked (a number, a date...): "
        f"{sum(bool(i['lacks']) for i in given_u)} of {len(given_u)} given to unanswerable "
        f"questions, {sum(bool(i['lacks']) for i in given_a)} of {len(given_a)} to answerable "
        f"ones ({o['lacks_correct']} of them correct)")
    t = rep.get("timings") or {}
    if t:
        lines.append("")
        lines.append("ask latency per stage (ms): " + ", ".join(
            f"{k} p50 {v['p50_ms']:.1f} / p95 {v['p95_ms']:.1f}" for k, v in t.items()))
    misses = [i for i in rep["items"] if i["kind"] != "unanswerable"
              and (i["rank"] != 1 or i["answer_correct"] is False)]
    if misses:
        lines.append("")
        lines.append("not ranked first or wrong answer:")
        for i in misses:
            lines.append(f"  {i['id']}: rank {i['rank']}, abstained {i['abstained']}, "
                         f"answer {str(i['answer'])[:80]!r}")
    return "\n".join(lines)


# ---------------------------------------------------------------------- which index to use


def cache_root() -> Path:
    """`$TQA_CACHE`, else the user cache the encoder exports use ($XDG_CACHE_HOME aware)."""
    return Path(os.environ.get("TQA_CACHE") or user_cache())


def eval_config(cfg: Config, items: list[EvalItem], questions: Path) -> tuple[Config, str | None]:
    """The config to evaluate with, and a note when it differs from `cfg`.

    When the question set names transcripts that the configured folder lacks but a
    `transcripts/` folder beside the question file holds (the QMSum dev layout), that folder
    is indexed into a cache folder, so `transcript-qa eval data/qmsum-dev/queries.jsonl`
    works without flags. The cache is `$TQA_CACHE`, else `$XDG_CACHE_HOME/transcript-qa`
    (`~/.cache/transcript-qa`).
    """
    from .index import scan

    needed = {i.transcript for i in items if i.transcript}
    if not needed:
        return cfg, None
    have = {f.id for f in scan(cfg.transcripts_dir)} if cfg.transcripts_dir.is_dir() else set()
    if needed <= have:
        return cfg, None
    beside = questions.resolve().parent / "transcripts"
    if beside.is_dir() and needed <= {f.id for f in scan(beside)}:
        root = cache_root()
        key = hashlib.sha256(str(beside).encode()).hexdigest()[:12]
        index_dir = root / f"eval-{beside.parent.name}-{key}"
        new = cfg.with_overrides(transcripts_dir=beside, index_dir=index_dir)
        return new, f"indexing {beside} into {index_dir} (the question set's transcripts)"
    missing = sorted(needed - have)
    raise TranscriptQAError(
        f"The question set names transcripts not in {cfg.transcripts_dir}: "
        f"{', '.join(missing[:10])}; pass --transcripts DIR holding them."
    )
