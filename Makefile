# The two commands of README.md: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint install messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: set up, migrate an SQLite database under var/, load demo content once, serve on 127.0.0.1:8000
run: $(STAMP)
	$(BIN)/hongshu run

## test: set up and run every suite this machine can run (STRICT=1: a suite that cannot run is a failure)
test: $(STAMP)
	$(BIN)/python scripts/run_suites.py $(if $(STRICT),--strict,)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src
	$(BIN)/lint-imports  # the app contracts of pyproject.toml [tool.importlinter]
	MYPYPATH=bench $(BIN)/mypy bench/hongshu_bench  # the benchmark generator, outside the package

## messages: refresh the gettext catalogs after changing user-facing strings
messages: $(STAMP)
	cd src/hongshu && env -u DJANGO_SETTINGS_MODULE ../../$(BIN)/python -m django makemessages -l zh_Hans --no-obsolete --no-location
	cd src/hongshu && env -u DJANGO_SETTINGS_MODULE ../../$(BIN)/python -m django compilemessages

clean:
	rm -rf $(VENV) var
