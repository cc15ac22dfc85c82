"""Editors see the citation watch's findings and decide them (accept or dismiss: a change
of the finding). Findings are never added or deleted by hand (trust/admin_watch.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_watchfinding", "change_watchfinding"]


def allow_deciding_findings(apps, schema_editor):
    trust = apps.get_app_config("trust")
    trust.models_module = True
    create_permissions(trust, apps=apps, verbosity=0)
    trust.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="trust", codename__in=CODENAMES)
    assert permissions.count() == len(CODENAMES), "the watch finding permissions are missing"
    Group.objects.get(name="Editors").permissions.add(*permissions)


def disallow_deciding_findings(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="Editors").permissions.remove(
        *Permission.objects.filter(content_type__app_label="trust", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0003_editors_pictures_and_authors"),
        ("trust", "0007_watch_study_statements"),
    ]

    operations = [migrations.RunPython(allow_deciding_findings, disallow_deciding_findings)]
