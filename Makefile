# The two commands of the README:  make run  and  make test.
.PHONY: run setup test test-all test-default test-postgres lint check scan messages bench

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

# Style, and the layers of docs/architecture.md (import-linter, no exceptions).
lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports
	DEBUG=true $(PY) -m mypy

check: setup
	DEBUG=true $(PY) manage.py check
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

EMBEDDED := REDIS_URL= CELERY_BROKER_URL= DATABASE_URL= TEST_REDIS_URL=$(REDIS_TEST_URL)
POSTGRES := DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) TEST_REDIS_URL=$(REDIS_TEST_URL)
# Tests that run one at a time: real Celery workers share Redis's queues, and the load and
# fault tests measure a server that parallel tests would slow down; the multi-node tests
# start nodes, a proxy, a worker and clusters of their own.
SERIAL := redis or load or faults or backup or multinode
FAST := not (e2e or postgres or $(SERIAL))

# The fast tier (the README's test command): unit, view, query-count, authorisation and a
# reduced hypothesis run, on the embedded defaults (SQLite, tasks in-process), in parallel.
test: setup
	scripts/services
	HOSTILE_EXAMPLES=5 $(EMBEDDED) scripts/pytest -n auto -m "$(FAST)" --durations=30

# Everything, on both databases: browser journeys, real workers, load, faults, backup and
# the full hypothesis run. What CI runs.
test-all: setup
	scripts/services
	scripts/browser
	scripts/proxy
	$(MAKE) --no-print-directory test-default test-postgres

test-default:
	$(EMBEDDED) scripts/pytest -n auto -m "not ($(SERIAL))" --durations=30
	$(EMBEDDED) scripts/pytest -m "$(SERIAL)" --durations=10

# The page crawls (marked crawl) check markup, which is the same on either database: they
# run in the SQLite pass only.
test-postgres:
	$(POSTGRES) scripts/pytest -n auto -m "not ($(SERIAL) or crawl)" --durations=30
	$(POSTGRES) scripts/pytest -m "$(SERIAL)" --durations=10

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
	$(BENCH_ENV) $(PY) manage.py bench_traffic --write docs/benchmarks.md
	$(BENCH_ENV) $(PY) manage.py bench_scale --write docs/benchmarks.md
	$(BENCH_ENV) $(PY) manage.py bench_mood --write docs/benchmarks.md
	$(BENCH_ENV) $(PY) manage.py bench_budget --write docs/benchmarks.md
