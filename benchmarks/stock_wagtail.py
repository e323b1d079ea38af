"""A minimal stock Wagtail 8 project, written into a temporary directory at bench time.

The comparison `make bench` draws ("stock Wagtail in the same run"): the settings a new
Wagtail project starts with (its apps and middleware, DEBUG off), one page model with a
title and a rich-text body rendered by a plain template, the same article text, and the
same gunicorn workers as Newsdesk. Once without a cache, once with Django's cache
middleware (the per-site cache from Django's documentation). Nothing is downloaded:
Wagtail is the one in the venv.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

APPS = [
    "site_pages",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]
CACHED_MIDDLEWARE = [
    "django.middleware.cache.UpdateCacheMiddleware",
    *MIDDLEWARE,
    "django.middleware.cache.FetchFromCacheMiddleware",
]

SETTINGS = """import json, os
BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "stock-bench-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "stock_site.urls"
WSGI_APPLICATION = "stock_site.wsgi.application"
INSTALLED_APPS = {apps!r}
MIDDLEWARE = {cached_middleware!r} if os.environ.get("STOCK_CACHE") == "1" else {middleware!r}
TEMPLATES = [{{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [os.path.join(BASE_DIR, "templates")],
    "APP_DIRS": True,
    "OPTIONS": {{"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]}},
}}]
DATABASES = {{"default": json.loads(os.environ["STOCK_DATABASE"])}}
CACHES = {{"default": json.loads(os.environ["STOCK_CACHE_BACKEND"])}}
CACHE_MIDDLEWARE_SECONDS = 60
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "/static/"
WAGTAIL_SITE_NAME = "stock"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
USE_TZ = True
"""
URLS = """from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [path("admin/", include(wagtailadmin_urls)), path("", include(wagtail_urls))]
"""
WSGI = """import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stock_site.settings")
application = get_wsgi_application()
"""
MODELS = """from wagtail.fields import RichTextField
from wagtail.models import Page


class ArticlePage(Page):
    body = RichTextField()
    content_panels = Page.content_panels + ["body"]
"""
TEMPLATE = """{% load wagtailcore_tags %}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><main><h1>{{ page.title }}</h1>{{ page.body|richtext }}</main></body></html>
"""
MANAGE = """import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stock_site.settings")
from django.core.management import execute_from_command_line
execute_from_command_line(sys.argv)
"""
ADD_PAGE = """import json, sys
from wagtail.models import Page, Site
from site_pages.models import ArticlePage
data = json.loads(sys.stdin.read())
home = Site.objects.get(is_default_site=True).root_page
page = ArticlePage(title=data["title"], slug="article", body=data["body"])
home.add_child(instance=page)
page.save_revision().publish()
print(page.url)
"""


def stock_project_write(directory: Path) -> Path:
    """The project's files under `directory`; returns it (the cwd for manage.py and gunicorn)."""
    files = {
        "manage.py": MANAGE,
        "stock_site/__init__.py": "",
        "stock_site/settings.py": SETTINGS.format(
            apps=APPS, middleware=MIDDLEWARE, cached_middleware=CACHED_MIDDLEWARE
        ),
        "stock_site/urls.py": URLS,
        "stock_site/wsgi.py": WSGI,
        "site_pages/__init__.py": "",
        "site_pages/models.py": MODELS,
        "site_pages/templates/site_pages/article_page.html": TEMPLATE,
    }
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory


def stock_env(
    base: dict[str, str], *, database: dict[str, object], cache: dict[str, object]
) -> dict[str, str]:
    env = {key: value for key, value in base.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="stock_site.settings",
        STOCK_DATABASE=json.dumps(database),
        STOCK_CACHE_BACKEND=json.dumps(cache),
    )
    return env


def stock_project_setup(directory: Path, env: dict[str, str], *, title: str, body_html: str) -> str:
    """Migrations, the page; returns the page's path."""

    def manage(*args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=directory,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            sys.exit(f"stock Wagtail: manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    manage("makemigrations", "site_pages", "-v0")
    manage("migrate", "--noinput", "-v0")
    output = manage("shell", "-c", ADD_PAGE, stdin=json.dumps({"title": title, "body": body_html}))
    return output.strip().splitlines()[-1]
