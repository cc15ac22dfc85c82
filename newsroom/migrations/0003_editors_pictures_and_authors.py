"""Editors also add stories' pictures and keep the authors' pages."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["articleimage", "author"]


def allow_pictures_and_authors(apps, schema_editor):
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="articles", content_type__model__in=MODELS
    )
    assert permissions.count() == 4 * len(MODELS), "the picture and author permissions are missing"
    Group.objects.get(name="Editors").permissions.add(*permissions)


def disallow_pictures_and_authors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get(name="Editors").permissions.remove(
        *Permission.objects.filter(
            content_type__app_label="articles", content_type__model__in=MODELS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0002_editors_corrections"),
        ("articles", "0007_pictures_and_authors"),
    ]

    operations = [migrations.RunPython(allow_pictures_and_authors, disallow_pictures_and_authors)]
