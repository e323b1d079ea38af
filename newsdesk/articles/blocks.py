from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(required=False, max_length=300, label=_("caption"))
    credit = blocks.CharBlock(required=False, max_length=200, label=_("credit"))

    class Meta:
        icon = "image"
        template = "articles/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(required=False, max_length=200, label=_("attribution"))

    class Meta:
        icon = "openquote"
        template = "articles/blocks/quote.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h2", "h3"], label=_("paragraph")
    )
    image = ImageBlock(label=_("image"))
    quote = QuoteBlock(label=_("quote"))
    embed = EmbedBlock(label=_("embed"), max_width=800)
