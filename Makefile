# Triglot developer commands. `make setup` on a fresh machine, then `make test` / `make serve`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup browser test lint serve bench

# Debian's chromium and its driver, for the review page's browser test.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium chromium-driver >/dev/null; }

setup: browser
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/triglot --help > /dev/null

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

serve:
	$(BIN)/triglot serve --seeds seeds

bench:
	$(BIN)/python bench/page_analysis.py
