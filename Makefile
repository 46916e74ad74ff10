# Two set-up commands: `make run` (the dashboard with the bundled data) and `make test`.
# Without DATABASE_URL both use an embedded PostgreSQL under var/ (see dashboard/embedded_db.py).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PYTEST_WORKERS ?= 2

.PHONY: install run test test-browser lint format check-migrations data backup restore loadtest loadtest-short faulttest bench

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

data: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_bundled_data

run: data
	@echo "Serving on http://127.0.0.1:8000 (editors: http://127.0.0.1:8000/admin/, see README)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Browser checks use npm packages (axe-core, lighthouse) only as tools; the site has no Node build.
node_modules/axe-core: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch node_modules/axe-core

# End-to-end tests in Debian's Chromium (never a downloaded browser).
test-browser: install node_modules/axe-core
	@test -x /usr/bin/chromium || (apt-get install -y chromium >/dev/null) || (echo "Install Debian's chromium package first" && exit 1)
	$(BIN)/python -m pytest -m browser -p no:xdist -q tests/browser

# Backups (pg_dump custom format) and restore over the current database (one transaction).
backup: install
	$(BIN)/python manage.py backup $(if $(OUTPUT),--output $(OUTPUT),)

restore: install
	@test -n "$(FILE)" || (echo "usage: make restore FILE=var/backups/dashboard-....dump" && exit 1)
	$(BIN)/python manage.py restore $(FILE)

# Load and fault tests of the production stack on loopback (gunicorn + WhiteNoise, DEBUG=false).
loadtest: install
	$(BIN)/python bench/loadtest.py --duration 60 --connections 64

loadtest-short: install
	$(BIN)/python bench/loadtest.py --duration 10 --connections 64

faulttest: install
	$(BIN)/python bench/faulttest.py

# Benchmarks (not part of `make test`): writes bench/RESULTS.md.
bench: install node_modules/axe-core
	$(BIN)/python bench/bench.py
