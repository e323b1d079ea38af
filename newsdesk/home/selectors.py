from dataclasses import dataclass

from django.http import HttpRequest
from wagtail.models import Page

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.articles.selectors import article_list_in_section, article_list_latest

SECTION_BLOCK_SIZE = 4
LATEST_SIZE = 10


@dataclass
class SectionBlock:
    section: SectionPage
    articles: list[ArticlePage]


def front_page_blocks(*, home: Page) -> dict[str, object]:
    """Lead story, latest news and one block per section for an edition's front page.

    Costs one query for the lead, one for the latest, one for the sections and one per
    section, whatever the number of articles (pinned by a test).
    """
    lead = None
    lead_id = getattr(home, "lead_article_id", None)
    if lead_id:
        lead = ArticlePage.objects.published().for_listing().filter(pk=lead_id).first()
    latest = article_list_latest(edition=home.locale_id, limit=LATEST_SIZE + 1)
    if lead is None and latest:
        lead = latest[0]
    latest = [a for a in latest if lead is None or a.pk != lead.pk][:LATEST_SIZE]
    sections = SectionPage.objects.child_of(home).live().order_by("order", "title")
    blocks = []
    for section in sections:
        articles = article_list_in_section(section=section, limit=SECTION_BLOCK_SIZE)
        if articles:
            blocks.append(SectionBlock(section=section, articles=articles))
    return {"lead": lead, "latest": latest, "sections": list(sections), "section_blocks": blocks}


def edition_navigation(*, request: HttpRequest | None, language_code: str) -> dict[str, object]:
    """The header: the edition's home and its live sections, in their order."""
    from newsdesk.editions.selectors import edition_homes

    home = edition_homes(request=request).get(language_code)
    if home is None:
        return {"home": None, "sections": []}
    sections = list(SectionPage.objects.child_of(home).live().order_by("order", "title"))
    return {"home": home, "sections": sections}
