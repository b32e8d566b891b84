# Two commands matter: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
WRK := /usr/bin/wrk

.PHONY: run test setup check index lint format clean audit publish serve bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

# Debian's Chromium for the browser tests (Playwright cannot download a browser here).
$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# nginx (the scale-out test and the benchmark) and wrk (the benchmark) from Debian.
$(NGINX) $(WRK):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk

## Build the index (a broken content file is reported and the last good index kept), then
## serve the site on http://127.0.0.1:5000.
run: $(STAMP)
	-$(FLASK) index
	$(FLASK) run --host 127.0.0.1 --port 5000

## Lint, then every test, browser tests included.
test: $(STAMP) $(CHROMIUM) $(NGINX)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

## Production serving: gunicorn on http://127.0.0.1:8000 (PORT=8001 WORKERS=4 make serve;
## ACCESS_LOG=- logs each request on stdout, which nginx in front otherwise does).
serve: $(STAMP)
	-$(FLASK) index
	$(BIN)/gunicorn -c gunicorn.conf.py

## The benchmark, not a test (about 13 minutes; BENCH_ARGS=--quick for 2): bench/results/latest.md
bench: $(STAMP) $(NGINX) $(WRK)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## Accessibility (axe, light and dark, phone and desktop), HTML validity (Nu HTML Checker) and
## Lighthouse mobile over every page type of the real site; report in build/audit/report.md.
## Fetches vnu.jar and Lighthouse into build/tools/ on first use (needs Java and npm).
audit: $(STAMP) $(CHROMIUM)
	$(BIN)/python tools/audit.py

check: $(STAMP)
	$(FLASK) check

index: $(STAMP)
	$(FLASK) index

publish: $(STAMP)
	$(FLASK) publish

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance build .pytest_cache .ruff_cache
