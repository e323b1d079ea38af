from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

ALT_HELP = _("What the photo shows, for readers who cannot see it.")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    # Required for new photos (wire drafts fill it from the caption or title); blocks saved
    # before it existed fall back to the image's own description or title.
    alt = blocks.CharBlock(max_length=300, label=_("alt text"), help_text=ALT_HELP)
    caption = blocks.CharBlock(required=False, max_length=300, label=_("caption"))
    credit = blocks.CharBlock(required=False, max_length=200, label=_("credit"))

    class Meta:
        icon = "image"
        template = "articles/blocks/image.html"


class GalleryImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(max_length=300, label=_("alt text"), help_text=ALT_HELP)
    caption = blocks.CharBlock(required=False, max_length=300, label=_("caption"))
    credit = blocks.CharBlock(required=False, max_length=200, label=_("credit"))

    class Meta:
        icon = "image"


class GalleryBlock(blocks.StructBlock):
    """Photos a reader swipes through (phones) or steps through with buttons and arrow keys
    (static/articles/gallery.js); without the script it is a row that scrolls and snaps."""

    title = blocks.CharBlock(
        required=False, max_length=200, label=_("title"), help_text=_("Names the gallery for screen readers.")
    )
    images = blocks.ListBlock(GalleryImageBlock(), min_num=2, max_num=40, label=_("photos"))

    class Meta:
        icon = "image"
        label = _("photo gallery")
        template = "articles/blocks/gallery.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(required=False, max_length=200, label=_("attribution"))
    # A quote in another language than the article's (a Russian minister in a Kazakh story):
    # its `lang` tells screen readers, and the Latin pages keep it as written (issue 13).
    language = blocks.ChoiceBlock(
        choices=[("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))],
        required=False,
        label=_("language of the quote"),
        help_text=_("Only if it differs from the article's."),
    )

    class Meta:
        icon = "openquote"
        template = "articles/blocks/quote.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        # notranslit, lang-ru, lang-en: kept as written on the Latin pages (editions/wagtail_hooks.py).
        features=["bold", "italic", "link", "ol", "ul", "h2", "h3", "notranslit", "lang-ru", "lang-en"],
        label=_("paragraph"),
    )
    image = ImageBlock(label=_("image"))
    gallery = GalleryBlock(label=_("photo gallery"))
    quote = QuoteBlock(label=_("quote"))
    embed = EmbedBlock(label=_("embed"), max_width=800)
