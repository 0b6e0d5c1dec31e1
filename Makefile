# The two commands of the README:  make run  and  make test.
.PHONY: run setup test test-default test-postgres lint check scan messages bench

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

# bandit on our code (high severity fails) and pip-audit on every locked package.
scan: setup
	scripts/scan

messages: setup
	DEBUG=true $(PY) manage.py makemessages -l nl -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

# Benchmarks (not tests): figures printed, nothing asserted. Needs PostgreSQL; uses its own
# database portal_bench so the test and demo databases are untouched.
BENCH_ENV := DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench REDIS_URL= CELERY_BROKER_URL= \
	DEBUG=false SECRET_KEY=bench-only-not-secret ALLOWED_HOSTS=localhost SECURE_HTTPS=false \
	STATIC_MANIFEST=false EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend BENCHMARK_VIEWS=true

bench: setup
	scripts/services
	psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='portal_bench'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE portal_bench"
	$(BENCH_ENV) $(PY) manage.py migrate --noinput -v0
	$(BENCH_ENV) $(PY) manage.py seed_demo --allow-production --quiet-logins
	scripts/bench-tools
	$(BENCH_ENV) $(PY) manage.py bench_load --write docs/benchmarks.md
	$(BENCH_ENV) $(PY) manage.py bench_portal
	$(BENCH_ENV) $(PY) manage.py bench_email
	$(BENCH_ENV) $(PY) manage.py bench_surveys
