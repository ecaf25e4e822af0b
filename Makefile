# One command each, on a fresh machine: `make run` starts Descent Lab, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench demo clean serve-class

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Starts the app on the default run (circles, 2 hidden tanh layers, He init, lr 0.03): press Play.
# One BLAS thread per server: many sessions share the cores, and the app's matrices are small
# (oversubscribed OpenBLAS threads made a 3 s training take minutes on a busy 2-core machine).
PORT ?= 8501
run: $(STAMP)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m streamlit run server.py --browser.gatherUsageStats false --server.port $(PORT)

# The engine's terminal demo: trains the default network and draws its boundary in ASCII.
demo: $(STAMP)
	$(BIN)/python -m descentlab demo

# Two workers for the tests that wait on servers and browsers more than they compute; then, alone,
# the tests that measure a loaded server (markers load and cluster), which a neighbour would skew.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not load and not cluster"
	$(BIN)/python -m pytest -m "load or cluster"

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,bench]" || echo "torch not installed: the PyTorch column is skipped"
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis artifacts

# A class on this machine, without containers: REPLICAS servers behind HAProxy (apt-get install
# haproxy) on port 8500, with the proxy configuration compose uses. See README, "Serving a class".
REPLICAS ?= 2
serve-class: $(STAMP)
	$(BIN)/python -m deploy.serve_class --replicas $(REPLICAS) --port 8500
