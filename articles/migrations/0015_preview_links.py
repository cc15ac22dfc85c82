import datetime

import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import articles.models.preview_links


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_review_before_publish"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PreviewLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reader_name",
                    models.CharField(
                        help_text="Who the link is for, as the preview page names them: "
                        "“Dr Ada Osei, University of Ghana”.",
                        max_length=120,
                        verbose_name="for",
                    ),
                ),
                (
                    "reader_email",
                    models.EmailField(
                        blank=True,
                        help_text="Optional: where you are sending it, for the desk's record. "
                        "Nothing is sent.",
                        max_length=254,
                        verbose_name="their e-mail",
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        help_text="Optional, for the desk only: why they have it "
                        "(“checking the numbers”).",
                        max_length=300,
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        default=articles.models.preview_links.new_link_key,
                        editable=False,
                        max_length=32,
                    ),
                ),
                (
                    "made_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="made"),
                ),
                ("expires_at", models.DateTimeField(verbose_name="expires")),
                (
                    "revoked_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="revoked"),
                ),
                (
                    "opened_count",
                    models.PositiveIntegerField(default=0, verbose_name="times opened"),
                ),
                (
                    "last_opened_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last opened"),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="preview_links",
                        to="articles.article",
                        verbose_name="story",
                    ),
                ),
                (
                    "made_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="made by",
                    ),
                ),
                (
                    "revoked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="revoked by",
                    ),
                ),
            ],
            options={
                "verbose_name": "preview link",
                "ordering": ["-made_at", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("expires_at__gt", models.F("made_at")),
                            (
                                "expires_at__lte",
                                django.db.models.expressions.CombinedExpression(
                                    models.F("made_at"),
                                    "+",
                                    models.Value(datetime.timedelta(days=30)),
                                ),
                            ),
                        ),
                        name="preview_link_life_within_limit",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("revoked_at__isnull", False),
                            ("revoked_by__isnull", True),
                            _connector="OR",
                        ),
                        name="preview_link_revoker_only_when_revoked",
                    ),
                ],
            },
        ),
    ]
