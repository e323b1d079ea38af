import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from newsdesk.articles.models import ArticlePage
from newsdesk.editions.models import Edition
from newsdesk.home.demo_photos import demo_photos_read
from newsdesk.home.services import DEMO_CONTENT

SPACE_SLUGS = (
    "v-astane-otkrylas-vystavka-kosmicheskoi-fotografii",
    "astanada-garysh-fotosuretterinin-kormesi-ashyldy",
    "astana-exhibition-shows-space-photography",
)


def snapshot() -> tuple[int, int, int, list[str], int]:
    return (
        Page.objects.count(),
        Revision.objects.count(),
        ArticlePage.objects.filter(live=True).count(),
        sorted(Edition.objects.values_list("name", flat=True)),
        get_image_model().objects.count(),
    )


@pytest.mark.django_db
def test_demo_loader_is_idempotent(homes) -> None:
    out = StringIO()
    call_command("home_load_demo", stdout=out)
    stories = json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))["stories"]
    assert f"created {len(stories) * 3}, unchanged 0" in out.getvalue()
    first = snapshot()
    out = StringIO()
    call_command("home_load_demo", stdout=out)
    assert f"created 0, unchanged {len(stories) * 3}" in out.getvalue()
    assert snapshot() == first


@pytest.mark.django_db
def test_demo_content_is_alive_in_every_edition(homes) -> None:
    call_command("home_load_demo", stdout=StringIO())
    for code in ("ru", "kk", "en"):
        articles = ArticlePage.objects.published().in_edition(code)
        assert articles.count() >= 13
        sections = {a.get_parent().slug for a in articles}
        assert len(sections) >= 4
    seed = ArticlePage.objects.get(slug="kazakh-and-russian-presidents-held-a-meeting")
    translations = {p.locale.language_code for p in seed.get_translations(inclusive=True)}
    assert translations == {"ru", "kk", "en"}


@pytest.mark.django_db
def test_demo_content_never_overwrites_an_editors_change(homes) -> None:
    call_command("home_load_demo", stdout=StringIO())
    seed = ArticlePage.objects.get(slug="kazakh-and-russian-presidents-held-a-meeting")
    seed.title = "Edited by the desk"
    seed.save_revision().publish()
    call_command("home_load_demo", stdout=StringIO())
    seed.refresh_from_db()
    assert seed.title == "Edited by the desk"


@pytest.mark.django_db
def test_malformed_demo_file_fails_with_one_line(homes, tmp_path) -> None:
    bad = tmp_path / "stories.json"
    bad.write_text('{"stories": [{"key": "x"}]}', encoding="utf-8")
    with pytest.raises(CommandError, match="demo content is malformed: story 1: missing section"):
        call_command("home_load_demo", "--file", str(bad), stdout=StringIO())
    with pytest.raises(CommandError, match="demo content file is missing"):
        call_command("home_load_demo", "--file", str(tmp_path / "nope.json"), stdout=StringIO())
    assert ArticlePage.objects.count() == 0


@pytest.mark.django_db
def test_demo_articles_have_real_photographs_with_credits_and_a_gallery(homes, client) -> None:
    """Issue 14: photographs shipped with the code (no network), each credited with its licence;
    one story has a lead photo and a gallery, in all three editions."""
    call_command("home_load_demo", stdout=StringIO())
    manifest = demo_photos_read()
    images = get_image_model().objects.all()
    assert images.count() == len(manifest) == 6
    for image in images:
        with image.file.open("rb") as handle, PILImage.open(handle) as picture:
            assert picture.format == "JPEG" and min(picture.size) >= 300
            colours = picture.convert("RGB").resize((32, 32)).getcolors(1024)
            assert colours is None or len(colours) > 100  # a photograph, not a drawn placeholder
    for photo in manifest:
        assert photo["credit"].endswith(("public domain", "CC0")) and photo["licence"]
    for code in ("ru", "kk", "en"):
        story = ArticlePage.objects.in_edition(code).get(slug__in=SPACE_SLUGS)
        assert story.listing_image is not None and story.listing_image_alt and story.listing_image_credit
        gallery = next(block for block in story.body if block.block_type == "gallery")
        assert len(gallery.value["images"]) >= 2
        assert all(item["alt"] and item["credit"] for item in gallery.value["images"])
        html = client.get(story.url).content.decode()
        assert 'fetchpriority="high"' in html and "data-gallery" in html and "gallery.js" in html
    english = ArticlePage.objects.in_edition("en").get(slug__in=SPACE_SLUGS)
    assert english.listing_image_credit == "SpaceX, public domain"
    assert english.listing_image_alt.startswith("A Falcon 9 rocket at night")
    assert (
        ArticlePage.objects.in_edition("ru").get(slug__in=SPACE_SLUGS).listing_image_alt.startswith("Ракета")
    )
