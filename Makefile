# The two commands that matter: `make run` and `make test`. Everything else is a helper.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest migrate package purge playground diagram bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

## run: serve the bot on port 3978 (local mode with no configuration)
run: $(VENV)/.runtime
	$(BIN)/python -m app migrate
	$(BIN)/python -m app serve

## test: lint, type-check and run the whole test suite
test: $(VENV)/.dev lint typecheck pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy .

pytest: $(VENV)/.dev
	$(BIN)/python -m pytest

migrate: $(VENV)/.runtime
	$(BIN)/python -m app migrate

## package: build the Teams app zip for upload
package: $(VENV)/.dev
	$(BIN)/python -m manifest.build

## purge: delete what the retention settings say is due
purge: $(VENV)/.runtime
	$(BIN)/python -m app purge

## playground: the Microsoft 365 Agents Playground against the local bot (run `make run` first)
playground:
	TEAMSAPPTESTER_BROWSER=none npx -y @microsoft/m365agentsplayground@0.2.28 start \
		-e http://127.0.0.1:3978/api/messages -c msteams

## diagram: regenerate docs/referral-flow.md from the step table
diagram: $(VENV)/.runtime
	$(BIN)/python -m dialogs.referral.diagram > docs/referral-flow.md

bench: $(VENV)/.dev
	$(BIN)/python scripts/bench_turns.py
	$(BIN)/python scripts/bench_faq.py

clean:
	rm -rf $(VENV) dist .mypy_cache .ruff_cache .pytest_cache
