# Two commands for a fresh machine: `make demo` and `make test`. Everything lands in .venv.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The first Python 3.11+ on PATH; override with `make PYTHON=/path/to/python3.12`.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)

# One test worker more than there are cores: the tests wait on their servers and subprocesses
# much of the time (on 2 cores the suite took 344 s with 2 workers, 272 s with 3).
WORKERS ?= $(shell $(PYTHON) -c 'import os; print((os.cpu_count() or 1) + 1)')

.PHONY: demo test lint typecheck unit openapi messages catalogs bench clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "selfcare-tui needs Python 3.11 or newer on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[server,test]'
	@touch $(STAMP)

# `make demo AS=agent` opens the support agents' desk instead of maria's accounts.
AS ?= maria

demo: $(STAMP) catalogs
	$(BIN)/selfcare demo --as $(AS)

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks hatch_build.py
	$(BIN)/ruff format --check src tests benchmarks hatch_build.py
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) catalogs
	bash scripts/ensure-secret-service.sh || test $$? -eq 77  # 77: cannot install; the test says why
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup  # each test has its own port and database

openapi: $(STAMP)
	$(BIN)/selfcare server openapi > docs/openapi.json

# The translations template, src/selfcare_tui/i18n/locale/selfcare.pot: every _() message and
# every help text of the command line; merged into each language's catalog (.po).
messages: $(STAMP)
	$(BIN)/python -m selfcare_tui.i18n.extract

# The compiled catalogs (.mo, not in git) of those changed since the install compiled them.
catalogs: $(STAMP)
	$(BIN)/python -m selfcare_tui.i18n.catalogs

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_server.py
	$(BIN)/python benchmarks/bench_billing.py
	$(BIN)/python benchmarks/bench_tui.py
