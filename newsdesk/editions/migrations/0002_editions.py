"""The three editions: Russian (the default), Kazakh and English."""

from django.db import migrations

EDITIONS = [
    ("ru", "Newsdesk", "Перепечатка материалов допускается только со ссылкой на источник."),
    ("kk", "Newsdesk", "Материалдарды көшіріп басу тек дереккөзге сілтеме жасалған жағдайда рұқсат етіледі."),
    ("en", "Newsdesk", "This information may not be reproduced without reference to the source."),
]


def create_editions(apps, schema_editor):
    Locale = apps.get_model("wagtailcore.Locale")
    Edition = apps.get_model("editions.Edition")
    for code, name, notice in EDITIONS:
        locale, _ = Locale.objects.get_or_create(language_code=code)
        Edition.objects.get_or_create(locale=locale, defaults={"name": name, "copyright_notice": notice})


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_editions, migrations.RunPython.noop)]
