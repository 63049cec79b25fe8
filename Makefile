# Two commands on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STAMP_TEST := $(VENV)/.installed-test
# stockpyl ships textbook instances (Snyder & Shen); its solver needs old NumPy, so no deps.
STOCKPYL := stockpyl==1.0.2

.PHONY: run test install install-test bench browser lock clean docs

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $@

$(STAMP_TEST): $(STAMP)
	$(BIN)/pip install -q -c constraints.txt -e '.[test,bench]'
	$(BIN)/pip install -q --no-deps $(STOCKPYL)
	touch $@

install: $(STAMP)
install-test: $(STAMP_TEST)

run: $(STAMP)
	$(BIN)/allyforge run china-export-ban-2026 --pack us-japan-2026 --compare as-of-2026-01

test: $(STAMP_TEST)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# Headless Chromium from Debian for the browser tests (Playwright drives /usr/bin/chromium).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

bench: $(STAMP_TEST)
	$(BIN)/python -m benchmarks

docs: $(STAMP)
	$(BIN)/python -m allyforge.schema.docgen > docs/pack-format.md

lock: $(BIN)/python
	$(BIN)/pip install -q -e '.[test,bench]'
	$(BIN)/pip freeze --exclude-editable | grep -v '^stockpyl' > constraints.txt

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
