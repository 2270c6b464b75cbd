# Triglot developer commands. `make setup` on a fresh machine, then `make test` / `make serve`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup system test lint serve bench

# Debian packages the tests use: chromium and its driver (the review page's browser test),
# PostgreSQL (the storage contract tests start a throwaway server on loopback) and OmegaT (a
# real CAT tool pre-translates from Triglot's TMX in console mode).
system:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && \
	  command -v omegat >/dev/null && \
	  { command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium chromium-driver postgresql omegat >/dev/null; }

setup: system
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
