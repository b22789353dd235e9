# One task runner (STYLE.md habit 10). Every target creates the virtual environment on first
# use, so `make run` and `make test` work on a fresh machine with only Python 3.11+ and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run session test test-fast lint docs bench bench-load figures icons clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# The web app on SQLite (the diary lives in the platform's user data directory unless
# BACKRELIEF_DATA_DIR says otherwise); it prints the address to open.
run: setup
	$(BIN)/backrelief serve

# The same guided session in the terminal.
session: setup
	$(BIN)/backrelief session

test: setup
	$(BIN)/python -m backrelief.docsgen --check
	$(BIN)/python -m pytest -n 2 --dist loadgroup

test-fast: setup
	$(BIN)/python -m pytest -n 2 -m "not browser and not slow"

lint: setup
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy src

docs: setup
	$(BIN)/python -m backrelief.docsgen

# Every step figure rendered through Chromium, one contact sheet per technique, to look at.
figures: setup
	$(BIN)/python -m backrelief.figures.contact_sheet --out artifacts/figures

# The PNG icons (home screens, install prompts) from static/icons/icon.svg, through Chromium.
# The PNGs are committed; run this after changing the SVG.
icons: setup
	$(BIN)/python tools/make_icons.py

# One table, the goal beside each figure, from every bench/bench_*.py that has rows() (see
# bench/table.py); each script also runs on its own for its detailed figures.
bench: setup
	$(BIN)/python bench/run.py

# Issue 13's load run, on its own (3 minutes, and it needs PostgreSQL: set
# BACKRELIEF_TEST_DATABASE_URL): 50 users for 60 s against `serve --workers 2`, beside a bare
# hello app served alike. Not in the table above: its p50/p99 need the whole run to mean much.
bench-load: setup
	$(BIN)/python bench/bench_load.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
