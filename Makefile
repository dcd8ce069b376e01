# planport: two entry points, each sets up .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# mypy cannot follow the editable install's folder mapping (core/ -> planport.core, ...),
# so it reads the package through a tree of links laid out as it is installed.
TYPECHECK := $(VENV)/typecheck
# Mozilla's ical.js (Thunderbird's parser), an independent iCalendar reader for the tests.
ICALJS_VERSION := 2.2.1
ICALJS := .node/node_modules/ical.js/.planport-$(ICALJS_VERSION)

.PHONY: demo test lint typecheck browser bench clean

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

test: lint typecheck $(ICALJS) browser
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	rm -rf $(TYPECHECK) && mkdir -p $(TYPECHECK)/planport
	ln -s $(CURDIR)/api/__init__.py $(TYPECHECK)/planport/__init__.py
	for d in core exporters schemas; do ln -s $(CURDIR)/$$d $(TYPECHECK)/planport/$$d; done
	cd $(TYPECHECK) && MYPYPATH=. $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p planport

# The HTML page's browser tests drive Debian's chromium through Playwright (`playwright
# install` downloads a browser build, which cannot work here). Liberation Sans has Arial's
# metrics, so printed page counts come out alike everywhere. Installed when missing if we
# are root with apt-get; otherwise those tests skip and say why.
CHROMIUM := /usr/bin/chromium
PAGE_FONT := /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf

browser:
	@if [ -x $(CHROMIUM) ] && [ -f $(PAGE_FONT) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium and fonts-liberation for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null) \
			|| echo "planport: could not install chromium; the browser tests will skip"; \
	else \
		echo "planport: $(CHROMIUM) is missing and installing it needs root (apt-get install chromium fonts-liberation); the browser tests will skip"; \
	fi

# Every figure of bench/RESULTS.md from one run (about an hour on a 2-core machine: the
# 20,000-athlete roster for peak memory is most of it; `bench/batch.py --memory 1000` is quicker).
bench: $(STAMP)
	$(BIN)/python bench/batch.py
	$(BIN)/python bench/fit_encoder.py

clean:
	rm -rf $(VENV) .node out .pytest_cache .mypy_cache .ruff_cache tests/artifacts
