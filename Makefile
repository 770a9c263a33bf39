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

.PHONY: run test install setup migrate seed serve clean

# Reinstalls only when the pinned dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

install: $(STAMP)

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_exercises
	$(PY) manage.py collectstatic --noinput --verbosity 0

# A local desktop install: debug on unless told otherwise (docker/helm run with it off).
run: export DJANGO_DEBUG ?= true
run: setup
	@echo "Workout API serving on http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs/)"
	exec $(VENV)/bin/daphne -b $(HOST) -p $(PORT) backend.config.asgi:application

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
