"""Editors manage partners' wires (the wire desk itself follows their page permissions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_wire", "change_wire", "delete_wire"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("wires")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.add(*Permission.objects.filter(content_type__app_label="wires", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [("wires", "0001_initial"), ("articles", "0002_newsroom_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
