# Cadence: `make run` serves the demo, `make test` runs the whole suite.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
CADENCE := $(VENV)/bin/cadence
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTEST_ARGS ?=

.PHONY: run test install install-test browser redis loadtest bench screenshots clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	$(PY) -m compileall -q cli.py comp_engine okr_app reports
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test browser redis

# Browser tests drive Debian's chromium through Playwright; Playwright cannot download its own browser here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else echo "chromium is missing: sudo apt-get install -y chromium poppler-utils" >&2; exit 1; fi; }

# The throttling tests start a real redis-server (Debian's package) on a free port.
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; \
	  else echo "redis-server is missing: sudo apt-get install -y redis-server" >&2; exit 1; fi; }

run: install
	$(CADENCE) init
	$(CADENCE) demo --if-empty
	$(CADENCE) serve --host $(HOST) --port $(PORT)

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

loadtest: install-test
	$(PY) bench/loadtest.py

$(VENV)/.installed-bench: $(VENV)/.installed-test pyproject.toml
	$(PIP) install -q -e '.[bench]'
	touch $@

bench: install-test $(VENV)/.installed-bench
	$(PY) bench/payout.py
	$(PY) bench/statements.py
	$(PY) bench/queries.py
	$(PY) bench/pages.py

clean:
	rm -rf $(VENV) instance .pytest_cache
