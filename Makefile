# planport: two entry points, each sets up .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Mozilla's ical.js (Thunderbird's parser), an independent iCalendar reader for the tests.
ICALJS_VERSION := 2.2.1
ICALJS := .node/node_modules/ical.js/.planport-$(ICALJS_VERSION)

.PHONY: demo test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the project's metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/planport validate samples/plans/hip-2-weeks.json samples/library/hip-runners.yaml
	$(BIN)/planport export samples/plans/hip-2-weeks.json --to json,ics,fit,csv --out out/

$(ICALJS):
	npm install --no-save --no-audit --no-fund --loglevel=error --prefix .node ical.js@$(ICALJS_VERSION)
	touch $(ICALJS)

test: $(STAMP) $(ICALJS)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/batch.py

clean:
	rm -rf $(VENV) .node out .pytest_cache
