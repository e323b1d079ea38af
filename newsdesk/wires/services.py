"""Ingest: a wire's feed into draft articles (issue 11, "Drafts, not publications").

Each item is handled on its own (its own savepoint, its own try): one bad item never stops
the others (PITFALLS 8). Never overwritten once an editor has touched a draft: a revision
after our import revision, a live page, or an item taken or discarded on the wire desk.
docs/wires.md.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.images.models import AbstractImage
from wagtail.models import Locale

from newsdesk.articles.models import ArticlePage, SectionPage
from newsdesk.editions.analysis.transliteration import kazakh_to_latin

from . import duplicates
from .fetch import FetchError, fetch
from .images import DownloadedImage, image_store, images_download
from .items import WireItem as FeedItem
from .known import KnownItems, item_key
from .models import Wire, WireItem, WireItemState
from .packages import package_items_fetch
from .parsing import ParsedFeed, ParseError, feed_parse
from .workflow import WireReview, wire_review_get, wire_review_start

logger = logging.getLogger(__name__)

CREATED = "created"
UPDATED = "updated"
SKIPPED = "skipped"
DUPLICATE = "duplicate"
ERROR = "error"
# States in which the newsroom owns the item: the feed no longer changes its draft.
HANDLED_STATES = (WireItemState.TAKEN, WireItemState.DISCARDED, WireItemState.DUPLICATE)


@dataclass
class Tally:
    found: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0

    def count(self, action: str) -> None:
        name = {CREATED: "created", UPDATED: "updated", ERROR: "errors"}.get(action, "skipped")
        setattr(self, name, getattr(self, name) + 1)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class ItemOutcome:
    item: FeedItem
    action: str  # CREATED, UPDATED, SKIPPED, DUPLICATE or ERROR (a dry run says what it would do)
    reason: str = ""


@dataclass
class IngestResult:
    tally: Tally = field(default_factory=Tally)
    outcomes: list[ItemOutcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    format: str = ""
    not_modified: bool = False


_key = item_key


def item_content_hash(item: FeedItem) -> str:
    data: list[object] = [item.title, item.lead, item.body_html, item.url, item.byline]
    data += [item.published_at.isoformat() if item.published_at else ""]
    # Captions and credits too: they are the lead photo's alt text, caption and credit (issue 14).
    data += [[image.url, image.caption, image.credit] for image in item.images]
    return _key(json.dumps(data, ensure_ascii=False))


def item_text(item: FeedItem) -> str:
    """What near-duplicates are judged on: title, lead and the body's words."""
    from newsdesk.articles.text import rich_text_blocks

    return " ".join([item.title, item.lead, *rich_text_blocks(item.body_html)])


def duplicate_index_build(*, edition: Locale, exclude_partner_id: int | None) -> duplicates.SignatureIndex:
    """Signatures of the edition's recent items from other partners (not duplicates themselves)."""
    since = timezone.now() - timedelta(hours=settings.WIRES_DUPLICATE_WINDOW_HOURS)
    rows = WireItem.objects.filter(wire__edition=edition, received_at__gte=since, signature__isnull=False)
    rows = rows.exclude(state=WireItemState.DUPLICATE)
    if exclude_partner_id is not None:
        rows = rows.exclude(wire__partner_id=exclude_partner_id)
    return duplicates.SignatureIndex.build(list(rows.values_list("pk", "signature")))


# --- Entry points -----------------------------------------------------------------------


def feed_fetch_parse(
    *,
    url: str,
    format: str = "auto",
    etag: str = "",
    last_modified: str = "",
    auth: tuple[str, str] | None = None,
) -> tuple[ParsedFeed | None, Any]:
    """Fetch and parse; (None, result) when the server says not modified. Raises FetchError/ParseError."""
    result = fetch(url, etag=etag, last_modified=last_modified, auth=auth)
    if result.status == 304:
        return None, result
    parsed = feed_parse(result.body, content_type=result.content_type, base_url=result.url, format=format)
    # A packageItem points at its items: fetch each (credentials only to the feed's own origin).
    parsed = package_items_fetch(parsed, package_url=url, auth=auth)
    return parsed, result


def ingest_wire(wire: Wire, *, dry_run: bool = False) -> IngestResult:
    """Fetch the wire's feed and turn its items into drafts (or, dry, say what would happen).

    Raises FetchError or ParseError when the feed cannot be had at all.
    """
    conditional = {} if dry_run else {"etag": wire.etag, "last_modified": wire.last_modified}
    parsed, fetched = feed_fetch_parse(
        url=wire.feed_url, format=wire.format, auth=wire.credentials, **conditional
    )
    if parsed is None:
        return IngestResult(not_modified=True)
    result = items_ingest(parsed=parsed, wire=wire, edition=wire.edition, dry_run=dry_run)
    if not dry_run and not result.tally.errors:
        # Items that failed are tried again on the next poll: keep asking for the whole feed.
        Wire.objects.filter(pk=wire.pk).update(
            etag=fetched.etag[:500], last_modified=fetched.last_modified[:100]
        )
    return result


def ingest_url(*, url: str, edition: Locale, format: str = "auto") -> IngestResult:
    """Try a feed that is not a wire yet: parse it and say what would happen; nothing is written."""
    parsed, _ = feed_fetch_parse(url=url, format=format)
    assert parsed is not None  # no conditional headers were sent
    return items_ingest(parsed=parsed, wire=None, edition=edition, dry_run=True)


def items_ingest(*, parsed: ParsedFeed, wire: Wire | None, edition: Locale, dry_run: bool) -> IngestResult:
    result = IngestResult(format=parsed.format, problems=list(parsed.problems))
    result.tally.found = len(parsed.items) + len(parsed.problems) + len(parsed.unread)
    result.tally.errors = len(parsed.problems)
    index = duplicate_index_build(edition=edition, exclude_partner_id=wire.partner_id if wire else None)
    # Looked up once per poll, not once per draft.
    review = wire_review_get() if wire is not None and not dry_run and parsed.items else None
    known = KnownItems.load(wire=wire, items=parsed.items)
    for item in parsed.items:
        try:
            outcome = item_ingest(
                item=item,
                wire=wire,
                index=index,
                dry_run=dry_run,
                problems=result.problems,
                review=review,
                known=known,
            )
        except Exception as exc:  # one bad item never stops the others
            logger.exception("wire %s: item %.200r failed", wire.pk if wire else "-", item.guid)
            outcome = ItemOutcome(item=item, action=ERROR, reason=f"{type(exc).__name__}: {exc}"[:300])
            result.problems.append(f"item {item.guid[:200]}: {outcome.reason}")
        result.tally.count(outcome.action)
        result.outcomes.append(outcome)
    for item in parsed.unread:  # listed by a package beyond its cap: never fetched
        result.tally.count(SKIPPED)
        result.outcomes.append(ItemOutcome(item=item, action=SKIPPED, reason="beyond the package's cap"))
    return result


# --- One item ---------------------------------------------------------------------------


def item_ingest(
    *,
    item: FeedItem,
    wire: Wire | None,
    index: duplicates.SignatureIndex,
    dry_run: bool,
    problems: list[str],
    review: WireReview | None = None,
    known: KnownItems | None = None,
) -> ItemOutcome:
    content_hash = item_content_hash(item)
    known = known if known is not None else KnownItems.load(wire=wire, items=[item])
    existing = known.find(item)
    if existing is not None:
        reason = wire_item_update_refusal(existing=existing, content_hash=content_hash)
        if reason:
            return ItemOutcome(item=item, action=SKIPPED, reason=reason)
        if dry_run:
            return ItemOutcome(item=item, action=UPDATED)
        assert wire is not None
        images, image_problems = images_download(images=item.images)
        problems.extend(image_problems)
        with transaction.atomic():
            draft_update(wire_item=existing, item=item, wire=wire, images=images, content_hash=content_hash)
        known.add(existing)
        return ItemOutcome(item=item, action=UPDATED)

    signature = duplicates.signature_of(item_text(item))
    found = index.find(signature, threshold=settings.WIRES_DUPLICATE_THRESHOLD)
    if found is not None:
        if not dry_run and wire is not None:
            known.add(
                wire_item_create(
                    wire=wire,
                    item=item,
                    content_hash=content_hash,
                    signature=signature,
                    duplicate_of_id=found[0],
                )
            )
        return ItemOutcome(
            item=item, action=DUPLICATE, reason=f"also reported by item {found[0]} ({found[1]:.2f})"
        )
    if dry_run or wire is None:
        return ItemOutcome(item=item, action=CREATED)
    images, image_problems = images_download(images=item.images)
    problems.extend(image_problems)
    with transaction.atomic():
        article = draft_create(item=item, wire=wire, images=images, review=review)
        created = wire_item_create(
            wire=wire, item=item, content_hash=content_hash, signature=signature, article=article
        )
    known.add(created)  # after the commit: a rolled-back item is not known
    return ItemOutcome(item=item, action=CREATED)


def wire_item_update_refusal(*, existing: WireItem, content_hash: str) -> str:
    """Why the feed may not change this item's draft, or "" when it may."""
    if existing.content_hash == content_hash:
        return "unchanged"
    if existing.state in HANDLED_STATES:
        return f"already {existing.get_state_display().lower()}"
    article = existing.article
    if article is None:
        return "draft deleted"
    if article.live or article.locked or article.latest_revision_id != existing.import_revision_id:
        return "edited by the newsroom"
    return ""


def wire_item_create(
    *,
    wire: Wire,
    item: FeedItem,
    content_hash: str,
    signature: Any,
    article: ArticlePage | None = None,
    duplicate_of_id: int | None = None,
) -> WireItem:
    return WireItem.objects.create(
        wire=wire,
        guid=item.guid,
        guid_key=_key(item.guid),
        url=item.url,
        url_key=_key(item.url),
        title=item.title[:255],
        published_at=item.published_at,
        content_hash=content_hash,
        signature=duplicates.signature_to_bytes(signature),
        article=article,
        import_revision=article.latest_revision if article is not None else None,
        duplicate_of_id=duplicate_of_id,
        state=WireItemState.DUPLICATE if duplicate_of_id else WireItemState.NEW,
    )


def _slug(item: FeedItem, wire: Wire) -> str:
    """Unique under the section: two wires (a partner's package and its items, say) may send
    the same GUID into one section, so the wire is part of the suffix."""
    base = slugify(kazakh_to_latin(item.title))[:60].strip("-") or "wire"
    return f"{base}-{_key(f'{wire.pk}:{item.guid}')[:10]}"


@dataclass(frozen=True)
class StoredImage:
    image: AbstractImage
    caption: str  # plain text, at most CAPTION_MAX_CHARS
    credit: str
    alt: str  # the caption, else the item's title: an editor can publish without retyping


# The lengths of ArticlePage.listing_image_* and of ImageBlock's children.
ALT_MAX_CHARS = CAPTION_MAX_CHARS = 300
CREDIT_MAX_CHARS = 200


def _draft_fields(article: ArticlePage, *, item: FeedItem, wire: Wire, images: list[StoredImage]) -> None:
    article.title = item.title[:255] or item.guid[:255]
    article.lead = item.lead[:600]
    article.original_url = item.url[:1000]
    article.published_at = item.published_at
    article.source = wire.partner
    # The first photo is the lead photo, shown above the text (issue 14): not again in the body.
    lead, rest = (images[0], images[1:]) if images else (None, [])
    blocks: list[tuple[str, Any]] = [
        ("image", {"image": one.image, "alt": one.alt, "caption": one.caption, "credit": one.credit})
        for one in rest
    ]
    if item.body_html:
        blocks.append(("paragraph", item.body_html))
    article.body = blocks
    article.listing_image = lead.image if lead else None
    article.listing_image_alt = lead.alt if lead else ""
    article.listing_image_caption = lead.caption if lead else ""
    article.listing_image_credit = lead.credit if lead else ""


def _stored_images(*, images: list[DownloadedImage], item: FeedItem, wire: Wire) -> list[StoredImage]:
    stored: list[StoredImage] = []
    for image in images:
        caption = image.source.caption.strip()[:CAPTION_MAX_CHARS].strip()
        stored.append(
            StoredImage(
                image=image_store(image=image, title=item.title),
                caption=caption,
                credit=(image.source.credit or wire.credit)[:CREDIT_MAX_CHARS],
                alt=(caption or item.title or item.guid)[:ALT_MAX_CHARS].strip(),
            )
        )
    return stored


def draft_create(
    *, item: FeedItem, wire: Wire, images: list[DownloadedImage], review: WireReview | None = None
) -> ArticlePage:
    """A draft (never live) under the wire's section, in the "Wire review" workflow."""
    section: SectionPage = wire.section
    article = ArticlePage(slug=_slug(item, wire), live=False, locale=wire.edition)
    _draft_fields(article, item=item, wire=wire, images=_stored_images(images=images, item=item, wire=wire))
    section.add_child(instance=article)
    # clean=False: add_child has just run Wagtail's own checks (slug, locale) on these values,
    # and the fields are ours, already bounded (the full clean would query them all again).
    revision = article.save_revision(user=None, log_action=True, clean=False)
    wire_review_start(article=article, revision=revision, review=review)
    return article


def draft_update(
    *, wire_item: WireItem, item: FeedItem, wire: Wire, images: list[DownloadedImage], content_hash: str
) -> None:
    assert wire_item.article is not None
    article = wire_item.article.get_latest_revision_as_object()
    _draft_fields(article, item=item, wire=wire, images=_stored_images(images=images, item=item, wire=wire))
    revision = article.save_revision(user=None, log_action=True, clean=False)
    wire_item.title = item.title[:255]
    wire_item.url = item.url
    wire_item.url_key = _key(item.url)
    wire_item.published_at = item.published_at
    wire_item.content_hash = content_hash
    wire_item.signature = duplicates.signature_to_bytes(duplicates.signature_of(item_text(item)))
    wire_item.import_revision = revision
    wire_item.article.latest_revision_id = revision.pk  # what the next look-up in this poll sees
    wire_item.state = WireItemState.UPDATED
    wire_item.save()


def error_line(exc: BaseException) -> str:
    """One line saying why: the fetch/parse reason as is, else the exception's type and text."""
    text = str(exc) if isinstance(exc, (FetchError, ParseError)) else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:1000] or type(exc).__name__
