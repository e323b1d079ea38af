from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from wagtail.models import Page, Site

from newsdesk.core.fragments import fragment_get_or_set

from .models import Edition


@dataclass(frozen=True)
class EditionLink:
    language_code: str
    name: str
    url: str
    is_current: bool
    is_translation: bool


def edition_get(*, language_code: str) -> Edition | None:
    return Edition.objects.select_related("locale").filter(locale__language_code=language_code).first()


def edition_get_for_request(*, request: HttpRequest, language_code: str) -> Edition | None:
    """`edition_get`, read once per process until a change (every page shows its edition)."""
    return fragment_get_or_set(
        "edition",
        (language_code,),
        lambda: edition_get(language_code=language_code),
        request=request,
        shared=False,
    )


def edition_language_name(language_code: str) -> str:
    return dict(settings.LANGUAGES).get(language_code, language_code)


def edition_homes(*, request: HttpRequest | None = None) -> dict[str, Page]:
    """The edition home pages of the current site, by language code."""
    site = Site.find_for_request(request) if request is not None else Site.objects.get(is_default_site=True)
    if site is None:
        return {}
    homes = site.root_page.get_translations(inclusive=True).live().select_related("locale")
    return {home.locale.language_code: home for home in homes}


def edition_links_for_page(
    *, page: Page | None, request: HttpRequest | None, current: str
) -> list[EditionLink]:
    """Switcher entries: the page's live translation in each edition, else that edition's home.

    Read once per process until a change (the switcher and the hreflang links share them).
    """
    page_id = page.pk if isinstance(page, Page) else None
    site = Site.find_for_request(request)
    return fragment_get_or_set(
        "edition-links",
        (site.pk if site else None, page_id, current),
        lambda: _edition_links_read(page=page, request=request, current=current),
        request=request,
        shared=False,
    )


def _edition_links_read(*, page: Page | None, request: HttpRequest | None, current: str) -> list[EditionLink]:
    translations: dict[str, Page] = {}
    if isinstance(page, Page):
        translations = {
            p.locale.language_code: p
            for p in page.get_translations(inclusive=True).live().select_related("locale")
        }
    homes = edition_homes(request=request)
    links = []
    for code, name in settings.LANGUAGES:
        target = translations.get(code) or homes.get(code)
        if target is None:
            continue
        links.append(
            EditionLink(
                language_code=code,
                name=name,
                url=target.get_url(request=request) or "",
                is_current=code == current,
                is_translation=code in translations,
            )
        )
    return links
