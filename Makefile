# tidepool — every target bootstraps what it needs (Python venv, npm packages, the solc and anvil
# commands) from PyPI and npm only, pinned by requirements.lock and package-lock.json.
SHELL := /bin/bash
.DEFAULT_GOAL := help

ROOT    := $(abspath .)
VENV    := $(ROOT)/.venv
PY      := $(VENV)/bin/python
TOOLS   := $(ROOT)/.tools
SOLC_VERSION := 0.8.30

export PATH := $(TOOLS)/bin:$(ROOT)/node_modules/.bin:$(VENV)/bin:$(PATH)
export SOLCX_BINARY_PATH := $(TOOLS)/solcx
export APE_DATA_FOLDER := $(ROOT)/.ape-data
export HYPOTHESIS_PROFILE ?= ci

STAMP_PY  := $(VENV)/.installed
STAMP_NPM := node_modules/.installed
SOLC_CMD  := $(TOOLS)/solcx/solc-v$(SOLC_VERSION)
ANVIL_CMD := $(TOOLS)/bin/anvil

LINT_VENV := $(ROOT)/.venv-lint
STAMP_LINT := $(LINT_VENV)/.installed

.PHONY: help install compile test test-model test-deep demo gas gas-breakdown bench lint clean

help: ## Show this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP_PY): requirements.lock
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

$(STAMP_NPM): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(SOLC_CMD): $(STAMP_NPM) tools/solc.cjs
	mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec node "%s/tools/solc.cjs" "$$@"\n' "$(ROOT)" > $@
	chmod +x $@

# Anvil from npm, always with --prune-history (a growing chain otherwise slows every request).
$(ANVIL_CMD): $(STAMP_NPM) tools/anvil.sh
	mkdir -p $(dir $@)
	ln -sf "$(ROOT)/tools/anvil.sh" $@

install: $(STAMP_PY) $(STAMP_NPM) $(SOLC_CMD) $(ANVIL_CMD) ## Install everything (idempotent)

# Ape's incremental compile has missed dependants of an edited file (Factory embeds Pool's creation
# code), so any change to a contract or the config recompiles everything.
BUILD_STAMP := .build/.sources-stamp
$(BUILD_STAMP): $(STAMP_PY) $(SOLC_CMD) ape-config.yaml $(shell find contracts -name '*.sol')
	ape compile --force
	touch $@

compile: install $(BUILD_STAMP) ## Compile the contracts (recompiles all when any source changed)

test: compile ## Run every test: model, in-process EVM, Anvil (HYPOTHESIS_PROFILE=ci|deep)
	pytest -q tests $(PYTEST_ARGS)

test-model: install ## Model-only tests (no chain)
	pytest -q tests -m "not chain" $(PYTEST_ARGS)

test-deep: compile ## Long property run (HYPOTHESIS_PROFILE=deep)
	HYPOTHESIS_PROFILE=deep pytest -q tests $(PYTEST_ARGS)

demo: compile ## Start Anvil, deploy, simulate a market, check the model, audit, report (DEMO_ARGS="--rounds N --seed S")
	ape run demo $(DEMO_ARGS)

$(STAMP_LINT): requirements-lint.lock
	python3 -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-lint.lock
	touch $@

# Slither over contracts/ (tests and libraries filtered): fails on any medium or high finding. Each
# accepted finding is triaged in the source, a `slither-disable-next-line` with its reason above it.
lint: $(STAMP_LINT) $(SOLC_CMD) ## Static analysis (slither): no medium/high finding untriaged
	$(LINT_VENV)/bin/slither contracts --solc $(SOLC_CMD) --solc-standard-json \
	  --solc-args "--optimize --optimize-runs 20000" \
	  --solc-remaps "@openzeppelin/contracts=node_modules/@openzeppelin/contracts solady=node_modules/solady/src" \
	  --filter-paths "node_modules|contracts/test" \
	  --exclude-informational --exclude-low --exclude-optimization --fail-medium

gas: compile ## Ape's gas profile (`ape test --gas`) of the contracts driven through Ape's own API
	ANVIL_PRUNE_HISTORY=0 ape test tests/test_ape_native.py --gas

gas-breakdown: compile ## Opcode-level gas breakdown of the benchmarked router ops (GAS_OPS="1 hop", default router)
	python tools/gas_breakdown.py --ops "$(or $(GAS_OPS),router)" $(GAS_ARGS)

bench: compile ## Gas vs Uniswap V2 anchors, harness and model throughput (printed, reports/bench.json)
	ape run bench

clean: ## Remove build output and installed tools (keeps sources)
	rm -rf .build .tools .ape-data .cache $(VENV) $(LINT_VENV) node_modules .hypothesis .pytest_cache
