# The two commands: `make demo` and `make test`. Everything else is a helper for them.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SEEKERS ?= 3000
DEMO_ENTERPRISES ?= 200

.PHONY: venv demo serve test lint fix clean

$(BIN)/jobbridge: pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

venv: $(BIN)/jobbridge

# A development instance: debug pages, plain HTTP, the published demo accounts. Production (no
# JOBBRIDGE_DEBUG) is the settings' default; README.md "Serving" says how to run one.
demo: export JOBBRIDGE_DEBUG = 1
demo: venv
	$(BIN)/jobbridge migrate --no-input -v0
	$(BIN)/jobbridge demo --seekers $(DEMO_SEEKERS) --enterprises $(DEMO_ENTERPRISES)
	$(BIN)/jobbridge match run
	$(BIN)/jobbridge runserver $(HOST):$(PORT)

test: venv
	$(BIN)/pytest -n 2 --dist loadfile

lint: venv
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy  # files and strictness: [tool.mypy] in pyproject.toml

fix: venv
	$(BIN)/ruff check --fix src tests bench scripts
	$(BIN)/ruff format src tests bench scripts

clean:
	rm -rf $(VENV) var
