import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Make sure an administrator exists. Uses DJANGO_SUPERUSER_USERNAME and "
        "DJANGO_SUPERUSER_PASSWORD when set; otherwise creates 'admin' with a generated "
        "password and prints it once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "").strip()
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        if bool(username) != bool(password):
            raise CommandError("set both DJANGO_SUPERUSER_USERNAME and DJANGO_SUPERUSER_PASSWORD, or neither")
        if username:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": True, "is_superuser": True}
            )
            if created:
                user.set_password(password)
                user.save()
                self.stdout.write(f"Administrator '{username}' created from the environment.")
            return
        if User.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username="admin", email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Administrator created. Log in at /admin/ as 'admin' with password: {password}"
            )
        )
