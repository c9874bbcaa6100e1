"""The Gradio app: Ask, Browse and Upload tabs plus the named API endpoints `ask`/`search`.

Layout and event wiring only. Answers come from `api.TranscriptQA` (one instance per
process: the model and index load once and every request shares them), HTML from `render`,
upload checks from `uploads`. The server starts at once; a missing or stale index is built
in the background with its progress shown in the page (and on the console), and requests
that need it wait for it.
"""
import logging
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

from . import render
from .config import Config
from .errors import TranscriptQAError
from .index import scan, unsupported, unsupported_note
from .model import plural

log = logging.getLogger("transcript_qa")

QA_CONCURRENCY = 2  # ask/search run at most this many at once (CPU-bound on a laptop)
# Each open page checks this often whether the index changed under it (another page uploaded):
# one dict comparison on the server, the lists resent only when they did change.
WATCH_SECONDS = 3.0
ALL = ""  # dropdown value meaning "no filter"
EXAMPLES = {  # shown when the bundled transcript is indexed
    "state-dept-podcast-trafficking-in-persons": [
        "How much money has the government spent on programs?",
        "What are the two main forms of human trafficking?",
        "What is a T visa?",
        "What is a labor recruiter called in the interview?",
        "What did Lagon say about Mexico?",
    ],
}


UPLOAD_HINT = render.empty_html(
    "Drop a transcript file: its speakers and turns are previewed here before anything is saved.")


class Startup:
    """Brings the index up to date and loads the model in a background thread.

    The page opens immediately and shows this progress instead of a silent wait;
    `wait()` lets a request block (reporting progress) until everything is ready.
    """

    def __init__(self, qa):
        self.qa = qa
        self.message = "Checking the index…"
        self.done = 0
        self.total = 0
        self.error: str | None = None
        self.summary = ""
        self._ready = threading.Event()
        self._bar = None

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def start(self) -> "Startup":
        threading.Thread(target=self._run, name="tqa-startup", daemon=True).start()
        return self

    def _run(self) -> None:
        try:
            folder = self.qa.cfg.transcripts_dir
            if not scan(folder):
                other = unsupported(folder)  # "talk.pdf": say why it is not read
                why = f" ({other[0]} is {unsupported_note(other[0])})" if other else ""
                raise TranscriptQAError(
                    f"No transcripts yet in {folder}{why}: add files there "
                    "(then restart), or upload one in the Upload tab.")
            status = self.qa.status()
            if not status.fresh:
                self.message = "Building the index (" + "; ".join(status.reasons) + ")"
                print(f"transcript-qa: {self.message}", file=sys.stderr, flush=True)
            report = self.qa.build_index(progress=self._progress)
            self.summary = report.summary()
            print(f"transcript-qa: {self.summary}", file=sys.stderr, flush=True)
            self.message = "Loading the model…"
            self.qa.encoder  # noqa: B018 - load now, not on the first question
        except TranscriptQAError as exc:
            self.error = str(exc)
        except Exception as exc:  # never leave the page spinning: show what failed
            log.exception("startup failed")
            self.error = f"Could not prepare the index: {type(exc).__name__}: {exc}"
        finally:
            if self._bar is not None:
                self._bar.close()
            if self.error:
                print(f"transcript-qa: error: {self.error}", file=sys.stderr, flush=True)
            self._ready.set()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.done, self.total, self.message = done, total, f"Building the index: {message}"
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="unit", desc="embedding", file=sys.stderr)
        self._bar.update(done - self._bar.n)

    def wait(self, progress=None, check: bool = True) -> None:
        """Block until ready; raise the startup error, if any (and `check`), for the user."""
        while not self._ready.wait(0.25):
            if progress is not None:
                frac = (self.done / self.total) if self.total else None
                progress(frac, desc=self.message)
        if self.error and check:
            raise TranscriptQAError(self.error)

    def recovered(self) -> None:
        """A later build succeeded (e.g. the first upload into an empty folder)."""
        self.error = None

    def banner(self) -> str:
        if self.error:
            return render.status_html(self.error, error=True)
        return render.status_html(self.message, self.done, self.total)


def _choices(qa, transcript: str = ALL) -> tuple[list, list]:
    """(transcript choices, speaker choices) for the dropdowns, as (label, value) pairs."""
    rows = qa.transcripts()
    transcripts = [(r["title"], r["id"]) for r in rows]
    names = list(dict.fromkeys(s["name"] for s in qa.speakers(transcript or None)))
    return transcripts, [("All speakers", ALL)] + [(n, n) for n in names]


def _kept(value: Any, choices: list, default: str = ALL) -> Any:
    """`value` while the new (label, value) choices still offer it, else `default`: lists
    refreshed under a user keep what they picked."""
    return value if any(v == value for _, v in choices) else default


def _dropdown(choices: list, was: Any, value: Any):
    """New choices for a list; its value only when it has to change (see `build.lists`)."""
    import gradio as gr

    if value == was:
        return gr.Dropdown(choices=choices)
    return gr.Dropdown(choices=choices, value=value)


def build(qa, startup: Startup):
    """The Blocks app over one TranscriptQA; `startup` reports when its index is ready."""
    import gradio as gr

    cfg = qa.cfg
    colours: dict[str, render.Colours] = {}

    def palette() -> render.Colours:
        """Speaker colours by first appearance, the same in Ask and Browse."""
        version = qa.index.version
        if version not in colours:
            colours.clear()
            colours[version] = render.Colours(s["name"] for s in qa.speakers())
        return colours[version]

    def context(transcript: str, turn: int):
        return qa.context(transcript, turn, before=1, after=1)

    def browse_view(transcript: str, speaker: str = ALL, query: str = "",
                    target: int | None = None, span: Any = None) -> str:
        if not transcript:
            return render.empty_html("No transcripts are indexed yet: add one in Upload.")
        query = query or ""  # an untouched Find box sends None
        turns = qa.turns(transcript, speaker or None, contains=query or None)
        total = len(qa.turns(transcript)) if (speaker or query) else len(turns)
        people = {s["name"]: s["role"] or None for s in qa.speakers(transcript)}
        return render.transcript_html(qa.title(transcript), turns, total, query, target,
                                      palette(), list(people.items()), span)

    def header(extra: str = "") -> str:
        if startup.ready and not startup.error:
            rows = qa.transcripts()
            n = sum(r["turns"] for r in rows)
            extra = f"{plural(len(rows), 'transcript')} · {plural(n, 'turn')}"
        pill = f'<span class="tqa-pill" id="tqa-stats">{render.esc(extra)}</span>' if extra else ""
        return (f"<h1>transcript-qa {pill}</h1><p>Ask a question in plain language; the answer "
                "quotes who said it, where, in their own words.</p>")

    # ------------------------------------------------------------------ handlers

    def lists(seen: dict | None, a_speaker: str = ALL, a_transcript: str = ALL,
              b_transcript: str = ALL, b_speaker: str = ALL, b_query: str = ""):
        """Header, banner, the four dropdowns, Browse, and the `qa.contents()` they show.

        Each selection the new lists still offer is kept (and not resent: these values were
        read when the check was sent, and the user may have picked another since). Browse is
        redrawn only when its transcript, speaker or that transcript's contents changed: a
        redraw loses the reader's place.
        """
        now = qa.contents()
        transcripts, _ = _choices(qa)
        a_transcript_new = _kept(a_transcript, transcripts)
        _, a_speakers = _choices(qa, a_transcript_new)
        b_new = _kept(b_transcript, transcripts, transcripts[0][1] if transcripts else ALL)
        _, b_speakers = _choices(qa, b_new)
        b_speaker_new = _kept(b_speaker, b_speakers)
        redraw = (seen is None or (b_new, b_speaker_new) != (b_transcript, b_speaker)
                  or seen.get(b_new) != now.get(b_new))
        return (
            header(), gr.update(value="", visible=False),
            _dropdown(a_speakers, a_speaker, _kept(a_speaker, a_speakers)),
            _dropdown([("All transcripts", ALL)] + transcripts, a_transcript, a_transcript_new),
            _dropdown(transcripts, b_transcript, b_new),
            _dropdown(b_speakers, b_speaker, b_speaker_new),
            browse_view(b_new, b_speaker_new, b_query) if redraw else gr.skip(), now,
        )

    def refresh():
        """Fill the lists once the index is ready; until then show build progress."""
        if not startup.ready:
            return (header("indexing…"), gr.update(value=startup.banner(), visible=True),
                    *[gr.skip()] * 6, gr.Timer(active=True))
        if startup.error:
            return (header(), gr.update(value=startup.banner(), visible=True),
                    *[gr.skip()] * 4, render.error_html(startup.error), gr.skip(),
                    gr.Timer(active=False))
        return (*lists(None), gr.Timer(active=False))

    def catch_up(seen: dict | None, *picked: str):
        """Refresh this page's lists when the index changed since it drew them (an upload
        here or on another page); a check that finds nothing new changes nothing."""
        if not startup.ready or startup.error or qa.contents() == seen:
            return (gr.skip(),) * 8
        try:
            return lists(seen, *picked)
        except Exception:  # a background check must not pop an error at the user
            log.exception("refreshing the lists failed")
            return (gr.skip(),) * 8

    def on_ask(question: str, speaker: str, transcript: str, k: float,
               progress=gr.Progress()) -> str:
        try:
            startup.wait(progress)
            answer = qa.ask(question, _whole(k), speaker or None, transcript or None)
            return render.answer_html(answer, context, palette())
        except TranscriptQAError as exc:
            return render.error_html(str(exc))
        except Exception as exc:  # a bug must not reach the page as a traceback
            log.exception("ask failed")
            return render.error_html(f"Something went wrong ({type(exc).__name__}); "
                                     "see the server log.")

    def on_ask_transcript(transcript: str, speaker: str):
        """The speakers of the chosen transcript; the picked one kept if it speaks there
        (the list fires this on being opened and closed unchanged, too)."""
        _, speakers = _choices(qa, transcript)
        return gr.Dropdown(choices=speakers, value=_kept(speaker, speakers))

    def on_goto(evt: gr.EventData):
        """A citation was clicked: show its turn in Browse, filters cleared, the span it
        quoted marked (the page sent it: transcript_html keeps it only if it fits the turn)."""
        data = getattr(evt, "_data", None) or {}
        transcript, turn = str(data.get("transcript", "")), data.get("turn")
        span = (data.get("start"), data.get("end"))
        try:
            # the lists too: this page may not have caught up with a transcript added since
            transcripts, speakers = _choices(qa, transcript)
            target = int(turn) if turn is not None else None
            check = data.get("check")
            cited = (qa.context(transcript, target, before=0, after=0)
                     if target is not None and check else None)
            if cited is not None and (not cited or render.text_check(cited[0].text) != check):
                # replaced since the answer: that turn number holds other words now
                view = render.error_html(
                    f"This transcript has changed since the answer was given: turn {target} "
                    "no longer holds the cited words. Ask again to cite the current text."
                ) + browse_view(transcript)
            else:
                view = browse_view(transcript, target=target, span=span)
            # a fresh value every time: the same citation opened again redraws, and so
            # scrolls to its turn again (an unchanged value runs no script)
            view += f'<span hidden data-opened="{time.monotonic_ns()}"></span>'
        except (TranscriptQAError, ValueError, TypeError) as exc:
            return (gr.skip(), gr.skip(), gr.skip(), gr.skip(), render.error_html(str(exc)),
                    gr.skip())
        return (gr.Tabs(selected="browse"), gr.Dropdown(choices=transcripts, value=transcript),
                gr.Dropdown(choices=speakers, value=ALL), "", view, gr.Button(visible=True))

    def on_back():
        """Back from a citation to the answer it came from (the browser's Back button
        leaves the app: tabs are not pages)."""
        return gr.Tabs(selected="ask"), gr.Button(visible=False)

    def on_browse_transcript(transcript: str, speaker: str, query: str):
        """Show the chosen transcript, with the filters that still apply to it (the list
        fires this on being opened and closed unchanged, too: that cleared them)."""
        try:
            _, speakers = _choices(qa, transcript)
            speaker = _kept(speaker, speakers)
            return (gr.Dropdown(choices=speakers, value=speaker),
                    browse_view(transcript, speaker, query))
        except TranscriptQAError as exc:
            return gr.skip(), render.error_html(str(exc))

    def on_browse_filter(transcript: str, speaker: str, query: str) -> str:
        try:
            return browse_view(transcript, speaker, query)
        except TranscriptQAError as exc:
            return render.error_html(str(exc))

    # --- upload

    from . import uploads

    def preview(path: str | None, name: str):
        """-> preview html, replace checkbox, confirm button, previewed sha, result notice."""
        off = gr.Button(interactive=False)
        if not path:
            return UPLOAD_HINT, gr.Checkbox(visible=False, value=False), off, None, ""
        try:
            data = uploads.read_upload(path, cfg.max_upload_mb)
            p = qa.preview_upload(data, name)
        except TranscriptQAError as exc:
            return (render.notice_html(str(exc), "error"),
                    gr.Checkbox(visible=False, value=False), off, None, "")
        replace = gr.Checkbox(visible=p.exists and not p.identical, value=False)
        confirm = gr.Button(interactive=not p.identical)
        return render.upload_preview_html(p), replace, confirm, p.sha256, ""

    def on_file(path: str | None):
        name = uploads.suggest_name(Path(path).name) if path else ""
        return (name, *preview(path, name))

    def on_confirm(path: str | None, name: str, replace: bool, sha: str | None,
                   progress=gr.Progress()):
        def step(done: int, total: int, message: str) -> None:
            progress((done, total), desc=f"Indexing: {message}", unit="units")

        if path:
            startup.wait(progress, check=False)  # an upload may be what fixes a failed start
        notice, saved = confirm_upload(qa, path, name, bool(replace), sha, step)
        if saved:
            startup.recovered()
        # saved: a second click would change nothing
        return notice, gr.Button(interactive=False) if saved else gr.skip()

    # --- API (same JSON as the CLI's --json)

    def api_ask(question: str, k: int = cfg.k, speaker: str = "", transcript: str = "") -> dict:
        """Answer a question: the JSON of `transcript-qa ask --json` (answer span, cited turn,
        ranked passages). `speaker` and `transcript` are optional filters ("" = all)."""
        try:
            startup.wait()
            return qa.ask(question, _whole(k), speaker or None, transcript or None).to_dict()
        except TranscriptQAError as exc:
            raise gr.Error(str(exc)) from None

    def api_search(question: str, k: int = cfg.k, speaker: str = "",
                   transcript: str = "") -> list[dict]:
        """Ranked passages for a question: the JSON of `transcript-qa search --json`."""
        try:
            startup.wait()
            return [p.to_dict() for p in qa.search(question, _whole(k), speaker or None,
                                                   transcript or None)]
        except TranscriptQAError as exc:
            raise gr.Error(str(exc)) from None

    # ------------------------------------------------------------------ layout

    private: dict[str, Any] = {"api_visibility": "private"}

    def html(value: str, elem_id: str, js: str | None = None, **kw: Any):
        """Our own markup only (no Gradio prose styles), no default click event."""
        return gr.HTML(value, elem_id=elem_id, js_on_load=js, apply_default_css=False, **kw)

    with gr.Blocks(title="transcript-qa", analytics_enabled=False) as demo:
        head = html(header(), "tqa-header")
        banner = html(startup.banner(), "tqa-banner", visible=not startup.ready)
        timer = gr.Timer(0.5, active=not startup.ready)
        watch = gr.Timer(WATCH_SECONDS)
        drawn = gr.State(None)  # the qa.contents() this page's lists show
        with gr.Tabs(elem_id="tqa-tabs") as tabs:
            with gr.Tab("Ask", id="ask", elem_id="tqa-tab-ask"):
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        label="Question", show_label=False, scale=6, lines=1, max_lines=3,
                        placeholder="Ask a question about the transcripts and press Enter",
                        elem_id="tqa-question", autofocus=True,
                    )
                    ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=90,
                                        elem_id="tqa-ask")
                with gr.Row():
                    ask_speaker = gr.Dropdown(label="Speaker", choices=[("All speakers", ALL)],
                                              value=ALL, elem_id="tqa-ask-speaker", scale=2)
                    ask_transcript = gr.Dropdown(
                        label="Transcript", choices=[("All transcripts", ALL)], value=ALL,
                        elem_id="tqa-ask-transcript", scale=3)
                    k = gr.Slider(1, 20, value=cfg.k, step=1, label="Passages",
                                  elem_id="tqa-k", scale=2)
                indexed = _indexed_ids(qa)
                examples = [q for tid, qs in EXAMPLES.items() if tid in indexed for q in qs]
                if examples:
                    ex = gr.Examples(examples, inputs=[question], label="Try one of these",
                                     examples_per_page=len(examples), elem_id="tqa-examples",
                                     api_visibility="private")
                result = html(
                    render.empty_html("Answers appear here, with the speaker's own words and "
                                      "a link to the turn in the transcript."),
                    "tqa-result", render.JS_CITATIONS)
            with gr.Tab("Browse", id="browse", elem_id="tqa-tab-browse"):
                back = gr.Button("← Back to the answer", visible=False, size="sm",
                                 elem_id="tqa-back")
                with gr.Row():
                    b_transcript = gr.Dropdown(label="Transcript", choices=[], scale=3,
                                               elem_id="tqa-browse-transcript")
                    b_speaker = gr.Dropdown(label="Speaker", choices=[("All speakers", ALL)],
                                            value=ALL, scale=2, elem_id="tqa-browse-speaker")
                    b_query = gr.Textbox(label="Find in transcript", scale=3,
                                         placeholder="words to find", elem_id="tqa-browse-query")
                b_view = html(render.empty_html("Loading the transcript…"), "tqa-browse",
                              render.JS_SCROLL_TO_TARGET)
            with gr.Tab("Upload", id="upload", elem_id="tqa-tab-upload"):
                gr.Markdown(
                    "Add a transcript: it is checked and previewed first, then saved into "
                    f"the transcripts folder and indexed right away. Types: "
                    f"{', '.join(uploads.supported_extensions())}; up to "
                    f"{cfg.max_upload_mb} MB.")
                with gr.Row():
                    with gr.Column(scale=2):
                        up_file = gr.File(label="Transcript file", type="filepath",
                                          file_types=uploads.supported_extensions(),
                                          elem_id="tqa-upload-file")
                        up_name = gr.Textbox(label="Save as", elem_id="tqa-upload-name",
                                             placeholder="interview.txt")
                        up_replace = gr.Checkbox(label="Replace the existing file",
                                                 visible=False, elem_id="tqa-upload-replace")
                        up_confirm = gr.Button("Add to transcripts", variant="primary",
                                               interactive=False, elem_id="tqa-upload-confirm")
                    with gr.Column(scale=3):
                        up_preview = html(UPLOAD_HINT, "tqa-upload-preview")
                up_result = html("", "tqa-upload-result")
                up_sha = gr.State(None)

        # ------------------------------------------------------------------ events

        shown = [head, banner, ask_speaker, ask_transcript, b_transcript, b_speaker, b_view,
                 drawn]
        picked = [drawn, ask_speaker, ask_transcript, b_transcript, b_speaker, b_query]
        demo.load(refresh, None, [*shown, timer], show_progress="hidden", **private)
        timer.tick(refresh, None, [*shown, timer], show_progress="hidden", **private)
        watch.tick(catch_up, picked, shown, show_progress="hidden", **private)

        ask_inputs = [question, ask_speaker, ask_transcript, k]
        for trigger in (question.submit, ask_btn.click):
            trigger(on_ask, ask_inputs, result, concurrency_limit=QA_CONCURRENCY,
                    concurrency_id="qa", show_progress="minimal", **private)
        if examples:
            ex.load_input_event.then(on_ask, ask_inputs, result, concurrency_id="qa",
                                     concurrency_limit=QA_CONCURRENCY, **private)
        ask_transcript.input(on_ask_transcript, [ask_transcript, ask_speaker], ask_speaker,
                             **private)
        result.click(on_goto, None, [tabs, b_transcript, b_speaker, b_query, b_view, back],
                     **private)
        back.click(on_back, None, [tabs, back], **private).then(
            None, None, None, js=render.JS_BACK_TO_CITATION, **private)

        b_transcript.input(on_browse_transcript, [b_transcript, b_speaker, b_query],
                           [b_speaker, b_view], **private)
        for trigger in (b_speaker.input, b_query.submit, b_query.input):
            trigger(on_browse_filter, [b_transcript, b_speaker, b_query], b_view,
                    trigger_mode="always_last", show_progress="hidden", **private)

        up_file.upload(on_file, up_file,
                       [up_name, up_preview, up_replace, up_confirm, up_sha, up_result], **private)
        up_file.clear(on_file, up_file,
                      [up_name, up_preview, up_replace, up_confirm, up_sha, up_result], **private)
        for trigger in (up_name.submit, up_name.blur):
            trigger(preview, [up_file, up_name],
                    [up_preview, up_replace, up_confirm, up_sha, up_result],
                    trigger_mode="always_last", **private)
        up_confirm.click(on_confirm, [up_file, up_name, up_replace, up_sha],
                         [up_result, up_confirm],
                         concurrency_limit=1, concurrency_id="upload", **private).then(
            catch_up, picked, shown, show_progress="hidden", **private)

        gr.api(api_ask, api_name="ask", concurrency_limit=QA_CONCURRENCY, concurrency_id="qa")
        gr.api(api_search, api_name="search", concurrency_limit=QA_CONCURRENCY,
               concurrency_id="qa")
    return demo


def confirm_upload(qa, path: str | None, name: str, replace: bool, sha: str | None,
                   progress: Callable[[int, int, str], None] | None = None,
                   ) -> tuple[str, bool]:
    """Save and index the previewed upload: (outcome notice, whether it was saved).

    Reads only what the click sent, never "no preview" as "no file": a click straight after
    typing a name blurs the name box first, and that preview (which fails on "../x.txt")
    clears `sha` before this runs, so the name is checked here for its own reason.
    """
    from . import uploads

    if not path:
        return render.notice_html("Choose a transcript file first.", "error"), False
    try:
        target = uploads.target_path(qa.cfg.transcripts_dir, name)  # why a name is refused
        data = uploads.read_upload(path, qa.cfg.max_upload_mb)
        if not sha:  # its preview failed or never ran: the preview's reason, else preview it
            qa.preview_upload(data, name)
            raise TranscriptQAError(
                f"Check the preview of {target.name} first: press Enter in “Save as”, then "
                "add it.")
        old = target.read_bytes() if target.is_file() else None
        t0 = time.perf_counter()
        saved, report = qa.save_upload(data, name, replace, sha, progress)
    except TranscriptQAError as exc:
        return render.notice_html(str(exc), "error"), False
    if saved.name in report.errors:  # parsed at preview, so only if the file changed
        return render.notice_html(f"Saved {saved.name}, but it could not be indexed: "
                                  f"{report.errors[saved.name]}", "error"), True
    tid = qa.transcript_id_of(saved)
    turns = len(qa.turns(tid)) if tid in qa.index.titles else 0
    outcome = "added" if old is None else "unchanged" if old == data else "replaced"
    return render.upload_done_html(saved.name, turns, time.perf_counter() - t0, outcome), True


def _whole(k: Any) -> Any:
    """3.0 -> 3 (sliders and JSON clients send floats); anything else is checked by the API."""
    return int(k) if isinstance(k, float) and k.is_integer() else k


def _indexed_ids(qa) -> set[str]:
    """Transcript ids on disk (the index may still be building when the page is built)."""
    try:
        return {f.id for f in scan(qa.cfg.transcripts_dir)}
    except TranscriptQAError:
        return set()


def theme():
    import gradio as gr

    system = ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"]
    return gr.themes.Soft(primary_hue="indigo", neutral_hue="slate", font=system,
                          font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"])


def launch_kwargs(cfg: Config) -> dict[str, Any]:
    """Server settings: loopback unless told otherwise, no share link, nothing phoning home."""
    return {
        "server_name": cfg.host, "server_port": cfg.port, "share": False,
        "max_file_size": f"{cfg.max_upload_mb}mb", "theme": theme(), "css": render.CSS,
        "footer_links": ["api"], "ssr_mode": False, "mcp_server": False, "pwa": False,
        "enable_monitoring": False, "show_error": False, "quiet": True,
    }


def serve(qa, *, block: bool = True, **overrides: Any):
    """Start the app over `qa` (index built in the background); returns (demo, local URL)."""
    startup = Startup(qa).start()
    demo = build(qa, startup)
    demo.queue(default_concurrency_limit=4, max_size=256)
    kwargs = {**launch_kwargs(qa.cfg), **overrides}
    try:
        _, url, _ = demo.launch(prevent_thread_lock=True, **kwargs)
    except OSError:  # Gradio: "Cannot find empty port in range: 7860-7860 ..."
        raise TranscriptQAError(
            f"Cannot serve on {kwargs['server_name']}:{kwargs['server_port']}: the port is in "
            "use or not allowed (is the app already running?). Pass another with --port N or "
            "TQA_PORT.") from None
    print(f"transcript-qa: app running at {url} (Ctrl+C to stop)", file=sys.stderr, flush=True)
    if block:
        try:
            demo.block_thread()
        finally:
            demo.close()
    return demo, url


def launch(cfg: Config) -> None:
    from .api import TranscriptQA

    if cfg.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"transcript-qa: warning: serving on {cfg.host}: the app is reachable from other "
              "machines on the network, without a password.", file=sys.stderr)
    serve(TranscriptQA(cfg))
