"""The Editors group with exactly the permissions editors need.

Content (stories, topics, glossary, corrections), sources and their criteria,
citations and assessments, and forecast questions, with their history to view.
Not users, groups, or readers' reads and forecasts.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITABLE = {
    "articles": ["article", "topic", "glossaryterm"],
    "trust": [
        "source", "criterion", "criterionresult", "citation", "metercomponent", "assessment",
        "componentscore",
    ],
    "predictions": ["question"],
}
VIEW_ONLY = {
    "articles": ["historicalarticle"],
    "trust": [
        "trustscorechange", "historicalsource", "historicalcitation", "historicalassessment",
        "historicalcomponentscore", "historicalcriterionresult",
    ],
    "predictions": ["historicalquestion"],
}


def codenames(models, actions):
    return {(app, f"{action}_{model}") for app, names in models.items()
            for model in names for action in actions}


def create_editors_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = codenames(EDITABLE, ["add", "change", "delete", "view"]) | codenames(
        VIEW_ONLY, ["view"]
    )
    permissions = [
        permission
        for permission in Permission.objects.select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    assert len(permissions) == len(wanted), "a permission the Editors group needs is missing"
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0004_historicalarticle"),
        ("trust", "0002_historicalassessment_historicalcitation_and_more"),
        ("predictions", "0002_alter_aggregatepoint_question_historicalquestion"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
