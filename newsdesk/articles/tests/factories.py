from contextlib import AbstractContextManager
from datetime import datetime

import factory
import wagtail_factories
from django.test import TestCase
from django.utils import timezone

from newsdesk.articles.models import ArticlePage, Author, PartnerAgency, SectionPage


class PartnerAgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerAgency
        django_get_or_create = ("name",)

    name = "Kazinform"
    url = "https://www.inform.kz/"


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.Sequence(lambda n: f"reporter-{n}")


class ArticlePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    lead = "A lead sentence."
    body = factory.LazyAttribute(lambda o: [("paragraph", f"<p>Body of {o.title}.</p>")])
    published_at = factory.LazyFunction(timezone.now)


def article_publish(
    *,
    section: SectionPage,
    title: str,
    slug: str | None = None,
    published_at: datetime | None = None,
    paragraphs: list[str] | None = None,
    **fields: object,
) -> ArticlePage:
    """A live article in `section`, published through Wagtail's revision machinery."""
    article = ArticlePageFactory.build(
        title=title,
        slug=slug or title.lower().replace(" ", "-")[:60],
        locale_id=section.locale_id,
        published_at=published_at or timezone.now(),
        body=[("paragraph", f"<p>{p}</p>") for p in (paragraphs or [f"Body of {title}."])],
        **fields,
    )
    with committed():
        section.add_child(instance=article)
        article.save_revision().publish()
    article.refresh_from_db()
    return article


def committed() -> AbstractContextManager[list]:
    """Run what waits for the commit (index updates, purges) at the end of the block, as a real
    commit would; inside a test's transaction those callbacks would otherwise never run."""
    return TestCase.captureOnCommitCallbacks(execute=True)
