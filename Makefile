# The two commands of the README:  make run  and  make test.
.PHONY: run setup test test-default test-postgres lint check messages

PY := .venv/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/portal
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

setup:
	scripts/setup

# Serve the portal on http://127.0.0.1:8000 with SQLite, in-process tasks and demo data.
run: setup
	DEBUG=true $(PY) manage.py migrate --noinput -v0
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

check: setup
	DEBUG=true $(PY) manage.py check
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

# The whole suite on the default settings (SQLite, eager tasks), then again on
# PostgreSQL and Redis with real Celery workers. Browser tests run in both.
test: setup
	scripts/services
	scripts/browser
	$(MAKE) --no-print-directory test-default test-postgres

test-default:
	REDIS_URL= CELERY_BROKER_URL= DATABASE_URL= TEST_REDIS_URL=$(REDIS_TEST_URL) scripts/pytest

test-postgres:
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) TEST_REDIS_URL=$(REDIS_TEST_URL) scripts/pytest

messages: setup
	DEBUG=true $(PY) manage.py makemessages -l nl -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules
