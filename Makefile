# kpitools: set-up, reports and checks. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PYTHON := $(VENV)/bin/python
# Written after a successful install; pip runs again only when pyproject.toml
# is newer than this file.
INSTALL_STAMP := $(VENV)/.kpitools-install-stamp
# The first interpreter found that is Python 3.11 or newer creates the venv.
PYTHON_CANDIDATES := python3.13 python3.12 python3.11 python3
SAMPLE_DATA := data/sample
SAMPLE_REPORTS := reports/sample

.PHONY: help install report test lint format clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) \
		| awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(PYTHON):
	@found=""; \
	for candidate in $(PYTHON_CANDIDATES); do \
		if command -v $$candidate >/dev/null 2>&1 \
			&& $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
			>/dev/null 2>&1; then found=$$candidate; break; fi; \
	done; \
	if [ -z "$$found" ]; then \
		echo "No Python 3.11 or newer found (tried: $(PYTHON_CANDIDATES))." \
			"Install one and run make again." >&2; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$found ($$($$found --version))"; \
	$$found -m venv $(VENV)

$(INSTALL_STAMP): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	@touch $(INSTALL_STAMP)

install: $(INSTALL_STAMP) ## create .venv if needed and install kpitools with test tools

report: $(INSTALL_STAMP) ## build every sample store's report and print the index page
	@# kpitools report prints the path of the index page as its last line.
	$(VENV)/bin/kpitools report $(SAMPLE_DATA) --out $(SAMPLE_REPORTS)

test: $(INSTALL_STAMP) ## unit tests, nbval on the notebooks, ruff check and format check
	@status=0; \
	$(VENV)/bin/pytest || status=1; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/ruff format --check . || status=1; \
	exit $$status

lint: $(INSTALL_STAMP) ## ruff check and format check, no tests
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(INSTALL_STAMP) ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean: ## remove generated reports and caches (keeps .venv)
	find reports -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .mypy_cache .hypothesis build dist
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
