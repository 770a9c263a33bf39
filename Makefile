# Two commands: `make run` and `make test`. Everything else here supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
DATA_DIR ?= $(CURDIR)/var
export DATA_DIR

.PHONY: run test install setup clean bench bench-live bench-store bench-api bench-soak frontend

# Reinstalls only when the pinned dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

install: $(STAMP)

# The PWA (frontend/): `npm ci` again only when the lockfile changes, a build only when its sources,
# its dependencies or the API it is typed against change. Django serves frontend/dist at /.
NODE_STAMP := frontend/node_modules/.installed-stamp
FRONTEND_STAMP := frontend/dist/.build-stamp
FRONTEND_SOURCES := $(shell find frontend/src frontend/public frontend/scripts -type f ! -name schema.d.ts 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json
API_SOURCES := backend/api.py $(shell find backend -name '*.py' \( -path '*/schemas*' -o -path '*/routers*' -o -name 'router.py' \) 2>/dev/null)

$(NODE_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(FRONTEND_STAMP): $(STAMP) $(NODE_STAMP) $(FRONTEND_SOURCES) $(API_SOURCES)
	cd frontend && PYTHON=$(CURDIR)/$(PY) npm run --silent build
	touch $@

frontend: $(FRONTEND_STAMP)

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_exercises
	$(PY) manage.py collectstatic --noinput --verbosity 0

# A local desktop install: debug on unless told otherwise (docker/helm run with it off).
run: export DJANGO_DEBUG ?= true
run: setup frontend
	@echo "Workout API serving on http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs/)"
	exec $(VENV)/bin/daphne -b $(HOST) -p $(PORT) backend.config.asgi:application

test: install frontend
	cd frontend && npm test --silent
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks print figures measured in one run; they never fail on a number.
bench-store: install
	$(PY) bench/embedded_store.py

bench-live: install
	$(PY) bench/live.py --watchers 500 --sets 100

bench-api: install
	@command -v wrk >/dev/null || { echo "bench-api needs wrk: apt-get install -y wrk"; exit 1; }
	$(PY) bench/api_load.py

bench-soak: install
	$(PY) bench/soak.py --athletes 50 --seconds 120

bench: bench-store bench-api bench-live bench-soak

clean:
	rm -rf $(VENV) staticfiles .pytest_cache frontend/dist frontend/node_modules test-artifacts
