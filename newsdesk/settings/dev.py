"""Laptop settings used by `make run`: production-like serving, a throwaway secret."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-deploy")
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
