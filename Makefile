# Leverage: `make run` serves the app, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed

.PHONY: run test bench translations clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## Create the environment, upgrade the database, seed the demo union when empty, serve on 127.0.0.1:$PORT (5000).
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) serve --host 127.0.0.1

## Every test: unit, service, view, migration and browser tests (PostgreSQL too when LEVERAGE_TEST_DATABASE_URL is set).
# One worker per core (pytest-xdist; each worker has its own database); idle workers take queued tests.
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist worksteal $(PYTEST_ARGS)

## Extract every marked string (babel.cfg), merge it into each language's catalogue, compile the catalogues.
## New and changed strings come out empty or fuzzy: translate them in translations/<lang>/LC_MESSAGES/messages.po and run it again.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k lazy_ngettext:1,2 -c TRANSLATORS: \
		--ignore-dirs=".* __pycache__" \
		--add-location=file --sort-by-file --project=Leverage --version=0.1 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --previous --ignore-obsolete
	$(BIN)/pybabel compile -d translations --statistics

bench: $(STAMP)
	$(BIN)/python bench/crypto.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
