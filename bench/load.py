"""Load test (a script, not a test): N concurrent clients x M questions through the app's named
`/ask` endpoint over loopback.

    python bench/load.py                     # 50 clients x 20 questions against a fresh app
    python bench/load.py --url http://127.0.0.1:7860   # against a running app

Prints throughput, p50/p95/max latency, the error count, whether every concurrent answer equals
the sequential answer to the same question, and the server's memory before/during/after.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return next(int(x.split()[1]) for x in fh if x.startswith("VmRSS:")) / 1024
    except (OSError, StopIteration):
        return float("nan")


def questions(n: int) -> list[str]:
    rows = [json.loads(x) for x in (ROOT / "data" / "seed-dev-questions.jsonl").read_text().splitlines()]
    qs = [r["question"] for r in rows] + [
        "How much money has the government spent on programs?", "What is a T visa?",
        "What did Lagon say about Mexico?", "Who runs the hotline?", "What is bonded labor?",
    ]
    return (qs * (n // len(qs) + 1))[:n]


def fingerprint(result: dict) -> str:
    """What must not change under load: the answer span and the ranked citations."""
    a = result.get("answer") or {}
    return json.dumps([a.get("text"), a.get("turn"), result.get("abstained"),
                       [(p["transcript"], p["turn"]) for p in result.get("passages", [])]])


def start_app(port: int) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    log = open(Path(tempfile.gettempdir()) / f"tqa-load-{port}.log", "w")
    return subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env)


def wait_ready(url: str, timeout: float = 600) -> None:
    from gradio_client import Client

    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            Client(url, verbose=False).predict("warm up", api_name="/ask")
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(1)
    raise SystemExit(f"app at {url} did not answer within {timeout:.0f} s")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--questions", type=int, default=20)
    p.add_argument("--url")
    args = p.parse_args()
    from gradio_client import Client

    proc = None
    url = args.url
    if url is None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start_app(port)
    try:
        wait_ready(url)
        pid = proc.pid if proc else None
        qs = questions(args.questions)
        client = Client(url, verbose=False)
        expected = {q: fingerprint(client.predict(q, api_name="/ask")) for q in dict.fromkeys(qs)}
        rss_before = rss_mb(pid) if pid else float("nan")

        latencies: list[float] = []
        errors: list[str] = []
        mismatches: list[str] = []
        rss_during: list[float] = []
        lock = threading.Lock()
        start = threading.Barrier(args.clients + 1)

        def one_client(offset: int) -> None:
            # httpx's default 5 s timeout is for interactive use; a queued request under a
            # 50-client burst waits longer than that by design (the queue is the back-pressure).
            c = Client(url, verbose=False, httpx_kwargs={"timeout": 300})
            start.wait()
            for i in range(len(qs)):
                q = qs[(i + offset) % len(qs)]
                t0 = time.perf_counter()
                try:
                    r = c.predict(q, api_name="/ask")
                    ok = fingerprint(r) == expected[q]
                    err = None
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    ok, err = True, f"{type(exc).__name__}: {exc}"
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    if err:
                        errors.append(err)
                    elif not ok:
                        mismatches.append(q)

        threads = [threading.Thread(target=one_client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        start.wait()
        t0 = time.perf_counter()
        while any(t.is_alive() for t in threads):
            if pid:
                rss_during.append(rss_mb(pid))
            time.sleep(0.5)
        wall = time.perf_counter() - t0
        rss_after = rss_mb(pid) if pid else float("nan")

        n = len(latencies)
        lat = sorted(latencies)
        print(f"{args.clients} clients x {len(qs)} questions = {n} requests in {wall:.1f} s "
              f"over loopback ({url}, endpoint /ask)")
        print(f"  throughput        {n / wall:.1f} requests/s")
        print(f"  latency p50/p95/max  {statistics.median(lat) * 1000:.0f} / "
              f"{lat[int(0.95 * (n - 1))] * 1000:.0f} / {lat[-1] * 1000:.0f} ms")
        print(f"  errors            {len(errors)}" + (f"  e.g. {errors[0]}" if errors else ""))
        print(f"  answers differing from the sequential run  {len(mismatches)}")
        if pid:
            print(f"  server RSS before / max during / after  {rss_before:.0f} / "
                  f"{max(rss_during or [rss_after]):.0f} / {rss_after:.0f} MB")
        return 1 if errors or mismatches else 0
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
