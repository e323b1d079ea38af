"""The wire's admin form: the HTTP password is write-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm


class WireForm(WagtailAdminModelForm):
    password = forms.CharField(
        label=_("HTTP password"),
        required=False,
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Never shown; leave empty to keep the stored one. Clear the user name to remove both."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("username"):
            cleaned["password"] = ""
        elif not cleaned.get("password") and self.instance.pk:
            cleaned["password"] = (
                type(self.instance).objects.values_list("password", flat=True).get(pk=self.instance.pk)
            )
        return cleaned
