# Two commands do everything on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Compile bytecode at install: this machine sets PYTHONDONTWRITEBYTECODE, and imports
# are about twice as slow without .pyc files.
export UV_COMPILE_BYTECODE := 1
UV := $(PYTHON) -m uv

.PHONY: install system-deps system-deps-prometheus test test-fast screenshots demo lint bench clean

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install -q uv
	@test -x $(PY) || $(UV) venv -q $(VENV) --python $(PYTHON)
	$(UV) pip install -q --python $(PY) -c constraints.txt -e '.[dev,fast]'
	@touch $@

install: $(VENV)/.installed

# The browser tests drive Debian's Chromium (never a downloaded Playwright browser).
CHROMIUM ?= /usr/bin/chromium
system-deps: system-deps-prometheus
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "missing $(CHROMIUM): install it with 'sudo apt-get install -y chromium'" \
		     "(the browser tests fail without it)"; \
	fi

# The operations tests run Debian's Prometheus (prometheus, promtool) on loopback.
PROMETHEUS ?= /usr/bin/prometheus
system-deps-prometheus:
	@if [ -x $(PROMETHEUS) ] && command -v promtool >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's prometheus for the operations tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends prometheus) \
		|| echo "could not install prometheus: the operations tests (tests/ops) fail under" \
		        "CI and are skipped otherwise"; \
	else \
		echo "missing $(PROMETHEUS): install it with 'sudo apt-get install -y prometheus'" \
		     "(the operations tests in tests/ops fail under CI and are skipped otherwise)"; \
	fi

test: install system-deps
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not slow"

# The README's dashboard screenshots: the browser tests, with their screenshots written to
# reports/screenshots/ (a plain test run writes them to a temporary folder).
screenshots: install system-deps
	$(PY) -m pytest tests/dashboard/test_browser.py -p no:cacheprovider --screenshots reports/screenshots

demo: install
	$(VENV)/bin/creditwatch demo

lint: install
	$(VENV)/bin/ruff check lib tests benchmarks
	$(VENV)/bin/mypy

# Each benchmark compares its contenders side by side in one run and rewrites its own
# section of benchmarks/RESULTS.md. The PostgreSQL ones use TEST_DATABASE_URL's server.
BENCHMARKS := bench_scoring bench_store bench_api bench_workers bench_drift bench_drift_history \
              bench_analytics bench_dashboard
bench: install
	@for b in $(BENCHMARKS); do echo "== $$b"; $(PY) benchmarks/$$b.py || exit 1; done

bench-%: install
	$(PY) benchmarks/bench_$*.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
