# Two commands on a fresh machine: `make run` (app on the bundled transcript), `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch==2.13.0 resolves to the small CPU build on this machine; an unpinned torch pulls CUDA.
TORCH ?= torch==2.13.0

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: setup setup-test run index test bench clean

$(VENV)/.runtime: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test: $(VENV)/.runtime
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.runtime
setup-test: $(VENV)/.test

run: setup
	$(BIN)/python app.py

index: setup
	$(BIN)/transcript-qa index

test: setup-test
	scripts/ensure-chromium
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) index/v-* index/.tmp-* index/CURRENT
