"""The analysis changed for Russian (2026-11-30: capitalised surnames read as names) and for
Kazakh (2026-11-29: five-letter roots as extra terms); docs/search-and-related.md. The
stored vectors and lists of those editions are rebuilt by a background task rather than
inside `migrate`; a database without such vectors (a new site) enqueues nothing."""

from django.db import migrations


def reanalyse(apps, schema_editor):
    vectors = apps.get_model("related", "ArticleVector").objects.using(schema_editor.connection.alias)
    languages = sorted(set(vectors.filter(language__in=["ru", "kk"]).values_list("language", flat=True)))
    if not languages:
        return
    from newsdesk.related.tasks import related_rebuild_task

    related_rebuild_task.enqueue(languages)


class Migration(migrations.Migration):
    dependencies = [
        ("related", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(reanalyse, migrations.RunPython.noop, elidable=True)]
