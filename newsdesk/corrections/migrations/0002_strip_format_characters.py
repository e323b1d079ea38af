"""Drop Unicode format characters (Cf: zero-width, bidi controls) from reports stored before
issue 15, so that editors see them as new reports are now stored. Fingerprints are left as they
were: an old report simply does not merge with a new identical one."""

import unicodedata

from django.db import migrations

REPORT_FIELDS = ["selected_text", "context_before", "context_after", "comment", "suggestion"]
READER_FIELDS = ["comment", "suggestion"]


def _strip(value: str) -> str:
    return "".join(char for char in value if unicodedata.category(char) != "Cf")


def _clean(model, fields: list[str]) -> None:
    for row in model.objects.only("pk", *fields).iterator(chunk_size=500):
        changed = {field: _strip(getattr(row, field)) for field in fields}
        changed = {field: value for field, value in changed.items() if value != getattr(row, field)}
        if changed:
            model.objects.filter(pk=row.pk).update(**changed)


def strip_format_characters(apps, schema_editor) -> None:
    _clean(apps.get_model("corrections", "ErrorReport"), REPORT_FIELDS)
    _clean(apps.get_model("corrections", "ErrorReportReader"), READER_FIELDS)


class Migration(migrations.Migration):
    dependencies = [("corrections", "0001_initial")]

    operations = [migrations.RunPython(strip_format_characters, migrations.RunPython.noop)]
