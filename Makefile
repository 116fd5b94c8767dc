# Two commands matter: `make run` (the tracker, embedded SQLite) and `make test` (everything).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(shell command -v uv 2>/dev/null)
STAMP := $(VENV)/.installed
PG := scripts/postgres-test-server.sh
PYTEST_ARGS ?=

.PHONY: run demo test lint typecheck pytest test-reliability bench bench-ingest bench-api bench-alerts \
        bench-understanding bench-startup eval train test-infra test-deploy checkov airflow-dev clean db-upgrade venv

$(STAMP): pyproject.toml
	@if [ -z "$(UV)" ]; then $(PYTHON) -m pip install -q --disable-pip-version-check uv; fi
	@uv venv -q --allow-existing -p $(PYTHON) $(VENV)
	uv pip install -q --compile-bytecode -p $(VENV) -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

## The tracker at http://127.0.0.1:8000 with sample news loaded and live collection.
run: $(STAMP)
	$(BIN)/nba-tracker serve --demo

db-upgrade: $(STAMP)
	$(BIN)/nba-tracker db upgrade

lint: $(STAMP)
	$(BIN)/ruff check src tests bench training airflow infra/scripts
	$(BIN)/ruff format --check src tests bench training airflow infra/scripts
	$(BIN)/lint-imports  # the layers of docs/architecture.md (contracts in pyproject.toml)

typecheck: $(STAMP)
	$(BIN)/mypy

## Every test: lint, types, unit, PostgreSQL, moto, browser, Airflow, Terraform, reliability,
## and the deployment test, which runs beside the rest (it mostly waits on Terraform).
test: $(STAMP)
	@$(MAKE) --no-print-directory lint typecheck
	@# Every test server and CLI run is a new process. With PYTHONDONTWRITEBYTECODE set (as
	@# on CI machines) each would recompile the package on start; compiled once here, it loads.
	@$(BIN)/python -m compileall -q -j 0 src >/dev/null
	@scripts/test-setup.sh
	@mkdir -p build
	@$(BIN)/pytest tests/deploy -p no:cacheprovider --basetemp=build/test-deploy -q >build/test-deploy.log 2>&1 & deploy=$$!; \
	  NBA_TRACKER_TEST_PG_URL=$$($(PG) start) $(BIN)/pytest --ignore=tests/deploy $(PYTEST_ARGS); rest=$$?; \
	  wait $$deploy; deployed=$$?; \
	  echo "--- make test-deploy (ran beside the suite above) ---"; cat build/test-deploy.log; \
	  [ $$rest -eq 0 ] && [ $$deployed -eq 0 ]

## environments/dev applied to a moto server, the operations guide run on it, prod planned,
## everything destroyed (docs/deploy.md, "Testing the deployment").
test-deploy: $(STAMP)
	$(BIN)/pytest tests/deploy -p no:cacheprovider --basetemp=build/test-deploy $(PYTEST_ARGS)

pytest: $(STAMP)
	NBA_TRACKER_TEST_PG_URL=$$($(PG) start) $(BIN)/pytest $(PYTEST_ARGS)

test-reliability: $(STAMP)
	@scripts/test-setup.sh
	NBA_TRACKER_TEST_PG_URL=$$($(PG) start) $(BIN)/pytest tests/reliability $(PYTEST_ARGS)

test-infra: $(STAMP)
	$(BIN)/pytest tests/infra $(PYTEST_ARGS)

checkov:
	scripts/checkov.sh

## Figures of the understanding layer on the labelled corpus (needs ../shared/corpus).
eval: $(STAMP)
	$(BIN)/python bench/eval_understanding.py
	$(BIN)/python bench/eval_league_log.py

## Fit the shipped classifier on the labelled corpus's development rows.
train: $(STAMP)
	$(BIN)/python training/train.py

bench: bench-ingest bench-understanding bench-api

bench-ingest: $(STAMP)
	NBA_TRACKER_TEST_PG_URL=$$($(PG) start) $(BIN)/python bench/bench_ingest.py

## Alerts: 1,000 subscriptions, a collection making 100 stories; commit to receipt, and the
## collection's own time with and without them.
bench-alerts: $(STAMP)
	NBA_TRACKER_TEST_PG_URL=$$($(PG) start) $(BIN)/python bench/bench_alerts.py

## The CLI's import time alone: --help and parse FILE (budget 0.25 s each)
bench-startup: $(STAMP)
	$(BIN)/python bench/bench_peers.py --import-only

bench-understanding: $(STAMP)
	$(BIN)/python bench/bench_understanding.py

## The tracker's collection beside newsboat and the reader library on 40 real feeds
## (needs ../shared/corpus). Installs both peers: newsboat from apt, reader in .venvs/peers.
.PHONY: bench-peers
bench-peers: $(STAMP)
	@command -v newsboat >/dev/null || { [ "$$(id -u)" = 0 ] && \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends newsboat >/dev/null; } \
	  || { echo "bench-peers needs newsboat (apt-get install newsboat, as root)" >&2; exit 1; }
	@uv venv -q --allow-existing -p $(PYTHON) .venvs/peers
	@uv pip install -q --compile-bytecode -p .venvs/peers reader sgmllib3k
	$(BIN)/python bench/bench_peers.py --reader-python .venvs/peers/bin/python --newsboat "$$(command -v newsboat)"

bench-api: $(STAMP)
	@scripts/test-setup.sh
	NBA_TRACKER_TEST_PG_URL=$$($(PG) start) $(BIN)/python bench/bench_api.py

## A local Airflow (standalone, Airflow 3) running these DAGs against a local tracker.
airflow-dev: $(STAMP)
	scripts/airflow-dev.sh

clean:
	rm -rf $(VENV) .venvs .pytest_cache .mypy_cache .ruff_cache
