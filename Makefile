# Newsdesk: `make run` serves the site with demo content, `make test` runs every test.
# Both install what they need from the lock files, starting from a fresh clone.

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .uv/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test test-scale lint format check lock install install-dev chromium axe-core clean bench-views evaluate bench-search bench-syndication bench-wires bench-latin bench bench-tools

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install -q uv==$(UV_VERSION)

$(VENV)/.runtime: requirements.lock | $(UV)
	$(UV) venv -q --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip install -q --python $(PY) --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: requirements-dev.lock | $(UV)
	$(UV) venv -q --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip sync -q --python $(PY) --require-hashes requirements-dev.lock
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## run: the whole site on http://127.0.0.1:$(PORT)/ with demo content (gunicorn + worker + scheduler)
# The laptop settings, named for every step: their key is generated once into var/secret_key
# (newsdesk/settings/secret_key.py). Without them wsgi/gunicorn default to production.
run: export DJANGO_SETTINGS_MODULE = newsdesk.settings.dev
run: install
	$(PY) manage.py migrate --noinput -v0
	PUBLIC_BASE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py home_load_demo
	$(PY) manage.py core_ensure_admin
	$(PY) manage.py collectstatic --noinput -v0
	@echo "Newsdesk: http://127.0.0.1:$(PORT)/  (newsroom: http://127.0.0.1:$(PORT)/admin/)  Ctrl+C stops."
	NEWSDESK_PORT=$(PORT) PUBLIC_BASE_URL=http://127.0.0.1:$(PORT) $(VENV)/bin/honcho start -f Procfile -p $(PORT)

## chromium: the browser for the browser tests (Debian's package; Playwright cannot download one here)
chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

## axe-core: the accessibility engine the browser tests inject (npm, pinned with its integrity
## hash in tests/axe/package-lock.json; Debian's npm if the machine has none)
AXE := tests/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/axe/package.json tests/axe/package-lock.json
	@command -v npm >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null)
	cd tests/axe && npm ci --no-audit --no-fund --silent
	touch $@
axe-core: $(AXE)

## test: the whole suite on the embedded stack (SQLite, local cache), browser tests included
test: install-dev chromium axe-core bench-tools
	$(PY) -m pytest

## test-scale: the same suite against PostgreSQL and Redis (both must be running)
test-scale: install-dev chromium axe-core bench-tools
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(PY) -m pytest

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install-dev
	DJANGO_SETTINGS_MODULE=newsdesk.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=newsdesk.settings.test $(PY) manage.py makemigrations --check --dry-run

## lock: re-pin the dependencies after changing pyproject.toml
lock: | $(UV)
	$(UV) pip compile pyproject.toml --python-version 3.11 --generate-hashes --no-emit-index-url --no-header -q -o requirements.lock
	$(UV) pip compile pyproject.toml --group dev --python-version 3.11 --generate-hashes --no-emit-index-url --no-header -q -o requirements-dev.lock

clean:
	rm -rf $(VENV) .uv var static_collected tests/axe/node_modules

## bench-views: beacon throughput and exactness on SQLite and on PostgreSQL + Redis (issue 3)
bench-views: install-dev
	$(PY) benchmarks/bench_views.py

## evaluate: relevant news, cross-edition links and search quality on ../shared/corpora (issue 5)
evaluate: install-dev
	$(PY) manage.py related_evaluate

## bench-search: relevant news and search at 100,000 articles (issue 5)
bench-search: install-dev
	$(PY) benchmarks/bench_search.py

## bench-syndication: sitemaps, Google News sitemap and feed at 100,000 articles (issue 10)
bench-syndication: install-dev
	$(PY) benchmarks/bench_syndication.py

## bench-wires: ingesting a 500-item partner feed, near-duplicate check at 100,000 items (issue 11)
bench-wires: install-dev
	$(PY) benchmarks/bench_wires.py

## bench-latin: the Kazakh Latin page against its Cyrillic twin on a 10,000-word article (issue 13)
bench-latin: install-dev
	$(PY) benchmarks/bench_latin.py

## bench-tools: nginx (with the cache-purge module) and wrk for `make bench` and the proxy tests
## (Debian's packages)
bench-tools:
	@command -v wrk >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 \
		&& test -e /usr/lib/nginx/modules/ngx_http_cache_purge_module.so \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			nginx libnginx-mod-http-cache-purge wrk >/dev/null)

## bench: reader-facing req/s, p50, p99 against nginx static, stock Wagtail and nginx in front,
## on SQLite and on PostgreSQL + Redis (issue 12, docs/performance.md). BENCH_SECONDS per row.
BENCH_SECONDS ?= 12
bench: install-dev bench-tools
	$(PY) benchmarks/bench_web.py --seconds $(BENCH_SECONDS)
