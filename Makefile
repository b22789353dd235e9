# One task runner (STYLE.md habit 10). Every target creates the virtual environment on first
# use, so `make run` and `make test` work on a fresh machine with only Python 3.11+ and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test test-fast lint docs docs-check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/backrelief session

test: setup
	$(BIN)/python -m backrelief.docsgen --check
	$(BIN)/python -m pytest -n 2 --dist loadgroup

test-fast: setup
	$(BIN)/python -m pytest -n 2 -m "not browser and not slow"

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src

docs: setup
	$(BIN)/python -m backrelief.docsgen

bench: setup
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
