# planport: two entry points, each sets up .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean browser

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

test: $(STAMP) browser
	$(BIN)/python -m pytest

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

bench: $(STAMP)
	$(BIN)/python bench/batch.py

clean:
	rm -rf $(VENV) out .pytest_cache tests/artifacts
