# Triglot developer commands. `make setup` on a fresh machine, then `make test` / `make serve`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup system assets test lint serve bench

# Debian packages the tests use: chromium and its driver (the web pages' browser tests),
# PostgreSQL (the storage contract tests start a throwaway server on loopback), Redis (the
# replica tests share rate limits in a throwaway redis-server), npm (fetches the pages'
# scripts at set-up, below) and OmegaT (a real CAT tool pre-translates from Triglot's TMX in
# console mode).
system:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && \
	  command -v npm >/dev/null && command -v omegat >/dev/null && \
	  command -v redis-server >/dev/null && \
	  { command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium chromium-driver postgresql redis-server npm omegat >/dev/null; }

# Browser scripts from their npm packages, fetched once here so that nothing comes from a CDN
# at run time: htmx for the web pages (served by Triglot from service/web/static/vendor/) and
# axe-core for the accessibility test. Each file is checked against service/web/assets.sha256.
HTMX_VERSION := 2.0.11
AXE_VERSION := 4.11.0
assets:
	@sha256sum --quiet --status -c service/web/assets.sha256 2>/dev/null || { \
	  set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  (cd "$$tmp" && npm pack --silent htmx.org@$(HTMX_VERSION) axe-core@$(AXE_VERSION) >/dev/null); \
	  mkdir -p service/web/static/vendor .cache/web-test "$$tmp/htmx" "$$tmp/axe"; \
	  tar -xzf "$$tmp/htmx.org-$(HTMX_VERSION).tgz" -C "$$tmp/htmx"; \
	  tar -xzf "$$tmp/axe-core-$(AXE_VERSION).tgz" -C "$$tmp/axe"; \
	  cp "$$tmp/htmx/package/dist/htmx.min.js" service/web/static/vendor/htmx.min.js; \
	  cp "$$tmp/htmx/package/LICENSE" service/web/static/vendor/htmx.LICENSE.txt; \
	  cp "$$tmp/axe/package/axe.min.js" .cache/web-test/axe.min.js; \
	  sha256sum --quiet -c service/web/assets.sha256; }

setup: system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(MAKE) assets
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
