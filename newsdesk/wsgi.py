import os

from django.core.wsgi import get_wsgi_application

# Without explicit settings a web server runs the production settings, which refuse to start
# without DJANGO_SECRET_KEY: never a key someone else knows. `make run` names the dev settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings.production")

django_application = get_wsgi_application()

# Anonymous reads of cached pages are answered in front of Django (docs/caching.md).
from newsdesk.core.pagecache.layer import PageCacheMiddleware  # noqa: E402

application = PageCacheMiddleware(django_application)

# Build before the first request what its reader would otherwise wait for: the crawler
# matcher compiles about 1,500 patterns (a second of CPU per web process), and the language
# analysers load their dictionaries (pymorphy3: about a second) for the search page.
from newsdesk.analytics.readers import readers_warm_up  # noqa: E402
from newsdesk.editions.analysis import analysers_warm_up  # noqa: E402

readers_warm_up()
analysers_warm_up()
