import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

BOTH_OR_NEITHER = "set both DJANGO_SUPERUSER_USERNAME and DJANGO_SUPERUSER_PASSWORD, or neither"
WEAK_PASSWORD = "DJANGO_SUPERUSER_PASSWORD is refused: {reasons}"
BAD_EMAIL = "DJANGO_SUPERUSER_EMAIL is not an e-mail address: {email!r}"


class Command(BaseCommand):
    help = (
        "Make sure an administrator exists. Uses DJANGO_SUPERUSER_USERNAME, "
        "DJANGO_SUPERUSER_PASSWORD and DJANGO_SUPERUSER_EMAIL when set; otherwise creates "
        "'admin' with a generated password and prints it once. The e-mail address is also "
        "given to an existing administrator who has none (editors' digests go to it)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "").strip()
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "").strip()
        if bool(username) != bool(password):
            raise CommandError(BOTH_OR_NEITHER)
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise CommandError(BAD_EMAIL.format(email=email)) from exc
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, email=email, is_staff=True, is_superuser=True)
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    raise CommandError(WEAK_PASSWORD.format(reasons=" ".join(exc.messages))) from exc
                user.set_password(password)
                user.save()
                self.stdout.write(f"Administrator '{username}' created from the environment.")
                return
            self._give_email(user, email)
            return
        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing is not None:
            self._give_email(existing, email)
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username="admin", email=email, password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Administrator created. Log in at /admin/ as 'admin' with password: {password}"
            )
        )

    def _give_email(self, user: Any, email: str) -> None:
        """An e-mail address for an administrator who has none; an address an editor has set
        in the admin is never overwritten."""
        if email and not user.email:
            user.email = email
            user.save(update_fields=["email"])
            self.stdout.write(f"Administrator '{user.get_username()}' now has the e-mail address {email}.")
