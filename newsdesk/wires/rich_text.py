"""External links in rendered rich text get `rel="nofollow noopener"` (issue 11, "Drafts").

Wagtail's database format keeps only `href` on a link (its converter drops `rel`), and an editor
who saves the draft in Draftail would drop it again. So the attribute is added where rich text
is rendered: Wagtail's rewriter asks the handler registered for the "external" link type (every
`<a href="http(s)://...">`) for the opening tag. This applies to every external link in rich
text, the editors' own included: we vouch for none of the sites we link to (docs/wires-fetch.md).
"""

from __future__ import annotations

from django.utils.html import escape
from wagtail import hooks
from wagtail.rich_text import LinkHandler
from wagtail.rich_text.feature_registry import FeatureRegistry

EXTERNAL_LINK_REL = "nofollow noopener"


class ExternalLinkHandler(LinkHandler):
    identifier = "external"

    @staticmethod
    def expand_db_attributes(attrs: dict) -> str:
        # The rewriter only calls this for hrefs starting with http: or https:.
        return f'<a href="{escape(attrs.get("href", ""))}" rel="{EXTERNAL_LINK_REL}">'


@hooks.register("register_rich_text_features")
def register_external_link_handler(features: FeatureRegistry) -> None:
    features.register_link_type(ExternalLinkHandler)
