"""The Russian analysis changed (2026-11-30: capitalised surnames such as "Токаев" read as
names, both readings kept in the search index; docs/search-and-related.md). Stored search
documents are re-analysed by a background task rather than inside `migrate`, which stays
fast on a large site; a database without Russian documents (a new site) enqueues nothing."""

from django.db import migrations


def reanalyse(apps, schema_editor):
    documents = apps.get_model("newsdesk_search", "SearchDocument").objects.using(schema_editor.connection.alias)
    if not documents.filter(language="ru").exists():
        return
    from newsdesk.search.tasks import search_rebuild_task

    search_rebuild_task.enqueue()


class Migration(migrations.Migration):
    dependencies = [
        ("newsdesk_search", "0002_fulltext"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(reanalyse, migrations.RunPython.noop, elidable=True)]
