"""Safe by default (issue 15, item 5): no known secret key, password rules, the admin's
e-mail address, no call to Wagtail's update server."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from newsdesk.core.management.commands.core_ensure_admin import BAD_EMAIL, WEAK_PASSWORD
from newsdesk.settings.secret_key import KNOWN_KEYS

ROOT = Path(__file__).resolve().parents[3]
PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter, with no settings module and no key unless `env` names them."""
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


class TestSecretKey:
    def test_production_settings_without_a_key_refuse_to_load(self) -> None:
        result = run_python(PRINT_KEY, DJANGO_SETTINGS_MODULE="newsdesk.settings.production")
        assert result.returncode != 0
        assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set" in result.stderr

    @pytest.mark.parametrize("key", [*sorted(KNOWN_KEYS), "django-insecure-abc"])
    def test_production_settings_refuse_a_published_key(self, key: str) -> None:
        result = run_python(
            PRINT_KEY, DJANGO_SETTINGS_MODULE="newsdesk.settings.production", DJANGO_SECRET_KEY=key
        )
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr

    def test_a_web_server_without_settings_refuses_to_serve(self) -> None:
        result = run_python("import newsdesk.wsgi")
        assert result.returncode != 0
        assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set" in result.stderr

    def test_gunicorn_defaults_to_the_production_settings(self) -> None:
        code = "import os, runpy; runpy.run_path('gunicorn.conf.py'); print(os.environ['DJANGO_SETTINGS_MODULE'])"
        assert run_python(code).stdout.strip() == "newsdesk.settings.production"

    def test_the_dev_settings_generate_one_private_key(self, tmp_path: Path) -> None:
        key_file = tmp_path / "var" / "secret_key"
        env = {"DJANGO_SETTINGS_MODULE": "newsdesk.settings.dev", "DJANGO_SECRET_KEY_FILE": str(key_file)}
        first, second = run_python(PRINT_KEY, **env), run_python(PRINT_KEY, **env)
        assert first.returncode == 0, first.stderr
        key = first.stdout.strip()
        assert key == second.stdout.strip()
        assert len(key) >= 50
        assert key not in KNOWN_KEYS
        assert key_file.read_text().strip() == key
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert list(key_file.parent.iterdir()) == [key_file]  # no candidate files left behind

    def test_processes_starting_together_agree_on_the_key(self, tmp_path: Path) -> None:
        key_file = tmp_path / "secret_key"
        code = f"from pathlib import Path; from newsdesk.settings.secret_key import secret_key_load_or_create as f; print(f(Path({str(key_file)!r})))"
        environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", code], cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True
            )
            for _ in range(8)
        ]
        keys = {process.communicate(timeout=60)[0].strip() for process in processes}
        assert keys == {key_file.read_text().strip()}

    def test_an_explicit_key_wins_in_dev(self, tmp_path: Path) -> None:
        key_file = tmp_path / "secret_key"
        result = run_python(
            PRINT_KEY,
            DJANGO_SETTINGS_MODULE="newsdesk.settings.dev",
            DJANGO_SECRET_KEY="an-explicit-key-" + "x" * 40,
            DJANGO_SECRET_KEY_FILE=str(key_file),
        )
        assert result.stdout.strip() == "an-explicit-key-" + "x" * 40
        assert not key_file.exists()


@pytest.mark.django_db
class TestAdministrator:
    @pytest.fixture(autouse=True)
    def no_admin_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in ("DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_PASSWORD", "DJANGO_SUPERUSER_EMAIL"):
            monkeypatch.delenv(name, raising=False)

    def test_password_1_is_refused_by_the_validators(self) -> None:
        with pytest.raises(ValidationError):
            validate_password("1")
        with pytest.raises(ValidationError):
            validate_password("password12")
        validate_password("grain-exports-rose-in-march")

    def test_the_bootstrap_refuses_a_weak_password(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "chief")
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "1")
        with pytest.raises(CommandError, match=WEAK_PASSWORD.split("{")[0]):
            call_command("core_ensure_admin", stdout=StringIO())
        assert not get_user_model().objects.filter(username="chief").exists()

    def test_the_admin_refuses_a_weak_password(self, admin_client: Client) -> None:
        response = admin_client.post(
            reverse("wagtailusers_users:add"),
            {
                "username": "reporter",
                "email": "r@agency.kz",
                "first_name": "R",
                "last_name": "R",
                "password1": "1",
                "password2": "1",
            },
        )
        assert response.status_code == 200  # the form again, with the reasons
        assert not get_user_model().objects.filter(username="reporter").exists()
        codes = {
            error.code for errors in response.context["form"].errors.as_data().values() for error in errors
        }
        assert {"password_too_short", "password_entirely_numeric"} <= codes

    def test_the_e_mail_address_is_given_to_a_new_administrator(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "chief")
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "grain-exports-rose-in-march")
        monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "chief@agency.kz")
        call_command("core_ensure_admin", stdout=StringIO())
        chief = get_user_model().objects.get(username="chief")
        assert chief.email == "chief@agency.kz"
        assert chief.is_superuser and chief.check_password("grain-exports-rose-in-march")

    def test_the_generated_administrator_gets_it_too(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "desk@agency.kz")
        call_command("core_ensure_admin", stdout=StringIO())
        assert get_user_model().objects.get(username="admin").email == "desk@agency.kz"

    def test_an_existing_administrator_without_one_gets_it(self, monkeypatch: pytest.MonkeyPatch) -> None:
        User = get_user_model()
        User.objects.create_superuser(username="admin", email="", password="x")
        User.objects.create_superuser(username="chief", email="", password="x")
        monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "desk@agency.kz")
        call_command("core_ensure_admin", stdout=StringIO())  # the first administrator
        assert User.objects.get(username="admin").email == "desk@agency.kz"
        monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "chief")
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "whatever-it-is-now")
        monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "chief@agency.kz")
        call_command("core_ensure_admin", stdout=StringIO())  # the named one
        assert User.objects.get(username="chief").email == "chief@agency.kz"
        assert User.objects.get(username="chief").check_password("x")  # a password is never reset

    def test_an_address_set_in_the_admin_is_kept(self, monkeypatch: pytest.MonkeyPatch) -> None:
        get_user_model().objects.create_superuser(username="admin", email="mine@agency.kz", password="x")
        monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "desk@agency.kz")
        call_command("core_ensure_admin", stdout=StringIO())
        assert get_user_model().objects.get(username="admin").email == "mine@agency.kz"

    def test_a_bad_address_is_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "not an address")
        with pytest.raises(CommandError) as refused:
            call_command("core_ensure_admin", stdout=StringIO())
        assert str(refused.value) == BAD_EMAIL.format(email="not an address")


@pytest.mark.django_db
class TestWagtailUpdateCheck:
    MARKER = 'data-controller="w-upgrade'

    def test_off_by_default(self, admin_client: Client, settings) -> None:
        assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
        html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
        assert self.MARKER not in html

    def test_on_when_asked_for(self, admin_client: Client, settings) -> None:
        settings.WAGTAIL_ENABLE_UPDATE_CHECK = True
        html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
        assert self.MARKER in html

    def test_the_environment_turns_it_on(self) -> None:
        code = "from django.conf import settings; print(settings.WAGTAIL_ENABLE_UPDATE_CHECK)"
        on = run_python(
            code, DJANGO_SETTINGS_MODULE="newsdesk.settings.test", WAGTAIL_ENABLE_UPDATE_CHECK="true"
        )
        off = run_python(code, DJANGO_SETTINGS_MODULE="newsdesk.settings.test")
        assert (on.stdout.strip(), off.stdout.strip()) == ("True", "False")
