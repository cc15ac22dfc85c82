"""Editors also write corrections and updates on stories."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def allow_corrections(apps, schema_editor):
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="articles", content_type__model="correction"
    )
    assert permissions.count() == 4, "the correction permissions are missing"
    Group.objects.get(name="Editors").permissions.add(*permissions)


def disallow_corrections(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="Editors").permissions.remove(
        *Permission.objects.filter(content_type__app_label="articles",
                                   content_type__model="correction")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_editors_group"),
        ("articles", "0005_editorial_workflow"),
    ]

    operations = [migrations.RunPython(allow_corrections, disallow_corrections)]
