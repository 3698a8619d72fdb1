# ulm-servicepoint: `make run` serves the demo, `make test` runs every check. Both call setup.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian packages the project needs: gettext compiles the German catalogues; chromium (driven by
# Playwright, never downloaded) and npm (axe-core; oidc-provider for the sign-on tests) run the
# browser tests; dovecot-imapd and openssl give the e-mail tests a real IMAP server with TLS on
# loopback.
APT_PACKAGES := gettext chromium fonts-dejavu-core dovecot-imapd openssl
# the production-topology tests (make test-production) run Debian's PostgreSQL 15 server as a
# city's own database server would (a cluster of their own on a loopback port, removed after);
# the package's default cluster "main" is stopped and set to manual right after installation
APT_PACKAGES += postgresql
# Single sign-on (optional, README "Single sign-on"): python-ldap is built from source against
# libldap2-dev and libsasl2-dev (gcc, python3-dev); slapd and ldap-utils give the tests a real
# OpenLDAP directory on loopback. The system's own slapd service is not wanted: it is stopped
# and disabled right after its installation (the tests start their own).
APT_PACKAGES += gcc python3-dev libldap2-dev libsasl2-dev slapd ldap-utils
# npm comes with some Node.js builds; Debian's own package only where no npm is there
APT_PACKAGES += $(if $(shell command -v npm),,npm)
AXE := node_modules/axe-core/axe.min.js
PORT ?= 8000
# The tests without a browser run on worker processes, a module per worker, each with its own
# test database (three on two cores: many tests wait on a worker, a server or a clock; two took
# 197–212 s, three 157 s, four 181 s); the browser tests after them in one process with one Chromium (on two workers
# they were no faster: Chromium and the live server already keep both cores busy).
TEST_WORKERS ?= 3
# Commands and checks run with production settings; only the secret is a throwaway.
TEST_ENV := DJANGO_SETTINGS_MODULE=config.settings DEBUG=false SECRET_KEY=test-only-not-secret \
	SECURE_SSL_REDIRECT=false

.PHONY: apt-packages help setup run test test-production lint typecheck pytest lock stop-db clean

help:
	@echo "make run    - set everything up and serve the demo on http://127.0.0.1:$(PORT)"
	@echo "make test   - set everything up and run every check"
	@echo "make test-production - the production topology (PostgreSQL 15, 2 web, 2 workers) and its faults"
	@echo "make setup  - virtual environment, dependencies, Debian packages, migrations, messages"

$(STAMP): pyproject.toml requirements.lock | apt-packages
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

apt-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null || exit 1; \
		case " $$missing " in *" slapd "*) \
			$$SUDO service slapd stop >/dev/null 2>&1; \
			$$SUDO update-rc.d slapd disable >/dev/null 2>&1; \
			$$SUDO systemctl disable --now slapd >/dev/null 2>&1; true;; \
		esac; \
		case " $$missing " in *" postgresql "*) \
			for c in $$(pg_lsclusters -h 2>/dev/null | awk '$$2 == "main" {print $$1}'); do \
				$$SUDO pg_ctlcluster $$c main stop >/dev/null 2>&1; \
				$$SUDO sed -i 's/^auto/manual/' /etc/postgresql/$$c/main/start.conf 2>/dev/null; \
			done; true;; \
		esac; \
	fi

$(AXE): package.json package-lock.json | apt-packages
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(STAMP) apt-packages $(AXE)
	$(TEST_ENV) $(PY) manage.py compilemessages -l de -v 0 --ignore '.venv' --ignore 'var' --ignore 'node_modules'
	$(TEST_ENV) $(PY) manage.py migrate --no-input -v 0
	$(TEST_ENV) $(PY) manage.py collectstatic --no-input -v 0

run: setup
	$(PY) -m config.run

test: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(TEST_ENV) $(PY) -m mypy addons
	$(TEST_ENV) $(PY) manage.py check --fail-level WARNING
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --ignore=tests/browser --ignore=tests/production
	$(TEST_ENV) $(PY) -m pytest tests/browser

# The production topology (tests/production/topology.py): PostgreSQL 15 through DATABASE_URL,
# two gunicorn instances, two workers, and their faults (killed processes, a database restart).
test-production: setup
	$(TEST_ENV) $(PY) -m pytest tests/production -p no:cacheprovider

lock: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev]' && $(PY) -m pip uninstall -y -q ulm-servicepoint
	$(PY) -m pip freeze --exclude-editable > requirements.lock

stop-db:
	$(PY) -m config.embedded_pg stop

clean: stop-db
	rm -rf $(VENV) var
