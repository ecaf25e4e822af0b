# One command each, on a fresh machine: `make run` starts Descent Lab, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Until the app pages land, `make run` runs the engine's demo in the terminal.
run: $(STAMP)
	$(BIN)/python -m engine demo

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,bench]" || echo "torch not installed: the PyTorch column is skipped"
	$(BIN)/python -m engine bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis artifacts
