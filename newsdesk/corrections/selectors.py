"""Reads: which reports an editor may see, where a report sits in its article, who is told."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail.models import Locale

from newsdesk.articles.models import ArticlePage
from newsdesk.articles.text import rich_text_blocks
from newsdesk.core.editors import EDITOR_PERMISSION, editions_for_user
from newsdesk.editions.latin_html import html_to_latin, text_to_latin
from newsdesk.editions.scripts import LATIN_PREFIX

from .models import CorrectionNote, ErrorReport, ErrorReportStatus

# Elements the reader script treats as one paragraph (error-report.js, BLOCK_SELECTOR).
WHITESPACE = re.compile(r"\s+")
ELLIPSIS = "…"


def text_collapse(value: str) -> str:
    """Whitespace runs become one space, as the reader script sends text."""
    return WHITESPACE.sub(" ", value)


def text_format_chars_strip(value: str) -> str:
    """Drop Unicode format characters (category Cf): zero-width spaces and joiners, soft
    hyphens, BOMs and bidi controls (U+202A..U+202E, U+2066..U+2069), which would let a
    report look non-empty or show editors text in another order than it was sent."""
    if value.isascii():
        return value
    return "".join(char for char in value if unicodedata.category(char) != "Cf")


# --- Articles a reader may report on ---------------------------------------------------


def article_for_report(*, article_id: int) -> ArticlePage | None:
    """The live, published article a report is about, or None (unknown, draft, unpublished)."""
    return (
        ArticlePage.objects.published()
        .select_related("locale", "live_revision")
        .filter(pk=article_id)
        .first()
    )


# --- Who may see what ------------------------------------------------------------------


def error_report_editions_for_user(*, user: User | AnonymousUser) -> list[Locale]:
    """Editions whose reports the user may read and handle: where they may publish."""
    if not user.is_authenticated:
        return []
    return editions_for_user(user=user, permission=EDITOR_PERMISSION)


def error_reports_for_user(*, user: User | AnonymousUser) -> QuerySet[ErrorReport]:
    editions = error_report_editions_for_user(user=user)
    return ErrorReport.objects.filter(locale__in=editions).select_related(
        "article", "locale", "revision", "handled_by"
    )


def error_report_new_count(*, editions: list[Locale]) -> int:
    if not editions:
        return 0
    return ErrorReport.objects.filter(locale__in=editions, status=ErrorReportStatus.NEW).count()


# --- Public correction notes -----------------------------------------------------------


def correction_notes_for_article(*, article: ArticlePage) -> list[CorrectionNote]:
    return list(CorrectionNote.objects.filter(article=article, published=True).order_by("created_at", "pk"))


# --- Where the report sits in its article ----------------------------------------------


@dataclass(frozen=True)
class Excerpt:
    """A paragraph split around the reported selection, all plain (unescaped) text."""

    before: str
    selected: str
    after: str
    # False when the place was not found in the article and the reader's context is shown.
    from_article: bool
    # Reported from the Latin page (issue 13): the paragraph as written, in Cyrillic.
    original: str = ""

    def as_html(self) -> SafeString:
        # format_html escapes every piece: reader text never reaches the page as markup.
        return format_html("{}<mark>{}</mark>{}", self.before, self.selected, self.after)

    def trimmed(self, radius: int) -> Excerpt:
        """At most `radius` characters each side of the selection, cut at a word."""
        before, after = self.before, self.after
        if len(before) > radius:
            cut = before[-radius:]
            cut = cut.split(" ", 1)[1] if " " in cut[:30] else cut
            before = ELLIPSIS + cut
        if len(after) > radius:
            cut = after[:radius]
            cut = cut.rsplit(" ", 1)[0] if " " in cut[-30:] else cut
            after = cut + ELLIPSIS
        return Excerpt(before, self.selected, after, self.from_article, self.original)


def _stream_data(raw: object) -> list[dict]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    return [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []


def article_text_blocks(*, body_data: object, latin: bool = False) -> list[str]:
    """The reader-visible text of a body StreamField, one string per paragraph-like element;
    `latin`: as the Kazakh Latin page shows it (marked spans as written), same order.

    Works on the raw stream data (a revision's `content["body"]`), so showing a page of
    reports does not build a page object per revision.
    """
    texts: list[str] = []
    for block in _stream_data(body_data):
        kind, value = block.get("type"), block.get("value")
        if kind == "paragraph" and isinstance(value, str):
            texts.extend(rich_text_blocks(html_to_latin(value) if latin else value))
        elif kind == "quote" and isinstance(value, dict):
            quote, attribution = str(value.get("quote") or ""), str(value.get("attribution") or "")
            if latin:
                quote, attribution = text_to_latin(quote), text_to_latin(attribution)
            texts.append(quote)
            if attribution:
                texts.extend([f"— {attribution}", f"{quote}— {attribution}"])
        elif kind == "image" and isinstance(value, dict):
            caption = " ".join(str(value.get(key) or "") for key in ("caption", "credit")).strip()
            caption = text_to_latin(caption) if latin else caption
            if caption:
                texts.append(caption)
    texts = [text_format_chars_strip(text) for text in texts]
    return [collapsed for text in texts if (collapsed := text_collapse(text).strip())]


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def excerpt_locate(*, blocks: Iterable[str], selected: str, before: str, after: str) -> Excerpt | None:
    """The paragraph and occurrence of `selected` whose surroundings best match the context.

    The same word often appears several times in an article; the reader's context (the text
    just before and after the selection) picks the right one.
    """
    best: tuple[int, str, int] | None = None
    before, after = before.strip(), after.strip()
    for text in blocks:
        start = text.find(selected)
        while start != -1:
            end = start + len(selected)
            score = _common_suffix(text[:start].rstrip(), before) + _common_prefix(text[end:].lstrip(), after)
            if best is None or score > best[0]:
                best = (score, text, start)
            start = text.find(selected, start + 1)
    if best is None:
        return None
    _, text, start = best
    end = start + len(selected)
    return Excerpt(text[:start], text[start:end], text[end:], from_article=True)


def error_report_excerpt(*, report: ErrorReport) -> Excerpt:
    """The report's paragraph as the reader saw it (the revision live at the time), split
    around the selection; the reader's own context when the place cannot be found."""
    return error_report_excerpts(reports=[report])[report.pk]


def error_report_excerpts(*, reports: Iterable[ErrorReport]) -> dict[int, Excerpt]:
    """Excerpts for a page of reports; each revision's body is parsed once.

    The reader saw the revision stored with the report; if that revision has since been
    purged, the article's current body is searched instead.
    """
    blocks_by_source: dict[tuple[str, int], list[str]] = {}
    result: dict[int, Excerpt] = {}
    for report in reports:
        if report.revision is not None:
            key, raw = ("revision", report.revision.pk), report.revision.content.get("body")
        else:
            key, raw = ("article", report.article_id), list(report.article.body.raw_data)
        if key not in blocks_by_source:
            blocks_by_source[key] = article_text_blocks(body_data=raw)
        located = excerpt_locate(
            blocks=blocks_by_source[key],
            selected=report.selected_text,
            before=report.context_before,
            after=report.context_after,
        )
        if located is None and _reported_in_latin(report):
            latin_key = (f"{key[0]}-latin", key[1])
            if latin_key not in blocks_by_source:
                blocks_by_source[latin_key] = article_text_blocks(body_data=raw, latin=True)
            located = _latin_excerpt(blocks_by_source[key], blocks_by_source[latin_key], report=report)
        result[report.pk] = located or Excerpt(
            report.context_before, report.selected_text, report.context_after, from_article=False
        )
    return result


def _reported_in_latin(report: ErrorReport) -> bool:
    """Sent from a /kk-latn/ page (the reader script sends the page's address)."""
    return LATIN_PREFIX in report.url


def _latin_excerpt(cyrillic: list[str], latin: list[str], *, report: ErrorReport) -> Excerpt | None:
    """The Latin paragraph the reader saw, split around the selection, with the Cyrillic
    paragraph it was made from (one inbox for both scripts, issue 13)."""
    located = excerpt_locate(
        blocks=latin, selected=report.selected_text, before=report.context_before, after=report.context_after
    )
    if located is None:
        return None
    paragraph = located.before + located.selected + located.after
    original = cyrillic[latin.index(paragraph)] if paragraph in latin and len(latin) == len(cyrillic) else ""
    return Excerpt(located.before, located.selected, located.after, from_article=True, original=original)
