"""Editors keep the picture library: they upload pictures, set their focal points and
credits, and place them on stories."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_picture", "change_picture", "delete_picture", "view_picture"]


def allow_picture_library(apps, schema_editor):
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="articles", codename__in=CODENAMES
    )
    assert permissions.count() == len(CODENAMES), "the picture library permissions are missing"
    Group.objects.get(name="Editors").permissions.add(*permissions)


def disallow_picture_library(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="Editors").permissions.remove(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0005_editors_write_statements"),
        ("articles", "0017_picture_library"),
    ]

    operations = [migrations.RunPython(allow_picture_library, disallow_picture_library)]
