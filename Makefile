# Newsroom's command index: `make help` lists every target.
# Each target says what it is doing, is safe to run twice, and is quick the second time.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The settings read the environment only: tools/devenv.py supplies the checkout's own
# database and Redis (unless DATABASE_URL or REDIS_URL is set) to the commands that need them.
DEVENV := $(PYTHON) -m tools.devenv
MANAGE := $(DEVENV) $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make test` and `make test-fast`: one per core.
TEST_WORKERS ?= auto

# Local commands run in development mode (see README: Configuration).
export NEWSROOM_ENV ?= development

.DEFAULT_GOAL := help
.PHONY: help system-deps install node-deps db db-stop db-status redis stop migrate content static run test test-fast \
        lint fmt check migrations-check bench screenshots lighthouse chaos backup restore \
        cluster cluster-stop cluster-status cluster-chaos

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

system-deps: ## Install missing Debian packages (PostgreSQL, Chromium) when run as root
	@bash tools/system-deps.sh

$(BIN)/.installed: pyproject.toml
	@echo "==> Creating the virtualenv and installing dependencies"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --quiet --editable ".[dev]"
	@touch $@

install: $(BIN)/.installed ## Create .venv and install the project and its dev tools

node_modules/.installed: package.json package-lock.json
	@echo "==> Installing the browser-test tools from npm (axe-core, vnu-jar)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node-deps: node_modules/.installed ## Install the npm tools the browser tests use

db: system-deps ## Start the private PostgreSQL cluster (skipped when DATABASE_URL is set)
	@if [ -n "$$DATABASE_URL" ]; then echo "==> Using DATABASE_URL"; \
	else echo "==> Starting the private database"; $(PYTHON) -m tools.localdb start; fi

db-stop: ## Stop the private PostgreSQL cluster
	@$(PYTHON) -m tools.localdb stop

db-status: ## Say whether the private cluster runs, where, and its URL
	@$(PYTHON) -m tools.localdb status

redis: system-deps ## Start the private Redis (skipped when REDIS_URL is set)
	@if [ -n "$$REDIS_URL" ]; then echo "==> Using REDIS_URL"; \
	else echo "==> Starting the private Redis"; $(PYTHON) -m tools.localredis start; fi

stop: ## Stop the HTTP cache, the private Redis and the private PostgreSQL cluster
	@$(PYTHON) -m tools.localcache stop --port $(PORT)
	@$(PYTHON) -m tools.localredis stop
	@$(PYTHON) -m tools.localdb stop

migrate: install db ## Apply database migrations
	@echo "==> Applying migrations"
	@$(MANAGE) migrate --no-input -v 0

content: migrate ## Load the fixture content and the labelled synthetic demo forecasts
	@echo "==> Loading fixture content"
	@$(MANAGE) load_content
	@$(MANAGE) seed_demo_forecasts

static: install ## Collect static files with hashed names
	@echo "==> Collecting static files"
	@$(MANAGE) collectstatic --no-input -v 0

run: content static redis ## Bring up the site (cache, app, database, Redis) on http://127.0.0.1:8000
	@socket=$$($(PYTHON) -m tools.localcache socket --port $(PORT)); \
	echo "==> Starting the HTTP cache (Varnish) on $(HOST):$(PORT) in front of gunicorn on $$socket, under supervisord"; \
	$(PYTHON) -m tools.localcache start --host $(HOST) --port $(PORT) --backend unix:$$socket && \
	echo "==> Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops the app and the cache)" && \
	trap '$(PYTHON) -m tools.localcache stop --port $(PORT)' EXIT && \
	HTTP_CACHE_PURGE_URLS=http://127.0.0.1:$(PORT)/ CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR \
	$(DEVENV) $(BIN)/python -m tools.supervision --socket $$socket

cluster: install static system-deps ## Two app nodes behind Varnish on :8000, Redis, a primary and a replica
	@$(BIN)/python -m tools.cluster start

cluster-stop: ## Stop every part of `make cluster`
	@$(BIN)/python -m tools.cluster stop

cluster-status: ## One JSON object: each part of the cluster, its pid, port and state
	@$(BIN)/python -m tools.cluster status

cluster-chaos: install static system-deps ## Faults on a throwaway cluster under load, and a table of what survived
	@$(BIN)/python -m tools.faults cluster $(CLUSTER_CHAOS_ARGS)

check: lint migrations-check ## Django's system check, missing migrations and the linter
	@echo "==> Running Django's system check"
	@$(MANAGE) check --fail-level WARNING

migrations-check: install db ## Fail when models changed without a migration
	@echo "==> Checking for missing migrations"
	@$(MANAGE) makemigrations --check --dry-run -v 0 || \
		(echo "Models changed without a migration: run makemigrations." && exit 1)

test: system-deps node-deps redis check ## Run the whole suite: the fast set and the system set
	@echo "==> Running the test suite on $(TEST_WORKERS) workers"
	@$(DEVENV) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

test-fast: install db redis ## Run the fast set only: every test but the system set (see README)
	@echo "==> Running the fast set on $(TEST_WORKERS) workers"
	@$(DEVENV) $(BIN)/pytest -m "not system" -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install ## Lint and check formatting with ruff
	@echo "==> Linting"
	@$(BIN)/ruff check --quiet .
	@$(BIN)/ruff format --check --quiet .

fmt: install ## Format and fix imports with ruff
	@$(BIN)/ruff check --fix --select I .
	@$(BIN)/ruff format .

bench: install db ## Benchmark against a large synthetic data set (see README: Benchmark)
	@$(BIN)/python -m tools.bench $(BENCH_ARGS)

screenshots: install db node-deps ## PNG screenshots of every page type into var/screenshots/
	@$(BIN)/python -m tools.screenshots

lighthouse: install db node-deps ## Lighthouse scores for the front page and a story
	@$(BIN)/python -m tools.lighthouse

chaos: install db ## Kill workers and restart PostgreSQL under load; check no write is lost
	@$(BIN)/python -m tools.faults one-node $(CHAOS_ARGS)

backup: install db ## Dump the database to var/backups/ (pg_dump, custom format)
	@$(BIN)/python -m tools.backup backup $(BACKUP_ARGS)

restore: install db ## Restore a dump: make restore FILE=var/backups/<name>.dump
	@$(BIN)/python -m tools.backup restore $(FILE)
