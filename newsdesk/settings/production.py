"""Production: fail fast on anything that must not default.

Also what a web server gets when started without DJANGO_SETTINGS_MODULE (newsdesk/wsgi.py,
gunicorn.conf.py): it then refuses to serve rather than run with a key someone knows.
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
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
