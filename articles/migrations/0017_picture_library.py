"""Pictures become a library: each story's picture moves into a ``Picture`` (the file,
its variants, alt text, credit, licence), and the story keeps a placement of it (role,
position, caption). The same file placed twice becomes one picture. Each picture's crops
are cut around the centre, the focal point every moved picture starts with."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import migrations, models

from articles import focal_crop, picture_store

MOVED = ("alt", "credit", "licence", "width", "height", "variants")


def move_into_library(apps, schema_editor):
    ArticleImage = apps.get_model("articles", "ArticleImage")
    Picture = apps.get_model("articles", "Picture")
    by_file = {}
    for image in ArticleImage.objects.order_by("pk"):
        name = image.original.name
        if name not in by_file:
            try:
                crops = picture_store.store_crops(default_storage, name, focal_crop.CENTRE)
            except OSError:
                # A file missing from this storage: its pages show the whole picture
                # until it is uploaded again.
                crops = {}
            by_file[name] = Picture.objects.create(
                original=name, crops=crops, **{field: getattr(image, field) for field in MOVED}
            )
        image.picture = by_file[name]
        image.save(update_fields=["picture"])


def move_out_of_library(apps, schema_editor):
    ArticleImage = apps.get_model("articles", "ArticleImage")
    for image in ArticleImage.objects.select_related("picture"):
        image.original = image.picture.original.name
        for field in MOVED:
            setattr(image, field, getattr(image.picture, field))
        image.save()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_publishing_times_both_ways"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Picture",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "title",
                    models.CharField(
                        blank=True,
                        help_text="A few words to find it by in the library; the alt text is "
                        "searched too.",
                        max_length=200,
                    ),
                ),
                (
                    "description",
                    models.TextField(
                        blank=True,
                        help_text="Anything else worth knowing when choosing it: where, when, who.",
                    ),
                ),
                (
                    "original",
                    models.ImageField(
                        help_text="JPEG, PNG, WebP or AVIF, at least 320 pixels wide, up to 8 MB "
                        "and 40 megapixels. Camera data (EXIF, GPS) is removed.",
                        max_length=200,
                        upload_to="images/",
                        verbose_name="image",
                    ),
                ),
                (
                    "alt",
                    models.CharField(
                        help_text="What the picture shows, for someone who cannot see it; for a "
                        "chart, its finding ('Relapse fell from 40% to 12%').",
                        max_length=300,
                        verbose_name="alt text",
                    ),
                ),
                (
                    "credit",
                    models.CharField(
                        help_text="Who made it, honestly: 'Newsroom graphic; data: the study it "
                        "charts', a photographer. Shown under the picture wherever it is used.",
                        max_length=200,
                    ),
                ),
                (
                    "licence",
                    models.CharField(
                        help_text="Under which terms we use it: 'CC BY 4.0', 'Used with "
                        "permission'.",
                        max_length=120,
                    ),
                ),
                (
                    "focal_x",
                    models.FloatField(
                        default=0.5,
                        help_text="From the left edge (0) to the right (1); 0.5 is the middle. "
                        "Cards and link previews crop around it.",
                        validators=[
                            django.core.validators.MinValueValidator(0.0),
                            django.core.validators.MaxValueValidator(1.0),
                        ],
                        verbose_name="focal point across",
                    ),
                ),
                (
                    "focal_y",
                    models.FloatField(
                        default=0.5,
                        help_text="From the top (0) to the bottom (1); 0.5 is the middle. Cards "
                        "and link previews crop around it.",
                        validators=[
                            django.core.validators.MinValueValidator(0.0),
                            django.core.validators.MaxValueValidator(1.0),
                        ],
                        verbose_name="focal point down",
                    ),
                ),
                ("width", models.PositiveIntegerField(default=0, editable=False)),
                ("height", models.PositiveIntegerField(default=0, editable=False)),
                ("variants", models.JSONField(default=list, editable=False)),
                ("crops", models.JSONField(default=dict, editable=False)),
                (
                    "uploaded_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-uploaded_at", "-pk"]},
        ),
        migrations.AddConstraint(
            model_name="picture",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("focal_x__gte", 0),
                    ("focal_x__lte", 1),
                    ("focal_y__gte", 0),
                    ("focal_y__lte", 1),
                ),
                name="focal_point_inside_picture",
            ),
        ),
        migrations.AddField(
            model_name="articleimage",
            name="picture",
            field=models.ForeignKey(
                null=True,
                help_text="A picture from the library. Its alt text, credit and licence go with it.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="placements",
                to="articles.picture",
            ),
        ),
        migrations.RunPython(move_into_library, move_out_of_library),
        migrations.AlterField(
            model_name="articleimage",
            name="picture",
            field=models.ForeignKey(
                help_text="A picture from the library. Its alt text, credit and licence go with it.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="placements",
                to="articles.picture",
            ),
        ),
        migrations.AlterField(
            model_name="articleimage",
            name="caption",
            field=models.CharField(
                help_text="Shown under the picture on this story.", max_length=400
            ),
        ),
        *(
            migrations.RemoveField(model_name="articleimage", name=field)
            for field in ("original", *MOVED)
        ),
    ]
