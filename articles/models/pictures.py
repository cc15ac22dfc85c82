"""A picture on a story, its files kept by articles/picture_store.py."""

from django.db import models

from articles import images, picture_store


class ArticleImage(models.Model):
    """A picture on a story: its lead image, or a figure that follows a section's text.

    The upload is checked and cleaned (articles/images.py) and stored, with its resized
    variants, under a name made from its content through the default storage (STORAGES),
    so the same bytes are kept once and a name never changes meaning.
    """

    class Role(models.TextChoices):
        LEAD = "lead", "Lead image (top of the story, cards, link previews)"
        EXPLANATION = "explanation", "Figure after the explanation"
        TECHNICAL = "technical", "Figure after the technical deep dive"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="images")
    role = models.CharField("place", max_length=20, choices=Role.choices, default=Role.LEAD)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order among the figures of the same section, smallest first."
    )
    original = models.ImageField(
        "image",
        upload_to="images/",
        max_length=200,
        help_text=f"JPEG, PNG, WebP or AVIF, at least {images.MIN_WIDTH} pixels wide, up to "
        f"{images.MAX_UPLOAD_BYTES // 1024 // 1024} MB and {images.MAX_PIXELS // 1_000_000} "
        "megapixels. Camera data (EXIF, GPS) is removed.",
    )
    alt = models.CharField(
        "alt text",
        max_length=300,
        help_text="What the picture shows, for someone who cannot see it; for a chart, "
        "its finding ('Relapse fell from 40% to 12%').",
    )
    caption = models.CharField(max_length=400, help_text="Shown under the picture.")
    credit = models.CharField(
        max_length=200,
        help_text="Who made it, honestly: 'Newsroom graphic; data: the study it charts', "
        "a photographer.",
    )
    licence = models.CharField(
        max_length=120,
        help_text="Under which terms we use it: 'CC BY 4.0', 'Used with permission'.",
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    variants = models.JSONField(default=list, editable=False)

    class Meta:
        verbose_name = "picture"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"], condition=models.Q(role="lead"), name="one_lead_image_per_story"
            )
        ]

    def __str__(self):
        return self.alt

    def save(self, *args, **kwargs):
        if self.original and not self.original._committed:
            self._store(self.original)
        super().save(*args, **kwargs)
        self.article.save(update_fields=self.article.RENDERED_FIELDS)

    def delete(self, *args, **kwargs):
        # The files stay: they are named by content, which another image may share.
        result = super().delete(*args, **kwargs)
        self.article.save(update_fields=self.article.RENDERED_FIELDS)
        return result

    def _store(self, upload):
        stored = picture_store.store(self.original.storage, upload)
        self.original = stored.name
        self.width, self.height, self.variants = stored.width, stored.height, stored.variants

    @property
    def sources(self):
        """The modern formats, best first, as (MIME type, srcset) for <source> elements."""
        return picture_store.sources(self.original.storage, self.variants)

    @property
    def fallback_srcset(self):
        storage = self.original.storage
        return picture_store.srcset(
            storage, self.variants, picture_store.fallback_format(self.variants)
        )

    @property
    def fallback(self):
        """The largest fallback variant: the <img> src, and the link-preview picture."""
        return picture_store.fallback(self.original.storage, self.variants, self.width, self.height)
