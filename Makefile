# The two commands a new machine needs: `make serve` and `make test`. Both are safe to re-run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test check content-check suite sqlite-file-tests lighthouse screenshots format superuser fixture outcomes bench load clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the locked requirements change.
$(VENV)/.installed-%: requirements/%.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r $<
	touch $@

# requirements/test.txt pins every package of base.txt (both are compiled from pyproject.toml), so
# where it was installed after base.txt last changed, pip would only confirm what is there.
$(VENV)/.installed-base: requirements/base.txt | $(BIN)/python
	if [ $(VENV)/.installed-test -nt requirements/base.txt ]; then touch $@; else \
		$(BIN)/pip install --quiet --disable-pip-version-check -r $< && touch $@; fi

# A local .env with a fresh secret key, made once and never committed.
.env:
	sed "s|^DJANGO_SECRET_KEY=.*|DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')|" .env.example > .env

## Install, migrate, load the demo content (into an empty database only) and serve the site.
serve: $(VENV)/.installed-base .env
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) render_content --pieces-only --verbosity 0
	@echo "Serving the help site at http://$(HOST):$(PORT)/ (editors: http://$(HOST):$(PORT)/admin/)"
	$(MANAGE) runserver $(HOST):$(PORT)

## Fill the development database with realistic, made-up outcomes, to see the dashboards.
outcomes: $(VENV)/.installed-base .env
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	DJANGO_DEBUG=1 $(MANAGE) generate_outcomes

## Install what the tests need, then lint, check the demo content, run the whole suite (unit,
## browser, accessibility) and Lighthouse. Browser checks are skipped, saying so, only where no
## Chromium is installed.
## What needs neither the other's result nor both cores runs side by side: pip and npm wait mostly
## on downloads and the disk; the lint, the content check and the sqlite_file tests (on SQLite)
## each keep one core at most, the last largely waiting on locks. Each one's output is printed
## whole when it ends. The unit and browser tests, which fill every core, and Lighthouse, whose
## scores suffer when anything shares the cores with it, run after them, one at a time.
test:
	$(MAKE) --no-print-directory -j2 $(VENV)/.installed-test node_modules/.installed
	$(MAKE) --no-print-directory -j3 --output-sync=target check content-check \
		$(if $(SQLITE_FILE_APART),sqlite-file-tests)
	$(UNIT_AND_BROWSER_TESTS)
	$(MAKE) --no-print-directory lighthouse

## Gather the interface strings into locale/<language>/LC_MESSAGES/django.po (needs GNU gettext),
## then compile them. Translate every new or fuzzy entry before committing both .po and .mo.
LANGUAGES_TRANSLATED := es fr
messages: $(VENV)/.installed-base
	DJANGO_DEBUG=1 $(MANAGE) makemessages --no-obsolete $(addprefix -l ,$(LANGUAGES_TRANSLATED))
	DJANGO_DEBUG=1 $(MANAGE) compilemessages --ignore .venv --ignore node_modules --ignore .local $(addprefix -l ,$(LANGUAGES_TRANSLATED))

## Lint and formatting of Python and templates.
check: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djade --check $$(find templates -name '*.html')

## Load the demo content into a throwaway SQLite database and check it for mistakes people would
## run into (`manage.py check_content`); never touches db.sqlite3 or DATABASE_URL's database.
content-check: $(VENV)/.installed-base
	mkdir -p .local/tmp
	@dir=$$(mktemp -d $(CURDIR)/.local/tmp/content-check.XXXXXX) && \
	export DATABASE_URL=sqlite:///$$dir/demo.sqlite3 DJANGO_DEBUG=0 \
		DJANGO_SECRET_KEY=content-check-only DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1 && \
	$(MANAGE) migrate --noinput --verbosity 0 && \
	$(MANAGE) load_demo --verbosity 0 && \
	$(MANAGE) check_content; \
	status=$$?; rm -rf "$$dir"; exit $$status

## The pytest suite with coverage, on DATABASE_URL's database (default SQLite, in memory). The
## tests marked sqlite_file need real waiting writers, which in-memory SQLite cannot give: on SQLite
## they run first, in an invocation of their own on a file database (`sqlite-file-tests`), and the
## unit and browser tests' coverage is added to theirs, so the floor applies to the whole suite; on
## PostgreSQL the switch changes nothing, so they run with the unit tests. The browser tests'
## invocation reports. COVERAGE_FILE names the data file (CI keeps one per database and combines
## them). The unit and view tests run on every core
## (TEST_WORKERS, pytest-xdist; each worker has its own test database), then the browser tests,
## also on every core (each worker drives its own Chromium against its own live server).
## Idle workers take tests queued for the busy one (worksteal): a few tests take a minute, most a
## fraction of a second, and a fixed split leaves one core waiting at the end.
## BROWSER_TESTS picks the browser tests: all by default; CI's second pass, on PostgreSQL, gives
## "browser and not visual", leaving out those marked `visual` (screenshots, layout, axe on markup
## no database or cache changes), which the first pass ran and no database engine can change.
## UNIT_TESTS picks the unit and view tests the same way: CI's second pass gives
## "not engine_independent", leaving out those whose result no database engine or cache can change.
TEST_WORKERS ?= auto
BROWSER_TESTS ?= browser
UNIT_TESTS ?= not browser
SQLITE_FILE_APART := $(if $(filter postgres%,$(DATABASE_URL)),,1)
PYTEST := TMPDIR=$(CURDIR)/.local/tmp $(BIN)/pytest
# On SQLite the unit tests add to the coverage the sqlite_file tests measured before them. Each
# invocation names its 15 slowest tests, so a log shows where the time went. On PostgreSQL the
# unit tests make each worker's test database afresh and keep it (--reuse-db --create-db: never a
# previous run's), and the browser tests run on it (--reuse-db), emptied first, instead of
# creating and migrating it again: 15 s or more a worker there (in-memory SQLite cannot be kept).
define UNIT_AND_BROWSER_TESTS
	mkdir -p .local/tmp
	$(PYTEST) -m "($(UNIT_TESTS)) and not browser$(if $(SQLITE_FILE_APART), and not sqlite_file)" \
		-n $(TEST_WORKERS) --dist worksteal --durations=15 \
		$(if $(SQLITE_FILE_APART),,--reuse-db --create-db) \
		--cov $(if $(SQLITE_FILE_APART),--cov-append) --cov-report= --cov-fail-under=0
	$(PYTEST) -m "($(BROWSER_TESTS)) and not sqlite_file" -n $(TEST_WORKERS) --dist worksteal \
		--durations=15 $(if $(SQLITE_FILE_APART),,--reuse-db) --cov --cov-append --cov-report=term
endef
suite: $(VENV)/.installed-test $(if $(SQLITE_FILE_APART),sqlite-file-tests)
	$(UNIT_AND_BROWSER_TESTS)

## The sqlite_file tests alone, on a SQLite file database, starting the coverage data afresh.
sqlite-file-tests: $(VENV)/.installed-test
	mkdir -p .local/tmp
	TEST_SQLITE_FILE=1 $(PYTEST) -m sqlite_file --cov --cov-report= --cov-fail-under=0

## Lighthouse scores (mobile) of the home page, an article and a flow step; fails below 0.95.
lighthouse: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/python scripts/lighthouse.py

## Rewrite the screenshot baselines (tests/e2e/baselines/) after an intended change of look: every
## page kind at phone and desktop sizes, light and dark. Look at each one before committing it.
screenshots: $(VENV)/.installed-test
	mkdir -p .local/tmp
	TMPDIR=$(CURDIR)/.local/tmp UPDATE_SCREENSHOTS=1 $(BIN)/pytest -m browser -p no:cacheprovider \
		tests/e2e/test_screenshots.py

node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: Lighthouse will be skipped."; fi

# wrk drives the benchmark and the load test: installed from Debian's packages when missing and
# running as root, otherwise a clear message.
NEED_WRK := command -v wrk >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && apt-get install -y -qq wrk; \
	else echo "wrk is not installed: install it with 'sudo apt-get install wrk'." >&2; exit 1; fi

## Requests per second and latency of the pages under gunicorn, as ratios to a bare view, with
## the page cache and without it, and during an editor's saves (bench/http.py, about 5 minutes;
## pass options in BENCH_ARGS, e.g. BENCH_ARGS="--rounds 5 --seconds 5" for steadier figures).
bench: $(VENV)/.installed-base
	@$(NEED_WRK)
	$(BIN)/python bench/http.py $(BENCH_ARGS)

## A bounded load test of the pages and flow answers: 60 s at 64 connections, fails on any error
## (bench/load.py; pass options in LOAD_ARGS, e.g. LOAD_ARGS="--seconds 5 --connections 8").
load: $(VENV)/.installed-base
	@$(NEED_WRK)
	$(BIN)/python bench/load.py $(LOAD_ARGS)

## Fix lint and formatting where the tools can.
format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djade $$(find templates -name '*.html')

## Create an admin account for an editor (asks for a name and password).
superuser: $(VENV)/.installed-base .env
	$(MANAGE) migrate --noinput
	$(MANAGE) createsuperuser

# The demo fixture is built in a scratch database, so the local one never leaks into it.
FIXTURE_DB := .local/fixture.sqlite3
FIXTURE_MANAGE := DATABASE_URL=sqlite:///$(CURDIR)/$(FIXTURE_DB) $(MANAGE)
# Every item's created/updated time in the fixture: the same files always give the same fixture.
FIXTURE_TIME := 2026-11-23T00:00:00Z
CONTENT_MODELS := $(addprefix troubleshooting.,topic cause fixstep symptom symptomcause \
	symptomstep triagequestion triagechoice searchsynonym topictranslation causetranslation \
	fixsteptranslation symptomtranslation triagequestiontranslation)

## Regenerate fixtures/imessage.json from the guide's Markdown files in content/ (edit them, or
## edit in the admin and run `manage.py export_guide content` first).
fixture: $(VENV)/.installed-base .env
	mkdir -p .local
	rm -f $(FIXTURE_DB) $(FIXTURE_DB)-wal $(FIXTURE_DB)-shm
	$(FIXTURE_MANAGE) migrate --noinput --verbosity 0
	$(FIXTURE_MANAGE) import_guide content --timestamp $(FIXTURE_TIME)
	$(FIXTURE_MANAGE) dumpdata $(CONTENT_MODELS) \
		--natural-foreign --natural-primary --indent 2 \
		--output fixtures/imessage.json
	rm -f $(FIXTURE_DB) $(FIXTURE_DB)-wal $(FIXTURE_DB)-shm

clean:
	rm -rf $(VENV) node_modules staticfiles .coverage htmlcov test-results .local
