import pytest
from django.test import Client

from newsdesk.articles.tests.factories import article_publish


@pytest.mark.django_db
class TestEditionRouting:
    @pytest.mark.parametrize(
        ("path", "lang", "home_title"),
        [("/ru/", "ru", "Главная"), ("/kk/", "kk", "Басты бет"), ("/en/", "en", "Home")],
    )
    def test_each_edition_has_its_home(
        self, homes, client: Client, path: str, lang: str, home_title: str
    ) -> None:
        response = client.get(path)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{lang}">' in html
        assert response.context["page"].title == home_title

    def test_root_redirects_to_the_default_russian_edition(self, homes, client: Client) -> None:
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/ru/"

    @pytest.mark.parametrize(
        "path", ["/de/", "/de/politics/", "/pt-br/", "/en/no-such-page/", "/ru/politics/no-such-article/"]
    )
    def test_unknown_edition_or_page_is_404(self, homes, client: Client, path: str) -> None:
        assert client.get(path).status_code == 404

    def test_sections_are_named_in_the_editions_language(self, sections, client: Client) -> None:
        assert "Экономика" in client.get("/ru/").content.decode()
        html = client.get("/kk/").content.decode()
        assert "Саясат" in html and "Мәдениет" in html
        assert client.get("/en/culture/").context["page"].title == "Culture"


@pytest.mark.django_db
class TestSwitcherAndHreflang:
    def test_switcher_leads_to_the_linked_translation(self, seed_article, client: Client) -> None:
        html = client.get(seed_article.url).content.decode()
        ru = seed_article.get_translation(seed_article.locale.__class__.objects.get(language_code="ru"))
        kk = seed_article.get_translation(seed_article.locale.__class__.objects.get(language_code="kk"))
        assert f'<a href="{ru.url}" hreflang="ru" lang="ru" data-edition="ru">Русский</a>' in html
        assert f'<a href="{kk.url}" hreflang="kk" lang="kk" data-edition="kk">Қазақша</a>' in html

    def test_hreflang_alternates_link_translations(self, seed_article, client: Client) -> None:
        html = client.get(seed_article.url).content.decode()
        for code in ("ru", "kk", "en"):
            assert f'<link rel="alternate" hreflang="{code}" href="http://testserver/{code}/politics/' in html

    def test_without_translation_the_switcher_leads_to_the_edition_home(
        self, sections, client: Client
    ) -> None:
        article = article_publish(section=sections[("en", "sport")], title="English only")
        html = client.get(article.url).content.decode()
        assert '<a href="/ru/" hreflang="ru" lang="ru" data-edition="ru">Русский</a>' in html
        assert '<a href="/kk/" hreflang="kk" lang="kk" data-edition="kk">Қазақша</a>' in html
        assert 'rel="alternate" hreflang="ru"' not in html

    def test_unpublished_translation_is_not_offered(self, seed_article, client: Client) -> None:
        from wagtail.models import Locale

        ru = seed_article.get_translation(Locale.objects.get(language_code="ru"))
        ru.unpublish()
        html = client.get(seed_article.url).content.decode()
        assert '<a href="/ru/" hreflang="ru"' in html
        assert f'href="{ru.url}"' not in html


@pytest.mark.django_db
class TestListings:
    def test_section_paginates(self, sections, client: Client) -> None:
        section = sections[("en", "society")]
        for n in range(23):
            article_publish(section=section, title=f"Story {n}", slug=f"story-{n}")
        first = client.get(section.url)
        assert len(first.context["articles"]) == 20
        second = client.get(section.url + "?page=2")
        assert [a.title for a in second.context["articles"]] == ["Story 2", "Story 1", "Story 0"]
        assert client.get(section.url + "?page=999").context["articles"].number == 2
        assert client.get(section.url + "?page=abc").context["articles"].number == 1

    def test_tag_page_lists_the_editions_articles_with_the_tag(self, sections, client: Client) -> None:
        tagged = article_publish(section=sections[("en", "economy")], title="Oil output rises")
        tagged.tags.add("oil")
        tagged.save_revision().publish()
        article_publish(section=sections[("en", "economy")], title="Untagged")
        response = client.get("/en/tags/oil/")
        assert response.status_code == 200
        assert [a.title for a in response.context["articles"]] == ["Oil output rises"]
        assert client.get("/en/tags/no-such-tag/").status_code == 404

    def test_front_page_query_count_does_not_grow_with_articles(
        self, sections, client: Client, django_assert_max_num_queries
    ) -> None:
        for code in ("en",):
            for slug in ("politics", "economy", "world"):
                for n in range(3):
                    article_publish(section=sections[(code, slug)], title=f"{slug} {n}", slug=f"{slug}-{n}")
        client.get("/en/")  # warm per-process caches (Site lookup, content types)
        with django_assert_max_num_queries(25) as captured:
            client.get("/en/?nocache=1")
        baseline = len(captured)
        for n in range(10):
            article_publish(section=sections[("en", "politics")], title=f"more {n}", slug=f"more-{n}")
        client.get("/en/")  # publishing dropped the cached most-viewed list: fill it again
        with django_assert_max_num_queries(baseline):
            client.get("/en/?nocache=2")
