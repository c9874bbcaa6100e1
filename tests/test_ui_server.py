"""`python app.py` as users run it: a real server process on loopback that builds a missing
index with visible progress and answers through the named API endpoints with exactly the
JSON the CLI prints (checked with gradio_client against the live server)."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT, SEED

pytestmark = pytest.mark.slow

QUESTION = "How much money has the government spent on programs?"
CLI = str(Path(sys.executable).with_name("transcript-qa"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A child process whose combined output is collected as it runs."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited ({self.proc.returncode}):\n{self.output}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} after {timeout}s:\n{self.output}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def listening_addresses(port: int) -> set[str]:
    """Local IPv4/IPv6 addresses listening on `port`, from /proc (Linux)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            addr, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":  # 0A = LISTEN
                found.add(addr)
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    tdir = root / "transcripts"
    tdir.mkdir()
    shutil.copy(SEED, tdir / SEED.name)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TQA_", "GRADIO_SERVER", "GRADIO_SHARE"))}
    env.update(HF_HUB_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1", GRADIO_ANALYTICS_ENABLED="False")
    port = free_port()
    # the folders as flags (app.py takes the CLI's options); the CLI calls below get them
    # from the environment
    srv = Server([sys.executable, "app.py", "--port", str(port), "--transcripts", str(tdir),
                  "--index", str(root / "index")], env)
    srv.wait_for(f"app running at http://127.0.0.1:{port}/")
    env = {**env, "TQA_TRANSCRIPTS_DIR": str(tdir), "TQA_INDEX_DIR": str(root / "index")}
    srv.url, srv.port, srv.env = f"http://127.0.0.1:{port}/", port, env
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server.url, verbose=False, analytics_enabled=False, download_files=False)


def cli_json(server, *args: str):
    out = subprocess.run([CLI, *args, "--json"], env=server.env, capture_output=True,
                         text=True, timeout=300, check=True)
    return json.loads(out.stdout)


def test_named_ask_endpoint_returns_the_cli_json(server, client):
    got = client.predict(QUESTION, api_name="/ask")  # waits for the start-up build
    assert (Path(server.env["TQA_INDEX_DIR"]) / "CURRENT").is_file()  # --index was used
    assert got["answer"]["speaker_name"] == "Mark P. Lagon"
    assert "530 million" in got["answer"]["text"]
    a = got["answer"]
    assert a["turn_text"][a["span_start"]:a["span_end"]] == a["text"]
    assert got == cli_json(server, "ask", QUESTION)


def test_named_search_endpoint_returns_the_cli_json(server, client):
    got = client.predict(QUESTION, 3, "Lagon", api_name="/search")
    assert len(got) == 3 and {p["speaker_name"] for p in got} == {"Mark P. Lagon"}
    assert got == cli_json(server, "search", QUESTION, "-k", "3", "--speaker", "Lagon")


def test_a_second_app_on_a_port_in_use_says_so_and_exits_1(server):
    r = subprocess.run([sys.executable, "app.py", "--port", str(server.port)], cwd=ROOT,
                       env=server.env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"Cannot serve on 127.0.0.1:{server.port}: the port is in use" in r.stderr
    assert "--port" in r.stderr
    bad = subprocess.run([sys.executable, "app.py"], cwd=ROOT, capture_output=True, text=True,
                         env={**server.env, "TQA_PORT": "99999"}, timeout=300)
    assert bad.returncode == 1 and "'port' from environment must be between" in bad.stderr


def test_api_user_errors_are_messages(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="The question is empty"):
        client.predict("  ", api_name="/ask")
    with pytest.raises(AppError, match="Unknown speaker 'Nobody'"):
        client.predict(QUESTION, 5, "Nobody", api_name="/ask")


def test_concurrent_requests_are_all_answered_alike(client):
    questions = [QUESTION, "What is a T visa?", "What did Lagon say about Mexico?"] * 4
    sequential = {q: client.predict(q, api_name="/ask") for q in dict.fromkeys(questions)}
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda q: client.predict(q, api_name="/ask"), questions))
    for q, r in zip(questions, results):
        assert r == sequential[q]  # same question, same answer, under load as one at a time


def test_started_on_loopback_with_visible_progress_and_no_share_link(server, client):
    client.predict(QUESTION, api_name="/search")  # start-up has finished
    out = server.output
    assert "Building the index (no index built yet)" in out
    assert "Indexed 42 turns" in out
    assert "embedding" in out  # the progress bar
    assert "gradio.live" not in out and "public URL" not in out
    addrs = listening_addresses(server.port)
    if addrs:  # /proc is there (Linux): loopback only, never 0.0.0.0 / ::
        assert addrs == {"0100007F"}, addrs


def test_no_file_outside_the_upload_cache_is_served(server):
    import urllib.error
    import urllib.request

    seed = Path(server.env["TQA_TRANSCRIPTS_DIR"]) / SEED.name
    for path in ["/etc/passwd", str(seed), str(ROOT / "app.py"), "app.py", "../../etc/passwd"]:
        url = f"{server.url}gradio_api/file={path}"
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url, timeout=30)
        assert err.value.code in (403, 404), (path, err.value.code)


@pytest.mark.parametrize("question", [
    "\x00\x07What is a T\x1b visa?\x7f",
    'What is a "T visa?', "visa* NEAR Mexico OR", "'; DROP TABLE turns; --",
    "<script>alert(1)</script> what is a T visa?",
])
def test_odd_questions_through_the_api_get_answers_not_errors(client, question):
    got = client.predict(question, api_name="/ask")
    assert got["abstained"] or got["answer"]["turn_text"][
        got["answer"]["span_start"]:got["answer"]["span_end"]] == got["answer"]["text"]


@pytest.mark.parametrize("args, message", [
    (("x" * 100_000,), "keep it under"),
    (("?!?... ;;; ---",), "no words"),
    ((QUESTION, 0), "number of passages must be between"),
    ((QUESTION, 5, "", "no-such-transcript"), "Unknown transcript"),
])
def test_bad_requests_through_the_api_get_clear_messages(client, args, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message):
        client.predict(*args, api_name="/ask")
