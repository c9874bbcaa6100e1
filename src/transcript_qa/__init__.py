"""transcript-qa: offline question answering over speaker-turn transcripts, with cited text.

Importing the package is cheap on purpose: heavy libraries (sentence-transformers, faiss,
gradio) load only inside the functions that need them.
"""
from .errors import TranscriptQAError

__version__ = "0.1.0"
__all__ = ["TranscriptQAError", "__version__"]
