# Two entry points for a fresh machine: `make chat` (try the bot) and `make test` (all checks).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat run test lint bench messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

chat: $(STAMP)
	$(BIN)/python -m bot chat $(ARGS)

run: $(STAMP)
	$(BIN)/python -m bot run

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy bot tests bench
	$(BIN)/python -m bot packs check

test: lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/delivery.py
	$(BIN)/python bench/reports.py

# Re-extract interface strings and merge them into every catalog; then translate the new ones.
messages: $(STAMP)
	$(BIN)/pybabel extract -F pyproject.toml --no-location --sort-output -w 99 \
		-k gettext -k ngettext:1,2 --project securebase-bot \
		--copyright-holder "Secure Base bot contributors" -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages -w 99 \
		--ignore-obsolete --no-fuzzy-matching
