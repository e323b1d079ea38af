"""Production: fail fast on anything that must not default, and hold `check --deploy`.

Also what a web server gets when started without DJANGO_SETTINGS_MODULE (newsdesk/wsgi.py,
gunicorn.conf.py): it then refuses to serve rather than run with a key someone knows.
The security settings themselves live in base.py under `# [security]`; here they get their
production defaults (docs/security.md).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env
from .secret_key import secret_key_is_known

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set in production "
        "(or set DJANGO_SETTINGS_MODULE=newsdesk.settings.dev on a laptop, as `make run` does)"
    )
if secret_key_is_known(SECRET_KEY):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is a published key: generate a new one")
DEBUG = False
# The proxy in front says whether the reader's connection was HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
# One year, the least the browsers' preload list accepts.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
DJANGO_ADMIN_ENABLED = env.bool("DJANGO_ADMIN_ENABLED", default=False)

# An operator who turns preload or subdomains off has decided so: `check --deploy` need not
# repeat it on every deploy.
SILENCED_SYSTEM_CHECKS: list[str] = [
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
    *(["security.W005"] if not env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True) else []),
]
