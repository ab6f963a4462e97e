# onestory: two commands set everything up on a fresh machine.
#   make demo   - virtual environment, install, migrate SQLite under var/, load the synthetic
#                 local authority (once), serve http://127.0.0.1:8000
#   make test   - the whole test suite (DATABASE_URL chooses the database; default SQLite)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ONESTORY := $(BIN)/onestory
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
DEMO_SCALE ?= 1
DEMO_SEED ?= 2014

.PHONY: demo test install lint bench frontend browsers clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings.local $(ONESTORY) migrate --no-input
	DJANGO_SETTINGS_MODULE=config.settings.local $(ONESTORY) synth --scale $(DEMO_SCALE) --seed $(DEMO_SEED) --if-empty
	DJANGO_SETTINGS_MODULE=config.settings.local $(ONESTORY) find_duplicates
	DJANGO_SETTINGS_MODULE=config.settings.local $(ONESTORY) demo_users
	DJANGO_SETTINGS_MODULE=config.settings.local $(ONESTORY) runserver 127.0.0.1:8000

# Chromium for the browser tests, from Debian (`playwright install` cannot download here).
# Needs root; without it the browser tests are skipped, saying why (CI always installs it).
browsers:
	@command -v chromium >/dev/null 2>&1 || (echo "Installing Chromium for the browser tests (Debian package)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation) \
	  || echo "Could not install Chromium: browser tests will be skipped")

# pytest exits 5 when it collects no tests; say so loudly, and fail.
define pytest_must_run
	$(BIN)/pytest $(1); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make: pytest collected no tests in: $(1)" >&2; fi; \
	exit $$status
endef

# PYTEST_WORKERS: pytest-xdist processes (0: one process). Measured on the 2-core machines
# (Nov 2026, 470 tests, other jobs running): one process 35 s wall / 26 s CPU on SQLite, 42 s / 33 s on PostgreSQL;
# -n 2 took 58 s and 73 s, because each worker pays ~5-7 s of Django set-up and migrations and
# the CPU total grows by half. Worth turning on once the suite runs for minutes.
PYTEST_WORKERS ?= 0

# Two pytest calls: the browser tests keep an event loop in the test thread, which needs
# DJANGO_ALLOW_ASYNC_UNSAFE for the whole process; the rest of the suite keeps Django's check.
test: install browsers
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(call pytest_must_run,-n $(PYTEST_WORKERS) --ignore=tests/browser)
	$(call pytest_must_run,tests/browser)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m bench

frontend:
	bash frontend/build.sh

clean:
	rm -rf $(VENV) var *.egg-info
