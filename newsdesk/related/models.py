from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleVector(models.Model):
    """An article as relevant news reads it: weighted term counts and its e5 embedding.

    One row per live article, written when it is published and removed when it is
    unpublished. This table is what the in-memory index is built from (related/index.py), so
    that one new article never needs the rest of the corpus analysed again. `stamp` changes on
    every write; the index compares stamps to find what changed since it last looked.
    """

    article = models.OneToOneField(
        "articles.ArticlePage", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=8, db_index=True)
    section_id = models.BigIntegerField(null=True)
    published_at = models.DateTimeField()
    terms = models.JSONField(default=dict)
    embedding = models.BinaryField(null=True, blank=True)
    # Hash of the text the embedding was made from: an edit to the body alone keeps it.
    embedding_key = models.CharField(max_length=64, blank=True)
    # A checksum and change mark, below 2**31 so that a SUM over 100,000 rows stays exact.
    stamp = models.IntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"vector of article {self.article_id} ({self.language})"


class RelatedArticle(models.Model):
    """One line of an article's relevant news, precomputed: the page reads these in one query."""

    article = models.ForeignKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="related_links"
    )
    related = models.ForeignKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="related_backlinks"
    )
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    pinned = models.BooleanField(default=False)

    class Meta:
        ordering = ["article", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="related_unique_pair"),
        ]
        verbose_name = _("relevant article")
        verbose_name_plural = _("relevant articles")

    def __str__(self) -> str:
        return f"{self.article_id} -> {self.related_id} (#{self.rank})"


class TranslationSuggestion(models.Model):
    """A likely version of `article` in another edition, for a translator to confirm."""

    article = models.ForeignKey("articles.ArticlePage", on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey("articles.ArticlePage", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    score = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "language", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["article", "candidate"], name="related_unique_suggestion"),
        ]
        verbose_name = _("translation suggestion")
        verbose_name_plural = _("translation suggestions")

    def __str__(self) -> str:
        return f"{self.article_id} ~ {self.candidate_id} ({self.language}, {self.score:.3f})"
