# Central Asian security framing: a notebook suite. `make help` lists the targets.
#
# With no active environment, targets create .venv with the Python 3.11 found on PATH and install the
# exact pins of requirements.txt. With an active conda or virtual environment (CONDA_PREFIX or
# VIRTUAL_ENV set), they use that one as it is (create it from environment.yml or requirements.txt).

SHELL := /bin/bash
.DEFAULT_GOAL := help
BOOT_PYTHON ?= $(shell command -v python3.11 || command -v python3)
NOTEBOOK_ARGS ?=
# CORPUS, OUTDIR and NO_CACHE are never exported as they are: make would expand them (running any $(shell ...)
# in a path); the figures target passes their unexpanded text to the runner instead
unexport CORPUS OUTDIR NO_CACHE

ifneq ($(strip $(VIRTUAL_ENV)$(CONDA_PREFIX)),)
  PYTHON := python
  ENV := check-env
else
  PYTHON := $(CURDIR)/.venv/bin/python
  ENV := .venv/.installed
endif
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help figures test test-fast lint lab screenshots lock bench check-env clean
REPS ?= 3
SCALE ?= 1000 3000 10000 30000 100000
SCALE_REPS ?= 1

## Show this help
help:
	@awk '/^## /{doc=substr($$0,4); next} /^[a-zA-Z_.-]+:/{if(doc){split($$1,t,":"); printf "  make %-10s %s\n", t[1], doc}; doc=""}' $(MAKEFILE_LIST)

## Execute every notebook in order (headless) and rewrite figures/ and results/ [CORPUS=dir OUTDIR=dir NO_CACHE=1 ENGINE=dask]
figures: export CORPUS_DIR := $(value CORPUS)
figures: export OUTPUT_DIR := $(value OUTDIR)
figures: export CORPUS_UTILS_NO_CACHE := $(filter-out 0,$(value NO_CACHE))
figures: $(ENV)
	@# CORPUS and OUTDIR reach the runner through the environment, unexpanded: spaces, quotes, `$$`, backticks
	@# and newlines in a path are never split, expanded or run by make or the shell. The runner refuses a
	@# CORPUS without an OUTDIR. NO_CACHE=1 recomputes everything and reads no cache entry. ENGINE=dask runs
	@# the per-document stages and the model fits on Dask: a LocalCluster of DASK_WORKERS (2) processes, or
	@# the cluster at DASK_SCHEDULER=tcp://host:8786 (both reach the runner through the environment).
	$(PYTHON) tools/run_notebooks.py --from-env $(NOTEBOOK_ARGS)

## Run all tests: lint, pytest on tests/ and nbval (strict) on every notebook
test: $(ENV) lint
	$(PYTHON) -m pytest tests notebooks --nbval --nbval-current-env \
	  --nbval-sanitize-with tests/sanitize.cfg

## Unit tests only (no notebooks, browser or whole-pipeline runs): quick feedback while editing, under 30 s
test-fast: $(ENV)
	$(PYTHON) -m pytest -q -m "not slow and not browser" tests

## Lint the package, tools, tests and the notebooks (.ipynb and their paired scripts) with ruff
lint: $(ENV)
	$(PYTHON) -m ruff check corpus_utils tools tests notebooks benchmarks

## Open JupyterLab on the notebooks with the project's environment
lab: $(ENV)
	$(PYTHON) -m jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks

## Screenshots of notebook 05's widgets for the README, taken by the browser test (not byte-reproducible)
screenshots: $(ENV)
	@# The same JupyterLab session as tests/test_jupyterlab.py (a temporary copy of the project, Chromium):
	@# after its clicks it saves a PNG of each widget; the manifest lists them as screenshots.
	SCREENSHOTS=$(CURDIR)/figures/screenshots $(PYTHON) -m pytest -q -p no:cacheprovider \
	  tests/test_jupyterlab.py -k every_explorer_view
	$(PYTHON) -c 'from tests.lab import record_screenshots; record_screenshots()'

## Benchmark: floor, notebooks, make figures, stages on the seeds; then 1k-100k documents [REPS=3 SCALE=... SCALE_REPS=1]
bench: $(ENV)
	$(PYTHON) benchmarks/bench.py --reps $(REPS) --scale $(SCALE) --scale-reps $(SCALE_REPS)

## Re-resolve requirements.in into exact pins (requirements.txt, environment.yml)
lock:
	rm -rf .cache/lockenv && $(BOOT_PYTHON) -m venv .cache/lockenv
	.cache/lockenv/bin/pip install --quiet --upgrade pip
	.cache/lockenv/bin/pip install --quiet -r requirements.in
	.cache/lockenv/bin/pip freeze > .cache/freeze.txt
	$(BOOT_PYTHON) tools/lock.py .cache/freeze.txt

.venv/.installed: requirements.txt pyproject.toml
	@$(BOOT_PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v[:2] == (3, 11) else "need Python 3.11 to create .venv, found %d.%d (set BOOT_PYTHON=...)" % v[:2])'
	$(BOOT_PYTHON) -m venv .venv
	.venv/bin/python -m pip install --quiet --upgrade pip
	.venv/bin/python -m pip install --quiet -r requirements.txt
	.venv/bin/python -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "corpus_utils_repo.pth").write_text("$(CURDIR)\n")'
	touch $@

check-env:
	@$(PYTHON) -c 'import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in \
	  ("gensim", "pandas", "pyLDAvis", "nbval", "pytest", "simplemma", "jupytext")))' 2>/dev/null || { \
	  echo "The active environment ($(VIRTUAL_ENV)$(CONDA_PREFIX)) lacks the project's packages."; \
	  echo "Create it with 'conda env create -f environment.yml' or 'pip install -r requirements.txt',"; \
	  echo "or deactivate it to let make build .venv."; exit 1; }

## Remove .venv and caches (not the committed figures/ or results/)
clean:
	rm -rf .venv .cache .pytest_cache .hypothesis .ruff_cache
