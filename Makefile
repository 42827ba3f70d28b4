# The two commands of the README: `make render` and `make test`. Both set up what they need.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup setup-test render test lint schema
setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

render: setup
	$(BIN)/vizspec render all

test: setup-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/vizspec check all
	$(BIN)/python -m pytest -n 2

schema: setup
	$(BIN)/vizspec schema
