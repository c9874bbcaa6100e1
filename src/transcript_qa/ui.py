"""Gradio app: ask a question, read the answer with its cited turn. Layout only; all logic
is in `api.TranscriptQA`."""
from __future__ import annotations

import argparse
import html
import sys
from typing import Sequence

from .config import Config, load_config, set_offline_env
from .errors import TranscriptQAError


def _render(answer) -> str:
    parts = []
    if answer.abstained:
        parts.append("<p><b>The transcripts do not answer this question.</b> Closest passages:</p>")
    else:
        t = answer.cited.turn
        parts.append(f"<h3>{html.escape(answer.text)}</h3>"
                     f"<p>{html.escape(t.speaker_name)}, turn {t.number}</p>")
    for p in answer.passages:
        t = p.turn
        parts.append(f"<p><b>{html.escape(t.speaker_name)}</b>, turn {t.number} "
                     f"({p.score:.2f}): {html.escape(t.text)}</p>")
    return "\n".join(parts)


def build(qa):
    import gradio as gr

    def ask(question: str) -> str:
        try:
            return _render(qa.ask(question))
        except TranscriptQAError as exc:
            return f"<p>{html.escape(str(exc))}</p>"

    with gr.Blocks(title="transcript-qa") as demo:
        q = gr.Textbox(label="Question")
        out = gr.HTML()
        q.submit(ask, q, out, api_name="ask")
    return demo


def launch(cfg: Config) -> None:
    from .api import TranscriptQA

    qa = TranscriptQA(cfg)
    print(qa.build_index().summary())
    build(qa).queue().launch(server_name=cfg.host, server_port=cfg.port, share=False)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Launch the transcript-qa web app.")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    args = p.parse_args(argv)
    set_offline_env()
    try:
        launch(load_config(host=args.host, port=args.port))
    except TranscriptQAError as exc:
        print(f"transcript-qa: error: {exc}", file=sys.stderr)
        return 1
    return 0
