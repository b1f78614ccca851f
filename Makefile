# Two commands do all the set-up on a machine with Python >= 3.11 and make:
#   make run    install, migrate, load demo data and start web + worker + beat
#   make test   install and run the whole suite
#   make manage ARGS="createsuperuser"   a manage.py command, beside `make run` or alone
# DATABASE_URL / REDIS_URL unset: embedded PostgreSQL and Redis start under var/.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Two tests at a time to each worker, the long ones first (tests/conftest.py).
PYTEST_ARGS ?= -n auto --maxschedchunk 2
export PORT

# Local-development values for the variables production must set (see .env.example).
export SECRET_KEY ?= local-development-only-not-a-secret-5c7d2e1f9a
export FIELD_ENCRYPTION_KEY ?= bG9jYWwtZGV2ZWxvcG1lbnQtZmllbGQta2V5LTMyYnk=
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run manage test test-scale release-fixture bench bench-national lint security format messages lock install install-dev translations clean axe schema

$(PY):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "tuquan needs Python 3.11 or newer"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.lock | $(PY)
	$(PY) -m pip install --quiet -r requirements/base.lock
	touch $@

$(VENV)/.dev-installed: requirements/dev.lock | $(PY)
	$(PY) -m pip install --quiet -r requirements/dev.lock
	touch $@ $(VENV)/.base-installed

install: $(VENV)/.base-installed translations
install-dev: $(VENV)/.dev-installed translations

translations: | $(PY)
	$(PY) -m config.translations

# Local development: debug pages, plain http, links in notices to this PORT.
# (Set here, not derived in settings: honcho hands each process a PORT of its
# own, the worker's is PORT+100.)
run manage: export DEBUG ?= 1
run manage: export SECURE_SSL_REDIRECT ?= 0
run manage: export SITE_URL ?= http://127.0.0.1:$(PORT)
# The demo is Quang Ninh's: who runs it, as its public pages and posters say.
run manage: export SERVICE_NAME ?= Hòm thư tố giác an ninh trật tự Quảng Ninh
run manage: export SERVICE_AUTHORITY ?= Công an tỉnh Quảng Ninh
run manage: export SERVICE_EMBLEM ?= img/tuquan-logo.svg
run manage: export SERVICE_CONTACT ?= Trực ban Công an tỉnh Quảng Ninh: 0203 3600 100 (số minh họa của bản demo)
run manage: export LOG_FORMAT ?= plain
run: export WEB_CONCURRENCY ?= 2
run: install
	$(PY) -m config.services sh -c '\
		$(PY) manage.py migrate --noinput && \
		$(PY) manage.py load_areas --province 22 && \
		$(PY) manage.py seed_demo && \
		echo && echo "tuquan is at http://127.0.0.1:$(PORT)/  (Ctrl-C stops web, worker and beat)" && echo && \
		exec $(VENV)/bin/honcho start'

# A manage.py command with the environment of `make run`, on its embedded
# servers while it runs (config/services.py --attach), else on servers of its own.
manage: install
	$(PY) -m config.services --attach $(PY) manage.py $(ARGS)

test: install-dev
	$(PY) -m config.services $(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks on province-scale data in a database of their own (see bench/README.md);
# BENCH_REPORTS=100000 for a quick run.
bench: install
	$(PY) -m config.services $(PY) bench/run.py

# The same on the whole country (docs/scale.md): 34 provinces, 100,000 groups and
# 10,000,000 reports, in a database of its own; BENCH_SCALE=0.2 for a fifth of them.
bench-national: install
	BENCH_NATIONAL=1 $(PY) -m config.services $(PY) bench/run.py $(BENCH_ARGS)

# ruff, then the layer contracts of docs/architecture.md ([tool.importlinter] in
# pyproject.toml): an import against them fails naming the import.
# The previous-release database for the upgrade test (tests/upgrade/): run when
# a release is cut, on the release's code, and commit what it writes.
release-fixture: install-dev
	$(PY) -m config.services $(PY) tests/upgrade/release_fixture.py

# The long runs (scale-out with a replica, beats, killed workers); CI runs them after `make test`.
test-scale: install-dev
	$(PY) -m config.services $(PY) -m pytest -m scale -p no:randomly -n 0 tests/deploy tests/demo

# The API's OpenAPI schema, committed as docs/openapi.yaml; tests/api/test_api_schema.py
# fails while the committed file differs from what the code generates.
schema: install-dev
	$(PY) -m config.services $(PY) manage.py spectacular --lang en --validate --fail-on-warn \
		--file docs/openapi.yaml

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Security checks of CI: bandit over the app code (a medium or high finding fails;
# each accepted one is marked `# nosec Bxxx` in the code with its reason), and
# Django's deployment checklist with production-like settings.
APP_CODE := groups reports patrols mediation dashboard demo config
security: install-dev
	$(VENV)/bin/bandit --quiet --recursive --severity-level medium \
		--exclude '*/migrations/*' $(APP_CODE)
	$(PY) -m config.services env -u SECURE_SSL_REDIRECT -u SECURE_HSTS_SECONDS \
		-u SECURE_HSTS_PRELOAD -u SECRET_KEY_FILE -u DEBUG \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		ALLOWED_HOSTS=tuquan.example.gov.vn \
		$(PY) manage.py check --deploy --fail-level WARNING

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Extract new strings into locale/ (needs GNU gettext), then translate them.
messages: install-dev
	$(PY) -m config.services $(PY) manage.py makemessages --locale vi --locale en \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'static/vendor/*' --ignore 'tests/*' \
		--ignore 'bench/*' --no-obsolete --no-location
	$(PY) -m config.translations --fill-english

# Re-pin every dependency from pyproject.toml.
lock: | $(PY)
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-header --no-emit-index-url \
		--no-emit-find-links -o requirements/base.lock pyproject.toml
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-header --no-emit-index-url \
		--no-emit-find-links --extra dev -o requirements/dev.lock pyproject.toml

# axe-core for the accessibility crawl (tests/browser/test_accessibility.py): the
# pinned release's axe.min.js from the npm registry, vendored so that tests need no
# npm. Bump AXE_VERSION here and in tests/browser/vendor/README.md together.
AXE_VERSION := 4.14.1
axe:
	rm -rf var/axe && mkdir -p var/axe
	cd var/axe && npm pack --silent axe-core@$(AXE_VERSION) && tar xzf axe-core-$(AXE_VERSION).tgz
	cp var/axe/package/axe.min.js tests/browser/vendor/axe.min.js
	rm -rf var/axe

clean:
	rm -rf $(VENV) var
