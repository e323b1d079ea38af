"""Newsroom roles and the editorial review workflow.

Reporters write and submit for review but cannot publish; Editors review, schedule and
publish; Translators create and edit the other editions' versions of a story. Wagtail's
own "Editors"/"Moderators" groups and default workflow are turned into ours.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PAGE_PERMISSIONS = {
    "Reporters": ["add_page", "change_page"],
    "Editors": ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"],
    "Translators": ["add_page", "change_page"],
}
COLLECTION_PERMISSIONS = {
    "Reporters": [("wagtailimages", "add_image"), ("wagtailimages", "choose_image"), ("wagtaildocs", "add_document"), ("wagtaildocs", "choose_document")],
    "Editors": [("wagtailimages", "add_image"), ("wagtailimages", "change_image"), ("wagtailimages", "choose_image"), ("wagtaildocs", "add_document"), ("wagtaildocs", "change_document"), ("wagtaildocs", "choose_document")],
    "Translators": [("wagtailimages", "choose_image"), ("wagtaildocs", "choose_document")],
}
MODEL_PERMISSIONS = {
    "Reporters": [("wagtailadmin", "access_admin"), ("articles", "add_author"), ("articles", "change_author")],
    "Editors": [
        ("wagtailadmin", "access_admin"),
        ("articles", "add_author"), ("articles", "change_author"), ("articles", "delete_author"),
        ("articles", "add_partneragency"), ("articles", "change_partneragency"),
        ("editions", "change_edition"),
        ("simple_translation", "submit_translation"),
    ],
    "Translators": [("wagtailadmin", "access_admin"), ("simple_translation", "submit_translation")],
}
WORKFLOW_NAME = "Editorial review"
TASK_NAME = "Editors' review"


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")

    root = Page.objects.get(depth=1)
    root_collection = Collection.objects.filter(depth=1).first()

    groups = {}
    for name in PAGE_PERMISSIONS:
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        GroupPagePermission.objects.filter(group=group).delete()
        for codename in PAGE_PERMISSIONS[name]:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.create(group=group, page=root, permission=permission)
        for app_label, codename in MODEL_PERMISSIONS[name]:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        if root_collection is not None:
            GroupCollectionPermission.objects.filter(group=group).delete()
            for app_label, codename in COLLECTION_PERMISSIONS[name]:
                GroupCollectionPermission.objects.create(
                    group=group,
                    collection=root_collection,
                    permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
                )

    # One workflow for the whole tree: Editors review what Reporters and Translators submit.
    task_ct, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    WorkflowPage.objects.filter(page=root).delete()
    task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_ct, active=True)
    task.groups.set([groups["Editors"]])
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=root)
    # Wagtail's starter "Moderators" group and its approval workflow are replaced by ours.
    Workflow.objects.exclude(pk=workflow.pk).update(active=False)
    GroupApprovalTask.objects.exclude(pk=task.pk).update(active=False)
    Group.objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("editions", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("simple_translation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
