# The two commands a new user needs: `make run` and `make test`. Everything installs itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint typecheck openapi openapi-check bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (set PYTHON=python3.11)"; exit 1; }
	@test -x $(BIN)/python || { echo "First run: creating $(VENV) and installing (about a minute)..."; \
		$(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

## Start the service on the embedded SQLite file with the demo municipality (http://127.0.0.1:8000/docs),
## sending webhooks from a thread of the server
run: $(STAMP)
	$(BIN)/styrkedja serve --dev --dispatch

## Run the whole test suite (SQLite always; PostgreSQL too when STYRKEDJA_TEST_POSTGRES_URL is set)
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/python -m ruff check app tests bench migrations
	$(BIN)/python -m ruff format --check app tests bench migrations

typecheck: $(STAMP)
	$(BIN)/python -m mypy

## Regenerate the committed OpenAPI document
openapi: $(STAMP)
	$(BIN)/styrkedja openapi --output openapi/openapi.json

openapi-check: $(STAMP)
	$(BIN)/python -m pytest -q tests/api/test_openapi.py

## Run the benchmarks (PostgreSQL at STYRKEDJA_BENCH_POSTGRES_URL, default the local server)
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
