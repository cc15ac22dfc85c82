import django.db.models.deletion
from django.db import migrations, models


def copy_interest(apps, schema_editor):
    """Each topic's interest moves from articles' Topic to predictions' own table."""
    Topic = apps.get_model("articles", "Topic")
    TopicInterest = apps.get_model("predictions", "TopicInterest")
    TopicInterest.objects.bulk_create(
        TopicInterest(topic_id=pk, amount=amount)
        for pk, amount in Topic.objects.exclude(reader_interest=0).values_list(
            "pk", "reader_interest"
        )
    )


def copy_interest_back(apps, schema_editor):
    Topic = apps.get_model("articles", "Topic")
    TopicInterest = apps.get_model("predictions", "TopicInterest")
    for topic_id, amount in TopicInterest.objects.values_list("topic_id", "amount"):
        Topic.objects.filter(pk=topic_id).update(reader_interest=amount)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0010_link_indexes_newest_first"),
        ("predictions", "0005_forecast_origin"),
    ]

    operations = [
        migrations.CreateModel(
            name="TopicInterest",
            fields=[
                (
                    "topic",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="interest",
                        serialize=False,
                        to="articles.topic",
                    ),
                ),
                ("amount", models.FloatField(db_index=True, default=0)),
            ],
        ),
        migrations.RunPython(copy_interest, copy_interest_back),
    ]
