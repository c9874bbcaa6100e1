"""Launch the transcript-qa web app: `python app.py [--host H] [--port P] [--transcripts DIR]
[--index DIR] ...`, the same as `transcript-qa serve` with the same options.

A thin shell: all logic lives in the `transcript_qa` package (see `transcript_qa.ui`).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))  # works without `pip install -e`

from transcript_qa.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
