import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from newsdesk.editions.models import Edition


def member_of(group: str, username: str) -> User:
    user = User.objects.create_user(username=username, password="pw")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.django_db
class TestEditionAdmin:
    def test_editor_edits_the_copyright_notice(self, homes, client: Client) -> None:
        client.force_login(member_of("Editors", "eddie"))
        edition = Edition.objects.get(locale__language_code="kk")
        url = reverse("wagtailsnippets_editions_edition:edit", args=(edition.pk,))
        assert client.get(url).status_code == 200
        response = client.post(
            url, {"name": "Қазақстан Бүгін", "tagline": "", "copyright_notice": "Жаңа ескерту."}
        )
        assert response.status_code == 302
        edition.refresh_from_db()
        assert edition.copyright_notice == "Жаңа ескерту."
        assert "Жаңа ескерту." in client.get("/kk/").content.decode()

    def test_editions_are_neither_added_nor_deleted(self, homes, client: Client) -> None:
        client.force_login(User.objects.create_superuser("boss", password="pw"))
        edition = Edition.objects.get(locale__language_code="en")
        add = client.get(reverse("wagtailsnippets_editions_edition:add"))
        delete = client.post(reverse("wagtailsnippets_editions_edition:delete", args=(edition.pk,)))
        assert add.status_code in (302, 403)
        assert delete.status_code in (302, 403)
        assert Edition.objects.filter(pk=edition.pk).exists()

    def test_reporter_cannot_change_an_edition(self, homes, client: Client) -> None:
        client.force_login(member_of("Reporters", "rita"))
        edition = Edition.objects.get(locale__language_code="ru")
        url = reverse("wagtailsnippets_editions_edition:edit", args=(edition.pk,))
        before = edition.copyright_notice
        response = client.post(url, {"name": "x", "tagline": "", "copyright_notice": "forged"})
        assert (response.status_code, response.get("Location")) in ((403, None), (302, "/admin/"))
        edition.refresh_from_db()
        assert edition.copyright_notice == before

    def test_edition_name_is_escaped_in_the_admin_listing(self, homes, client: Client) -> None:
        Edition.objects.filter(locale__language_code="en").update(name="<script>alert(1)</script>")
        client.force_login(member_of("Editors", "eddie"))
        html = client.get(reverse("wagtailsnippets_editions_edition:list")).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "dashboard_word"), [("ru", "Панель управления"), ("en", "Dashboard")])
def test_admin_works_in_russian_and_english(
    homes, client: Client, language: str, dashboard_word: str
) -> None:
    from wagtail.users.models import UserProfile

    user = User.objects.create_superuser("boss", password="pw")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    assert f'lang="{language}"' in html
    assert dashboard_word in html
