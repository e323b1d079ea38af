from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    """An article as the search engine reads it: its words passed through our analysis.

    The terms are Russian lemmas, English Snowball stems and Kazakh stems (editions.analysis),
    the same analysis a reader's query goes through, so that inflected forms meet. The
    database's own full-text index is built over these columns: an FTS5 table kept in step by
    triggers on SQLite, a generated tsvector column with a GIN index on PostgreSQL (migration
    0002). `text` is the plain lead and body the result snippets are cut from.

    No foreign-key constraint in the database, so the evaluation command can index corpus
    items that are not pages; Django still deletes the row with its article.
    """

    article = models.OneToOneField(
        "articles.ArticlePage",
        primary_key=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )
    language = models.CharField(max_length=8)
    section_id = models.BigIntegerField(null=True)
    published_at = models.DateTimeField()
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["language", "published_at"], name="search_doc_lang_date"),
            models.Index(fields=["language", "section_id", "published_at"], name="search_doc_lang_section"),
        ]

    def __str__(self) -> str:
        return f"search document of article {self.article_id} ({self.language})"
