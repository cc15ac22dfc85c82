"""Editors write each story's falsifiable statements ("What would change our score") in
the story form, and see their history."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "add_falsifiablestatement",
    "change_falsifiablestatement",
    "delete_falsifiablestatement",
    "view_falsifiablestatement",
    "view_historicalfalsifiablestatement",
]


def allow_statements(apps, schema_editor):
    trust = apps.get_app_config("trust")
    trust.models_module = True
    create_permissions(trust, apps=apps, verbosity=0)
    trust.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="trust", codename__in=CODENAMES)
    assert permissions.count() == len(CODENAMES), "the statement permissions are missing"
    Group.objects.get(name="Editors").permissions.add(*permissions)


def disallow_statements(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="Editors").permissions.remove(
        *Permission.objects.filter(content_type__app_label="trust", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0004_editors_decide_watch_findings"),
        ("trust", "0007_watch_study_statements"),
    ]

    operations = [migrations.RunPython(allow_statements, disallow_statements)]
