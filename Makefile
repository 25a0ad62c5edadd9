# uapress — `make all` builds every edition, `make test` runs the tests.
# Every target bootstraps .venv when it is absent or older than pyproject.toml; `make all` installs
# only what a build needs, `make test` adds the test tools and runs the linters before the tests.

PYTHON ?= python3
VENV ?= .venv
PYTEST_ARGS ?=

PY := $(VENV)/bin/python
UAPRESS := $(VENV)/bin/uapress
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

.DEFAULT_GOAL := all
.PHONY: all test lint check proofs bench clean distclean system-build system-test

all: system-build $(STAMP)
	$(UAPRESS) build --wait

# The linter, the formatter's check and the type checker first: they answer in seconds, the suite in minutes.
test: system-test $(TEST_STAMP) lint
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check src tests scripts
	$(VENV)/bin/ruff format --check src tests scripts
	$(VENV)/bin/mypy

check: $(STAMP)
	$(UAPRESS) check

proofs: system-build $(STAMP)
	$(UAPRESS) build --proof --wait

bench: system-build $(BENCH_STAMP)
	$(PY) scripts/bench.py

# System packages: --build needs only Pango/fontconfig; the tests need the real
# clients too (Chromium, LibreOffice, poppler, gettext) and fail without them.
system-build:
	bash scripts/setup-system.sh --build

system-test:
	bash scripts/setup-system.sh --test

# One rule creates the venv, so `make -j all test` installs once; two `make`
# runs at once (two terminals) take turns through flock on $(VENV_LOCK), and the
# second finds the venv made. Uses python3.11 when PYTHON is the default and
# python3.11 works; keeps an existing working venv and upgrades nothing beyond
# what pyproject.toml asks for.
VENV_LOCK := .venv.lock
$(STAMP): pyproject.toml
	@flock '$(VENV_LOCK)' sh -c '\
	    if [ -f "$@" ] && [ "$@" -nt pyproject.toml ]; then exit 0; fi; \
	    if ! $(PY) -c "" >/dev/null 2>&1; then \
	        py="$(PYTHON)"; \
	        if [ "$$py" = python3 ] && python3.11 -c "" >/dev/null 2>&1; then py=python3.11; fi; \
	        echo "$$py -m venv $(VENV)"; \
	        "$$py" -m venv --clear "$(VENV)" || exit 1; \
	    fi; \
	    echo "$(PY) -m pip install -e ."; \
	    $(PY) -m pip install -e . && touch "$@"'

# The test tools (pytest, Playwright, ruff, mypy, import-linter) only for `make test`: a build needs none of them.
$(TEST_STAMP): $(STAMP)
	flock '$(VENV_LOCK)' $(PY) -m pip install -e '.[test]'
	touch $@

$(BENCH_STAMP): $(STAMP)
	flock '$(VENV_LOCK)' $(PY) -m pip install -e '.[bench]'
	touch $@

clean:
	rm -rf build

distclean: clean
	rm -rf $(VENV) $(VENV_LOCK)
