"""The database's full-text index over SearchDocument, per vendor (see search/engines.py)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE newsdesk_search_fts USING fts5("
    "language, title_terms, body_terms, "
    "content='newsdesk_search_searchdocument', content_rowid='article_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER newsdesk_search_fts_ai AFTER INSERT ON newsdesk_search_searchdocument BEGIN "
    "INSERT INTO newsdesk_search_fts(rowid, language, title_terms, body_terms) "
    "VALUES (new.article_id, new.language, new.title_terms, new.body_terms); END",
    "CREATE TRIGGER newsdesk_search_fts_ad AFTER DELETE ON newsdesk_search_searchdocument BEGIN "
    "INSERT INTO newsdesk_search_fts(newsdesk_search_fts, rowid, language, title_terms, body_terms) "
    "VALUES ('delete', old.article_id, old.language, old.title_terms, old.body_terms); END",
    "CREATE TRIGGER newsdesk_search_fts_au AFTER UPDATE ON newsdesk_search_searchdocument BEGIN "
    "INSERT INTO newsdesk_search_fts(newsdesk_search_fts, rowid, language, title_terms, body_terms) "
    "VALUES ('delete', old.article_id, old.language, old.title_terms, old.body_terms); "
    "INSERT INTO newsdesk_search_fts(rowid, language, title_terms, body_terms) "
    "VALUES (new.article_id, new.language, new.title_terms, new.body_terms); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS newsdesk_search_fts_au",
    "DROP TRIGGER IF EXISTS newsdesk_search_fts_ad",
    "DROP TRIGGER IF EXISTS newsdesk_search_fts_ai",
    "DROP TABLE IF EXISTS newsdesk_search_fts",
]
# 'simple' only lower-cases and splits: the terms are already lemmas/stems of their language.
POSTGRESQL = [
    "ALTER TABLE newsdesk_search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_terms), 'D')) STORED",
    "CREATE INDEX newsdesk_search_vector ON newsdesk_search_searchdocument USING GIN (vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS newsdesk_search_vector",
    "ALTER TABLE newsdesk_search_searchdocument DROP COLUMN IF EXISTS vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("newsdesk_search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
