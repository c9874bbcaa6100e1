"""One configuration path: defaults < config file < TQA_* environment < flags, and settings a
user mistypes are one clear error, never a traceback from deep inside a library."""
from __future__ import annotations

import pytest

from transcript_qa.config import load_config
from transcript_qa.errors import TranscriptQAError


def test_each_layer_overrides_the_one_before(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_config(env={}).k == 5  # the default
    (tmp_path / "transcript-qa.toml").write_text("k = 7\nport = 9000\n")
    assert (load_config(env={}).k, load_config(env={}).port) == (7, 9000)
    env = {"TQA_K": "9"}
    assert (load_config(env=env).k, load_config(env=env).port) == (9, 9000)
    assert load_config(env=env, k=3).k == 3


@pytest.mark.parametrize("env, message", [
    ({"TQA_BATCH_SIZE": "0"}, "'batch_size' from environment must be between 1 and"),
    ({"TQA_THREADS": "-4"}, "'threads' from environment must be between 0 and"),
    ({"TQA_PORT": "99999"}, "'port' from environment must be between 1 and 65535"),
    ({"GRADIO_SERVER_PORT": "70000"}, "'port' from environment must be between"),
    ({"TQA_MAX_UPLOAD_MB": "-1"}, "'max_upload_mb' from environment must be between 1 and"),
    ({"TQA_K": "0"}, "'k' from environment must be between 1 and 100"),
    ({"TQA_K": "five"}, "'k' from environment must be int"),
])
def test_out_of_range_settings_are_refused(env, message):
    with pytest.raises(TranscriptQAError, match=message):
        load_config(env=env)


def test_a_config_file_setting_out_of_range_names_the_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("batch_size = 0\n")
    with pytest.raises(TranscriptQAError, match=r"'batch_size' from config file .*c\.toml"):
        load_config(env={"TQA_CONFIG": str(path)})
    path.write_text("k = true\n")
    with pytest.raises(TranscriptQAError, match="'k' .* must be int"):
        load_config(env={"TQA_CONFIG": str(path)})
