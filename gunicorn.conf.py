"""gunicorn's settings for Newsdesk, read from ./gunicorn.conf.py by `make run` (Procfile) and by
benchmarks/bench_views.py; the numbers come from the environment.

Threads (gthread), not one request per process: the view beacon spends most of its time
waiting (for SQLite's single writer, for Redis), and on SQLite the concurrent beacons of a
process share one transaction (analytics.counters.GroupCommit), so more threads mean fewer
commits. 8 threads per worker measured best on 2 cores: as many beacons per second as 16, a
quarter less CPU per beacon, and a third more page-cache hits per second, since fewer
threads contend for each process's GIL (docs/performance.md, session 8).
"""

import os

# Started without settings, gunicorn serves the production settings (which need
# DJANGO_SECRET_KEY); `make run` sets newsdesk.settings.dev itself.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings.production")

wsgi_app = "newsdesk.wsgi"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Each request's log line: GUNICORN_ACCESS_LOG=- for the console. Off by default: the proxy
# in front (deploy/nginx) keeps the access log, and on a page-cache hit gunicorn's line is a
# tenth of the request's cost (docs/performance.md).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
