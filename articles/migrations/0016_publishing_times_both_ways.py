from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_preview_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="unpublish_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Readers stop seeing the story at this time, by itself: its page, "
                "lists, feeds and search drop it. Empty means it stays up.",
                null=True,
                verbose_name="take down at",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="embargo_until",
            field=models.DateTimeField(
                blank=True,
                help_text="The story may not be public before this time. Publishing it earlier "
                "is refused; published with no publish time, it goes out when the embargo ends.",
                null=True,
                verbose_name="embargo ends",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="unpublish_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Readers stop seeing the story at this time, by itself: its page, "
                "lists, feeds and search drop it. Empty means it stays up.",
                null=True,
                verbose_name="take down at",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="embargo_until",
            field=models.DateTimeField(
                blank=True,
                help_text="The story may not be public before this time. Publishing it earlier "
                "is refused; published with no publish time, it goes out when the embargo ends.",
                null=True,
                verbose_name="embargo ends",
            ),
        ),
        # The public rule now reads the takedown time as well: the index that answers it
        # by id alone carries that column too.
        migrations.RemoveIndex(model_name="article", name="article_public_by_id_idx"),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["id"],
                include=("status", "published_at", "unpublish_at"),
                name="article_public_by_id_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(unpublish_at__isnull=False),
                fields=["unpublish_at"],
                name="article_takedown_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(unpublish_at__isnull=True)
                | models.Q(published_at__isnull=True)
                | models.Q(unpublish_at__gt=models.F("published_at")),
                name="story_taken_down_after_publishing",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(embargo_until__isnull=True)
                | models.Q(published_at__isnull=True)
                | models.Q(published_at__gte=models.F("embargo_until")),
                name="story_published_after_embargo",
            ),
        ),
    ]
