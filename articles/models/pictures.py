"""The picture library and the pictures placed on stories; files kept by
articles/picture_store.py.

A ``Picture`` is the stored image with what belongs to it wherever it is used (alt text,
credit, licence, focal point); an ``ArticleImage`` places it on one story, in a role and
position, with that use's caption. One picture may be placed on many stories, and cannot
be deleted while it is.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from articles import focal_crop, images, picture_store

FOCAL_HELP = (
    "From {edge} (0) to {other} (1); 0.5 is the middle. Cards and link previews crop around it."
)
FRACTION = [MinValueValidator(0.0), MaxValueValidator(1.0)]


@dataclass(frozen=True)
class Rendition:
    """A picture as pages draw it (picture.html): the whole picture, or one of its crops
    (picture_store.CROP_SHAPES), with its srcsets and fallback."""

    storage: object
    variants: list
    width: int
    height: int
    alt: str

    @property
    def sources(self):
        """The modern formats, best first, as (MIME type, srcset) for <source> elements."""
        return picture_store.sources(self.storage, self.variants)

    @property
    def fallback_srcset(self):
        return picture_store.srcset(
            self.storage, self.variants, picture_store.fallback_format(self.variants)
        )

    @property
    def fallback(self):
        """The largest fallback variant: the <img> src, and the link-preview picture."""
        return picture_store.fallback(self.storage, self.variants, self.width, self.height)

    @property
    def smallest(self):
        """The narrowest fallback variant's URL: a thumbnail in the library."""
        fmt = picture_store.fallback_format(self.variants)
        narrowest = min((v for v in self.variants if v["format"] == fmt), key=lambda v: v["width"])
        return self.storage.url(narrowest["name"])


class PictureQuerySet(models.QuerySet):
    def for_library(self):
        """The library's list: each picture with the stories it is on."""
        # A count groups the rows, which drops Meta.ordering: the library says it again.
        return (
            self.annotate(story_count=models.Count("placements__article", distinct=True))
            .order_by(*self.model._meta.ordering)
            .prefetch_related(
                models.Prefetch(
                    "placements",
                    queryset=ArticleImage.objects.select_related("article").only(
                        "picture", "article__headline", "article__slug"
                    ),
                )
            )
        )


class Picture(models.Model):
    """A picture in the library: the upload, checked and cleaned (articles/images.py) and
    stored with its resized variants and crops under names made from its content, so the
    same bytes are kept once and a name never changes meaning."""

    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="A few words to find it by in the library; the alt text is searched too.",
    )
    description = models.TextField(
        blank=True, help_text="Anything else worth knowing when choosing it: where, when, who."
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
    credit = models.CharField(
        max_length=200,
        help_text="Who made it, honestly: 'Newsroom graphic; data: the study it charts', "
        "a photographer. Shown under the picture wherever it is used.",
    )
    licence = models.CharField(
        max_length=120,
        help_text="Under which terms we use it: 'CC BY 4.0', 'Used with permission'.",
    )
    focal_x = models.FloatField(
        "focal point across",
        default=focal_crop.CENTRE[0],
        validators=FRACTION,
        help_text=FOCAL_HELP.format(edge="the left edge", other="the right"),
    )
    focal_y = models.FloatField(
        "focal point down",
        default=focal_crop.CENTRE[1],
        validators=FRACTION,
        help_text=FOCAL_HELP.format(edge="the top", other="the bottom"),
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    variants = models.JSONField(default=list, editable=False)
    crops = models.JSONField(default=dict, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PictureQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="focal_point_inside_picture",
            )
        ]

    def __str__(self):
        return self.title or self.alt

    def save(self, *args, **kwargs):
        if self.original and not self.original._committed:
            stored = picture_store.store(self.storage, self.original)
            self.original = stored.name
            self.width, self.height, self.variants = stored.width, stored.height, stored.variants
        cut_for = {"source": self.original.name, "focus": list(self.focus)}
        if {key: self.crops.get(key) for key in cut_for} != cut_for:
            self.crops = picture_store.store_crops(self.storage, self.original.name, self.focus)
        super().save(*args, **kwargs)
        # Each story using it shows its alt text and credit in its stored HTML and pages:
        # render them again, which purges their cached pages (articles/signals.py).
        placed = self.placements.select_related("article")
        for article in {placement.article for placement in placed}:
            article.save(update_fields=article.RENDERED_FIELDS)

    @property
    def storage(self):
        return self.original.storage

    @property
    def focus(self):
        return (self.focal_x, self.focal_y)

    @property
    def described(self):
        """What the picture says of itself wherever it is used: alt text, credit, licence."""
        return (self.alt, self.credit, self.licence)

    @property
    def full(self):
        """The whole picture, as a story's figures show it."""
        return Rendition(self.storage, self.variants, self.width, self.height, self.alt)

    def _crop(self, shape):
        crop = self.crops.get(shape)
        if crop is None:
            return self.full
        return Rendition(self.storage, crop["variants"], crop["width"], crop["height"], self.alt)

    @property
    def card(self):
        """The 3:2 crop around the focal point that cards show."""
        return self._crop("card")

    @property
    def share(self):
        """The 1200 × 630 crop around the focal point that link previews show."""
        return self._crop("share")


class ArticleImage(models.Model):
    """A library picture placed on a story: its lead image, or a figure that follows a
    section's text, with this use's caption."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead image (top of the story, cards, link previews)"
        EXPLANATION = "explanation", "Figure after the explanation"
        TECHNICAL = "technical", "Figure after the technical deep dive"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="images")
    picture = models.ForeignKey(
        Picture,
        on_delete=models.PROTECT,
        related_name="placements",
        help_text="A picture from the library. Its alt text, credit and licence go with it.",
    )
    role = models.CharField("place", max_length=20, choices=Role.choices, default=Role.LEAD)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order among the figures of the same section, smallest first."
    )
    caption = models.CharField(max_length=400, help_text="Shown under the picture on this story.")

    class Meta:
        verbose_name = "picture"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"], condition=models.Q(role="lead"), name="one_lead_image_per_story"
            )
        ]

    def __str__(self):
        return f"{self.picture} on “{self.article}”"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.article.save(update_fields=self.article.RENDERED_FIELDS)

    def delete(self, *args, **kwargs):
        # The picture stays in the library, and its files with it.
        result = super().delete(*args, **kwargs)
        self.article.save(update_fields=self.article.RENDERED_FIELDS)
        return result
