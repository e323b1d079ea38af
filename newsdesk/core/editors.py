"""Who works on which edition: the one rule behind every newsroom view and e-mail.

A Wagtail page permission granted on the tree's root counts for every edition; one granted
on a page inside an edition's subtree counts for that edition; superusers hold them all.
The error-report inbox (publish), the view reports and translation suggestions (change) and
the editors' digest e-mail all ask here, so they cannot disagree about who is an editor.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.utils.functional import Promise
from wagtail.models import GroupPagePermission, Locale

# An edition's editors: those who may publish in it.
EDITOR_PERMISSION = "publish_page"


def editions_for_user(*, user: User | AnonymousUser, permission: str = EDITOR_PERMISSION) -> list[Locale]:
    """Editions in which the user holds a page permission (publish: the edition's editors)."""
    if not user.is_active:
        return []
    locales = list(Locale.objects.all())
    if user.is_superuser:
        return locales
    granted = GroupPagePermission.objects.filter(
        group__user=user, permission__codename=permission
    ).select_related("page")
    result: dict[int, Locale] = {}
    for grant in granted:
        if grant.page.depth == 1:
            return locales
        result[grant.page.locale_id] = next(loc for loc in locales if loc.pk == grant.page.locale_id)
    return list(result.values())


def edition_editors(*, locale: Locale, permission: str = EDITOR_PERMISSION) -> list[User]:
    """The active users with an e-mail address who hold `permission` in the edition.

    The same grants as `editions_for_user`, read the other way round. With nobody set up yet
    (a fresh install) the administrators stand in, so that no e-mail goes nowhere.
    """
    User = get_user_model()
    grants = GroupPagePermission.objects.filter(permission__codename=permission).filter(
        Q(page__depth=1) | Q(page__locale=locale)
    )
    with_email = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    editors = list(with_email.filter(groups__in=grants.values("group")).distinct())
    if editors:
        return editors
    return list(with_email.filter(is_superuser=True))


def request_editions(request: HttpRequest, *, permission: str = EDITOR_PERMISSION) -> list[Locale]:
    """`editions_for_user` for the request's user, looked up once per request and permission."""
    memo: dict[str, list[Locale]] = request.__dict__.setdefault("_newsdesk_editions", {})
    if permission not in memo:
        memo[permission] = editions_for_user(user=request.user, permission=permission)
    return memo[permission]


def request_editions_require(
    request: HttpRequest, *, permission: str = EDITOR_PERMISSION, message: Promise | str = ""
) -> list[Locale]:
    """The user's editions, or PermissionDenied when there are none (Wagtail's admin turns it
    into a redirect to the dashboard with a message, or a 403 for XHR)."""
    editions = request_editions(request, permission=permission)
    if not editions:
        raise PermissionDenied(str(message)) if message else PermissionDenied
    return editions
