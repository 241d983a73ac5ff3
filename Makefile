# feedtui: `make run` starts the app on the bundled demo live source, `make test` runs
# the whole suite. Both create .venv from nothing; only Python 3.11+ and make are needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Reinstall when the project's metadata changes.
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test bench coverage clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/feedtui

test: $(STAMP_TEST)
	$(BIN)/python -m pytest -q -n auto

# Branch coverage of the modules that meet untrusted input: the sanitizer, the fetcher,
# the extractors and the store (per-module figures, missing lines and branches).
COV_MODULES := --cov=feedtui.sanitize --cov=feedtui.fetch --cov=feedtui.extract --cov=feedtui.store
coverage: $(STAMP_TEST)
	$(BIN)/python -m pytest -q -n auto $(COV_MODULES) --cov-branch --cov-report=term-missing

bench: $(STAMP_TEST)
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build src/*.egg-info
