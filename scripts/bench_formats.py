"""Parse speed per format on real files and large synthetic ones; prints figures, asserts nothing.

    .venv/bin/python scripts/bench_formats.py

Each row: file, format, size, turns, median parse seconds over 3 runs (detection, decoding
and parsing included: `parse_bytes`, the path the index takes) and MB/s.
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from transcript_qa.formats import parse_bytes  # noqa: E402


def synthetic(tmp: Path) -> list[Path]:
    wh = (ROOT / "data/formats/wh_press_briefing_2023-11-30.md").read_text(encoding="utf-8")
    body = wh.split("---", 2)[2]
    press = tmp / "press_x100.md"
    press.write_text(wh + body * 99, encoding="utf-8")

    cues = []
    for i in range(20_000):  # ~11 hours of captions
        t = i * 2
        who = "ALICE: " if i % 7 == 0 else ("BOB: " if i % 7 == 4 else "")
        end = "." if i % 3 == 2 else ""
        cues.append(f"{i + 1}\n{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d},000 --> "
                    f"{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d},900\n"
                    f"{who}the tide comes in twice a day &amp; fills{end}\n")
    srt = tmp / "captions_20k.srt"
    srt.write_text("\n".join(cues), encoding="utf-8")

    segs = []
    for i in range(5_000):
        words = [{"word": w, "start": i + k / 20, "end": i + (k + 1) / 20, "score": 0.9,
                  "speaker": f"SPEAKER_0{i // 3 % 2}"}
                 for k, w in enumerate("the keeper rowed out to the rock in any weather".split())]
        segs.append({"start": i, "end": i + 0.9, "text": " The keeper rowed out to the rock in"
                     " any \u201cweather\u201d.", "speaker": f"SPEAKER_0{i // 3 % 2}", "words": words})
    js = tmp / "whisperx_5k.json"
    js.write_text(json.dumps({"segments": segs}), encoding="utf-8")
    return [press, srt, js]


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        files = sorted((ROOT / "data/formats").glob("*.*"))
        files = [f for f in files if f.name != "README.md"]
        files += [ROOT / "transcripts/state-dept-podcast-trafficking-in-persons.txt"]
        files += synthetic(Path(d))
        print(f"{'file':34} {'format':14} {'MB':>6} {'turns':>6} {'median s':>9} {'MB/s':>6}")
        for f in files:
            data = f.read_bytes()
            runs = []
            for _ in range(3):
                t0 = time.perf_counter()
                t = parse_bytes(data, f)
                runs.append(time.perf_counter() - t0)
            med = statistics.median(runs)
            mb = len(data) / 1e6
            print(f"{f.name[:34]:34} {t.format:14} {mb:6.2f} {len(t.turns):6d} {med:9.3f} "
                  f"{mb / med:6.1f}")
        qmsum = sorted((ROOT / "data/qmsum-train/transcripts").glob("*.txt"))
        t0 = time.perf_counter()
        turns = sum(len(parse_bytes(f.read_bytes(), f).turns) for f in qmsum)
        total = time.perf_counter() - t0
        mb = sum(f.stat().st_size for f in qmsum) / 1e6
        print(f"{'qmsum-train (157 files)':34} {'press':14} {mb:6.2f} {turns:6d} {total:9.3f} "
              f"{mb / total:6.1f}")


if __name__ == "__main__":
    main()
