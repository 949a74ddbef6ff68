# Two commands for a newcomer: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PIP_QUIET := --quiet --disable-pip-version-check

.PHONY: run test lint fuzz bench setup translations clean-venv

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Coalition needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_QUIET) --upgrade pip

# Stamps: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_QUIET) -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_QUIET) -e '.[dev]'
	@touch $@ $(VENV)/.installed

setup: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(FLASK) translate compile

# Links in emails point at the address served here unless PUBLIC_URL says otherwise.
run: export PUBLIC_URL ?= http://$(HOST):$(PORT)
run: setup
	@report=$$($(FLASK) check --only pdf,fonts 2>&1) || { echo "$$report"; \
		echo "The demo starts anyway; PDFs of letters and briefs answer 503 until the packages above are installed."; }
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo
	@echo "Coalition is starting on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@echo "Sign in at http://$(HOST):$(PORT)/sign-in with an account from instance/demo-credentials.txt."
	@echo "Emails are printed here (follow reset and invitation links from here); admins read them, secret links"
	@echo "redacted, at http://$(HOST):$(PORT)/admin/outbox/"
	@echo
	$(FLASK) run --host $(HOST) --port $(PORT)

# axe-core (accessibility checks in the browser tests) comes from the npm registry when npm is here.
node_modules/axe-core/axe.min.js: package.json
	@if command -v npm >/dev/null; then npm install --silent --no-audit --no-fund; \
	else echo "npm not found: the accessibility checks will be skipped"; fi

# Parallel workers (pytest-xdist), each on its own database; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 3

test: $(VENV)/.installed-dev translations node_modules/axe-core/axe.min.js
	TEST_DATABASE_URL= $(BIN)/python -m pytest -n $(TEST_WORKERS)
	@if [ -n "$(TEST_DATABASE_URL)" ]; then \
		echo "Running the suite again on $(TEST_DATABASE_URL)"; \
		TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python -m pytest -n $(TEST_WORKERS); \
	fi

# ruff: the house format and lint rules (pyproject.toml); CI refuses code that is not clean.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# Schemathesis against the JSON API on SQLite, and on PostgreSQL too when TEST_DATABASE_URL names a server.
fuzz: $(VENV)/.installed-dev
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python -m tests.fuzz.run

# The performance benchmark (docs/performance.md); BENCH_INCIDENTS, BENCH_DURATION... set its scale and length.
bench: setup
	$(BIN)/python -m bench.run

clean-venv:
	rm -rf $(VENV)
