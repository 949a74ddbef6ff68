# Two commands for a newcomer: `make run` (demo on SQLite) and `make test` (the whole suite).
# The oldest Python Coalition supports (pyproject.toml's requires-python and the image agree; a test checks).
PYTHON_MIN := 3.12
# PYTHON=/path/to/python3.x chooses the interpreter; otherwise the newest of these that runs and is new enough.
PYTHON_CANDIDATES := python3.13 python3.12 python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PIP_QUIET := --quiet --disable-pip-version-check

.PHONY: run test lint fuzz bench profile setup translations clean-venv

NEW_ENOUGH := import sys; sys.exit(sys.version_info < tuple(map(int, "$(PYTHON_MIN)".split("."))))
define NO_PYTHON
Coalition needs Python $(PYTHON_MIN) or newer: $(if $(PYTHON),$(PYTHON) is older or does not run.,none of $(PYTHON_CANDIDATES) runs here and is new enough.)
Get one, then run make again (or name it: make PYTHON=/path/to/python3.12 ...):
  Debian 13 (trixie), Ubuntu 24.04:  sudo apt install python3.12-venv   (or python3.13-venv)
  pyenv:                             pyenv install 3.12 && PYENV_VERSION=3.12 make ...
  older Ubuntu:                      the deadsnakes PPA (python3.12-venv)
  uv:                                uv python install 3.12 && make PYTHON="$$(uv python find 3.12)" ...
endef
export NO_PYTHON

# A venv made by an older Python (3.11 before the floor moved), or whose Python is gone, is made again.
STALE_VENV := $(shell { [ -e $(BIN)/python ] || [ -L $(BIN)/python ]; } && ! $(BIN)/python -c '$(NEW_ENOUGH)' \
	2>/dev/null && echo yes)
ifeq ($(STALE_VENV),yes)
.PHONY: $(BIN)/python $(VENV)/.installed $(VENV)/.installed-dev
endif

# pyenv's shims exist for every version but fail unless that version is active: a candidate must run.
$(BIN)/python:
	@python="$(PYTHON)"; \
	if [ -z "$$python" ]; then \
		for candidate in $(PYTHON_CANDIDATES); do \
			if $$candidate -c '$(NEW_ENOUGH)' 2>/dev/null; then python=$$candidate; break; fi; \
		done; \
	fi; \
	if [ -z "$$python" ] || ! "$$python" -c '$(NEW_ENOUGH)' 2>/dev/null; then echo "$$NO_PYTHON" >&2; exit 1; fi; \
	if [ "$(STALE_VENV)" = yes ]; then \
		echo "$(VENV) was made with a Python older than $(PYTHON_MIN) (or one no longer here): making it again"; \
		rm -rf $(VENV); \
	fi; \
	echo "Making $(VENV) with $$python ($$("$$python" -V))"; \
	"$$python" -m venv $(VENV)
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

# axe-core and Lighthouse (accessibility and SEO checks in the browser tests) come from the npm registry when npm
# is here; the stamp reinstalls them when package.json or package-lock.json changes.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm install --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: the axe-core and Lighthouse checks will be skipped"; fi

# Parallel workers (pytest-xdist), each on its own database; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 3

test: $(VENV)/.installed-dev translations node_modules/.installed
	TEST_DATABASE_URL= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal
	@if [ -n "$(TEST_DATABASE_URL)" ]; then \
		echo "Running the suite again on $(TEST_DATABASE_URL)"; \
		TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal; \
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

# A flame graph of one endpoint under load (py-spy sampling gunicorn's workers) in bench/profiles/:
# make profile ENDPOINT=/incidents/ AS=member [FIRST=1] [BENCH_INCIDENTS=…] (docs/performance.md).
profile: $(VENV)/.installed-dev translations
	ENDPOINT="$(ENDPOINT)" AS="$(AS)" FIRST="$(FIRST)" $(BIN)/python -m bench.profile

clean-venv:
	rm -rf $(VENV)
