import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings.dev")

application = get_wsgi_application()

# Build before the first request what its reader would otherwise wait for: the crawler
# matcher compiles about 1,500 patterns (a second of CPU per web process).
from newsdesk.analytics.readers import readers_warm_up  # noqa: E402

readers_warm_up()
