"""`transcript-qa` command line: argument parsing and printing only, over `api.TranscriptQA`.

User errors print one line to stderr and exit 1 (usage errors exit 2, as argparse does).
"""
from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence, TextIO

from .config import load_config, set_offline_env
from .errors import TranscriptQAError
from .model import plural

if TYPE_CHECKING:
    from .model import Passage


def _global_options(p: argparse.ArgumentParser, default: object) -> None:
    """Options every command takes, before or after its name. `default` SUPPRESS on the
    commands' copies: an option left out there keeps what was given before the command."""
    p.add_argument("--transcripts", type=Path, metavar="DIR", default=default,
                   help="folder of transcripts (default: the repo's transcripts/)")
    p.add_argument("--index", type=Path, metavar="DIR", dest="index_dir", default=default,
                   help="folder for the built index (default: the repo's index/)")
    p.add_argument("--model", default=default, help="sentence-transformers model name or path")
    p.add_argument("--threads", type=int, default=default,
                   help="CPU threads for the encoder (0 = default)")
    p.add_argument("--backend", choices=("auto", "onnx", "torch"), default=default,
                   help="encoder backend (default auto: ONNX when the model allows)")
    p.add_argument("-v", "--verbose", action="store_true",
                   default=False if default is None else default, help="log progress to stderr")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="transcript-qa",
        description="Ask questions of speaker-turn transcripts; answers cite the speaker's words.",
    )
    _global_options(p, None)
    # ... and after the command too ("transcript-qa ask x -v"): there they only override
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("index", parents=[common], help="build or refresh the index")
    s.add_argument("--force", action="store_true", help="re-embed everything")

    s = sub.add_parser("ask", parents=[common], help="answer a question with cited speaker turns")
    s.add_argument("question", nargs="?", help="the question (omit with --batch)")
    s.add_argument("-k", type=int, help="number of passages (default 5)")
    s.add_argument("--speaker", help="only turns of this speaker: label, name, surname, given "
                   "name, or name without titles ('Kirsty Williams' for 'Kirsty Williams AM')")
    s.add_argument("--transcript", action="append",
                   help="only this transcript id (repeat for several)")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.add_argument("--batch", metavar="FILE",
                   help="questions, one per line (text or JSON object); '-' for stdin")

    s = sub.add_parser("search", parents=[common],
                       help="ranked passages only, no answer selection")
    s.add_argument("question", help="the question or keywords")
    s.add_argument("-k", type=int, help="number of passages (default 5)")
    s.add_argument("--speaker", help="only turns of this speaker (as for ask)")
    s.add_argument("--transcript", action="append",
                   help="only this transcript id (repeat for several)")
    s.add_argument("--json", action="store_true", help="print JSON")

    s = sub.add_parser("turns", parents=[common],
                       help="print the parsed turns of the indexed transcripts")
    s.add_argument("--speaker", help="only turns of this speaker")
    s.add_argument("--transcript", help="only this transcript id")
    s.add_argument("--json", action="store_true", help="print JSON")

    s = sub.add_parser("transcripts", parents=[common], help="list indexed transcripts with turn counts and speakers")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("parse", parents=[common], help="show how a file parses, without indexing it")
    s.add_argument("file", type=Path)
    s.add_argument("--format", dest="fmt", help="override format detection")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("eval", parents=[common], help="retrieval and answer metrics on a labelled question set")
    s.add_argument("questions", type=Path,
                   help="JSONL: seed style (question/gold/answer) or QMSum (query/gold_turns)")
    s.add_argument("--json", action="store_true", help="print JSON (metrics and items)")

    s = sub.add_parser("serve", parents=[common], help="launch the web app")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    set_offline_env()
    if args.verbose:
        import logging

        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("transcript-qa: %(message)s"))
        logger = logging.getLogger("transcript_qa")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        return _run(args)
    except TranscriptQAError as exc:
        print(f"transcript-qa: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("transcript-qa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _run(args: argparse.Namespace) -> int:
    cfg = load_config(
        transcripts_dir=args.transcripts, index_dir=args.index_dir, model=args.model,
        threads=args.threads, backend=args.backend, host=getattr(args, "host", None), port=getattr(args, "port", None),
    )
    if args.command == "parse":
        return _cmd_parse(args)
    if args.command == "serve":
        from .ui import launch

        launch(cfg)
        return 0
    from .api import TranscriptQA

    if args.command == "eval":
        return _cmd_eval(cfg, args)
    qa = TranscriptQA(cfg)
    return {
        "index": _cmd_index, "ask": _cmd_ask, "search": _cmd_search, "turns": _cmd_turns,
        "transcripts": _cmd_transcripts,
    }[args.command](qa, args)


# ---------------------------------------------------------------------- commands


def _cmd_index(qa, args) -> int:
    bar = None

    def progress(done: int, total: int, message: str) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="unit", file=sys.stderr, desc="embedding")
        bar.set_postfix_str(message, refresh=False)
        bar.update(done - bar.n)

    report = qa.build_index(progress=progress, force=args.force)
    if bar is not None:
        bar.close()
    print(report.summary())
    return 0


def _cmd_ask(qa, args) -> int:
    if args.batch:
        if args.question:
            raise TranscriptQAError("Give either a question or --batch FILE, not both.")
        return _ask_batch(qa, args)
    if args.question is None:
        raise TranscriptQAError('Missing question: transcript-qa ask "your question"')
    a = qa.ask(args.question, args.k, args.speaker, args.transcript)
    if args.json:
        _print_json(a.to_dict())
    else:
        print(format_answer(a))
    return 0


def _cmd_search(qa, args) -> int:
    passages = qa.search(args.question, args.k, args.speaker, args.transcript)
    if args.json:
        _print_json([p.to_dict() for p in passages])
    else:
        seen: set[str] = set()
        for p in passages:
            print(format_passage(p, seen))
    return 0


_NOT_UTF8 = "\0not-utf8"  # a stdin line that did not decode; `_batch_item` refuses it


def _batch_lines(source: str) -> Iterator[str]:
    if source == "-":  # streamed, so a pipe gets answers as lines arrive: checked line by line
        raw = getattr(sys.stdin, "buffer", None)
        if raw is None:  # a text stream already (tests, embedding callers)
            yield from sys.stdin
            return
        for line in raw:
            try:
                yield line.decode("utf-8-sig")
            except UnicodeDecodeError:
                yield _NOT_UTF8
        return
    path = Path(source)
    if not path.is_file():
        raise TranscriptQAError(f"Batch file {source} does not exist.")
    try:  # checked whole before the first answer: a bad file yields no half-done output
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = "\0"
    if "\0" in text:
        raise TranscriptQAError(f"Batch file {source} is not UTF-8 text: save it as UTF-8, "
                                "one question (or JSON object) per line.")
    yield from text.splitlines()


def _batch_item(line: str) -> dict[str, Any]:
    if line == _NOT_UTF8:
        raise TranscriptQAError("this line is not UTF-8 text: send questions as UTF-8")
    text = line.strip()
    if not text.startswith("{"):
        return {"question": text}
    try:
        item = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptQAError(f"invalid JSON ({exc.msg})") from None
    if not isinstance(item, dict) or not isinstance(item.get("question"), str):
        raise TranscriptQAError('a JSON line needs a "question" string')
    return item


def _ask_batch(qa, args) -> int:
    """One JSON object per input line, in order; the model loads once for the whole batch."""
    failures = 0
    for n, line in enumerate(_batch_lines(args.batch), start=1):
        if not line.strip():
            continue
        try:
            item = _batch_item(line)
        except TranscriptQAError as exc:
            _print_json({"line": n, "error": str(exc)}, indent=None)
            failures += 1
            continue
        item.setdefault("k", args.k)
        item.setdefault("speaker", args.speaker)
        item.setdefault("transcript", args.transcript)
        row = qa.ask_batch([item])[0]
        if "error" in row:
            failures += 1
            row = {"line": n, **row}
        _print_json(row, indent=None)
        sys.stdout.flush()
    return 1 if failures else 0


def _cmd_eval(cfg, args) -> int:
    from . import evaluate
    from .api import TranscriptQA

    items = evaluate.load_items(args.questions)
    cfg, note = evaluate.eval_config(cfg, items, args.questions)
    if note:
        print(f"transcript-qa: {note}", file=sys.stderr)
    rep = evaluate.report(evaluate.evaluate(TranscriptQA(cfg), items))
    if args.json:
        _print_json(rep)
    else:
        print(evaluate.format_report(rep))
    return 0


def _cmd_turns(qa, args) -> int:
    turns = qa.turns(args.transcript, args.speaker)
    if args.json:
        _print_json([t.to_dict() for t in turns])
        return 0
    seen: set[str] = set()
    for t in turns:
        print(f"[{t.transcript_id} #{t.number}{_at(t.start)}] "
              f"{_who(t.speaker_name, t.speaker_role, seen)}:")
        print(textwrap.indent(_wrap(t.text), "    "))
    return 0


def _cmd_transcripts(qa, args) -> int:
    rows = qa.transcripts()
    if args.json:
        _print_json([{k: v for k, v in r.items() if k != "directory"} for r in rows])
        return 0
    if not rows:
        print(f"No transcripts indexed; add files to {qa.cfg.transcripts_dir}.")
    for r in rows:
        print(f"{r['id']}  ({plural(r['turns'], 'turn')})  {r['title']}")
        print(f"    speakers: {', '.join(r['speakers'])}")
    return 0


def _cmd_parse(args) -> int:
    from .api import parse
    from .render import fmt_time

    t = parse(args.file, args.fmt)
    if args.json:
        _print_json({
            "id": t.id, "title": t.title, "format": t.format, "source": t.source,
            "speakers": [{"name": s.name, "role": s.role} for s in t.speakers],
            "turns": [x.to_dict() for x in t.turns],
        })
        return 0
    print(f"{t.title}  [{t.format}, {plural(len(t.turns), 'turn')}, speakers: "
          f"{', '.join(t.speaker_names())}]")
    for x in t.turns:
        times = "" if x.start is None else f" {fmt_time(x.start)}" + (
            f"–{fmt_time(x.end)}" if x.end is not None else "")
        print(f"#{x.number} {x.speaker} -> {_who(x.speaker_name, x.speaker_role)}"
              f"{times} [{x.start_char}:{x.end_char}]")
        print(textwrap.indent(_wrap(x.text), "    "))
    return 0


# ---------------------------------------------------------------------- formatting


def _who(name: str, role: str | None, seen: set[str] | None = None) -> str:
    """Name (role); with `seen`, the role only the first time the name is printed: a
    130-character office repeated on every passage buries the words."""
    if seen is not None:
        if name in seen:
            role = None
        seen.add(name)
    return f"{name} ({role})" if role else name


def _at(seconds: float | None) -> str:
    """" at 4:04" for a turn of a timestamped transcript, else nothing."""
    from .render import fmt_time

    return f" at {fmt_time(seconds)}" if seconds is not None else ""


def _wrap(text: str) -> str:
    return "\n".join(textwrap.fill(p, 96) for p in text.split("\n\n"))


def format_passage(p: Passage, seen: set[str] | None = None) -> str:
    """A ranked passage: who, where, and its words; the turns of a passage that is one
    speaker's run of turns are set apart by a blank line. A long turn is cut to whole
    paragraphs around its answer span, as in the app (`render.excerpt_bounds`); `transcript-qa
    turns` or `--json` give it whole."""
    from .render import excerpt_bounds, turn_label

    t = p.turn
    flag = " (low confidence)" if p.low_confidence else ""
    head = f"{p.rank}. [{t.transcript_id}, score {p.score:.2f}{flag}]"
    if len(p.run) == 1:
        a, b = excerpt_bounds(t.text, p.span_start, p.span_end)
        text = ("… " if a else "") + _wrap(t.text[a:b]) + (" …" if b < len(t.text) else "")
    else:
        text = "\n\n".join(_wrap(x.text if x.speaker == t.speaker  # another's nod, by name
                                  else f"[{x.speaker_name}:] {x.text}") for x in p.run)
    # a run of turns: where it starts; a header line (roster.py) is nobody's turn
    who = (f"{_who(t.speaker_name, t.speaker_role, seen)}, {turn_label(p.run)}"
           f"{_at(p.run[0].start)}" if t.number else "The transcript's header")
    return f"{head}\n   {who}: " + (
        textwrap.indent(f'"{text}"', "   ").lstrip())


def format_answer(a) -> str:
    lines = []
    seen: set[str] = set()
    if a.abstained:
        lines.append("The transcripts do not answer this question. Closest passages:")
    else:
        t = a.cited.turn
        lines.append(f"Answer: {a.text}")
        if a.lacks:
            from .answer import lacking_message

            lines.append(f"  Note: {lacking_message(a.lacks)}")
        who = (f"{_who(t.speaker_name, t.speaker_role, seen)}, turn {t.number}{_at(t.start)}"
               if t.number else "the transcript's header")  # roster.py: no turn of speech
        lines.append(f"  -- {who}, "
                     f"{a.cited.transcript_title}")
        lines.append("")
        lines.append("Cited passages:")
    lines += [format_passage(p, seen) for p in a.passages]
    return "\n".join(lines)


def _print_json(data: Any, indent: int | None = 2, out: TextIO | None = None) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=indent), file=out or sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
