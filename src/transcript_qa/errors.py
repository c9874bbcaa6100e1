"""The one error type a user can cause; its message says what to do next."""


class TranscriptQAError(Exception):
    """Bad input or state the user can fix: the CLI prints it and exits non-zero, the UI shows it."""
