import math

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from articles import cards, images
from core import compiled_queries, markup

WORDS_PER_MINUTE = 230
# Search stems English words; a constant config keeps to_tsvector immutable, which a
# generated column requires.
SEARCH_CONFIG = "english"


class SlugQuerySet(models.QuerySet):
    """Fixtures refer to objects by slug (natural keys), so reloading updates them."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class TopicQuerySet(SlugQuerySet):
    def with_story_counts(self):
        """Each topic with ``story_count``, the number of its public stories, A–Z.

        Django leaves Meta.ordering out of aggregating queries, so the order is explicit.
        """
        public = Article.published_q(prefix="articles__")
        return self.annotate(story_count=models.Count("articles", filter=public)).order_by("name")


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in the topic's URL.")
    description = models.TextField(
        blank=True, help_text="One or two plain sentences shown on the topic page."
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class GlossaryTerm(models.Model):
    term = models.CharField(max_length=120, unique=True, help_text="As readers should see it.")
    slug = models.SlugField(max_length=120, unique=True)
    aliases = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other forms that count as a use of the term, separated by commas "
        "(plurals, abbreviations): 'T cells, T-cell'. Matching ignores case.",
    )
    definition = models.TextField(
        validators=[markup.validate],
        help_text="One to three plain sentences. Markdown allowed (emphasis, links).",
    )
    definition_html = models.TextField(editable=False, default="")

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return reverse("articles:term", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def forms(self):
        return (self.term, *(alias.strip() for alias in self.aliases.split(",") if alias.strip()))

    def render(self):
        self.definition_html = markup.render(self.definition, section="definition")


class Author(models.Model):
    """A person (or desk) whose stories carry their byline, with a page of their own."""

    name = models.CharField(max_length=120, unique=True, help_text="As printed in bylines.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in the author's URL.")
    bio = models.TextField(
        max_length=600,
        blank=True,
        help_text="Two or three plain sentences for readers: what they cover, their background.",
    )

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


# What a reader's vote or forecast needs of its story: who it is and whether it is public.
def story_cache_key(slug):
    """The HTTP cache's surrogate key of a story's page and of everything that shows it
    (core/httpcache.py)."""
    return f"story-{slug}"


READER_WRITE_FIELDS = ("slug", "status", "published_at")
READER_WRITE_COLUMNS = ("id", *READER_WRITE_FIELDS)


def _reader_write_lookup():
    """A story by slug (the one parameter), as ``public_for_reader_write`` reads it."""
    return Article.objects.filter(slug="").values_list(*READER_WRITE_COLUMNS).order_by()


def public_from_reader_write_row(db, row):
    """The story of a row of READER_WRITE_COLUMNS, or None unless it is public."""
    story = Article.from_db(db, READER_WRITE_COLUMNS, row)
    return story if story.is_public else None


class ArticleQuerySet(SlugQuerySet):
    def published(self):
        """Public stories: published, and their publish time has come."""
        return self.filter(Article.published_q())

    def for_listing(self):
        """What a card needs: headline block, topic names, the lead image and the columns
        other apps add to cards (articles/cards.py); no bodies."""
        # Only the lead image: a card shows no figures. The author column lets an author's
        # own list (author.articles) attach the author without a query per story.
        return (
            self.only(
                "slug",
                "headline",
                "dek",
                "byline",
                "author",
                "published_at",
                "reading_time_minutes",
            )
            .annotate(**cards.annotations())
            .prefetch_related(
                Prefetch("topics", queryset=Topic.objects.only("name", "slug")),
                Prefetch(
                    "images", queryset=ArticleImage.objects.filter(role=ArticleImage.Role.LEAD)
                ),
            )
        )

    def public_for_reader_write(self, slug):
        """The public story ``slug`` with only what a reader's write needs (who it is and
        whether it is public, not tens of kilobytes of text), or None.

        Every vote runs this, so its SQL is compiled once (core/compiled_queries.py),
        and the public rule is the story's own ``is_public``.
        """
        row = compiled_queries.fetch_one(_reader_write_lookup, self.db, [slug])
        return row and public_from_reader_write_row(self.db, row)

    # What a story's page never shows of itself or of the story it follows up.
    UNSHOWN_FIELDS = ("search_terms", "search_vector")
    BODY_FIELDS = ("explanation", "explanation_html", "technical", "technical_html")

    def for_detail(self):
        """A story with what its page shows, including the stories before and after it in
        a follow-up thread (only public follow-ups; of those, the link line only)."""
        follow_ups = Article.objects.published().only(
            "slug", "headline", "published_at", "follows_up"
        )
        return (
            self.select_related("author", "follows_up")
            .prefetch_related(
                "topics",
                "glossary_terms",
                "corrections",
                "images",
                Prefetch("follow_ups", queryset=follow_ups.latest_first()),
            )
            .defer(
                *self.UNSHOWN_FIELDS,
                *(f"follows_up__{name}" for name in (*self.UNSHOWN_FIELDS, *self.BODY_FIELDS)),
            )
        )

    def latest_first(self):
        return self.order_by("-published_at", "-pk")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    slug = models.SlugField(
        max_length=140,
        unique=True,
        help_text="The story's URL, filled from the headline. Once published, a new slug "
        "keeps the old link working through a redirect.",
    )
    headline = models.CharField(max_length=160)
    dek = models.CharField(
        "standfirst",
        max_length=300,
        blank=True,
        help_text="One sentence under the headline: what happened and why it matters. "
        "Needed to publish.",
    )
    byline = models.CharField(
        max_length=120, blank=True, help_text="Who wrote it, as printed. Needed to publish."
    )
    author = models.ForeignKey(
        Author,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        help_text="Whose author page the byline links to. Left empty, it is the author whose "
        "name is exactly the byline, if there is one.",
    )
    topics = models.ManyToManyField(
        Topic, related_name="articles", blank=True, help_text="At least one, to publish."
    )
    glossary_terms = models.ManyToManyField(
        GlossaryTerm,
        related_name="articles",
        blank=True,
        help_text="Terms this story uses. The first use in each section links to its definition.",
    )
    explanation = models.TextField(
        blank=True,
        help_text="Markdown. Plain language for a general reader: what happened, why it "
        "matters, what to watch. Use ### for subheadings.",
    )
    explanation_html = models.TextField(editable=False, default="")
    technical = models.TextField(
        "technical deep dive",
        blank=True,
        help_text="Markdown. The same story for a specialist: mechanisms, numbers, caveats, "
        "open questions.",
    )
    technical_html = models.TextField(editable=False, default="")
    follows_up = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name="update to",
        help_text="The earlier story this one follows up (a confirmation, a retraction, a "
        "new result), so readers can follow a claim from first report to outcome.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="Readers see the story from this time on. Empty means now, on publishing.",
    )
    is_lead = models.BooleanField(
        "pinned as the lead story",
        default=False,
        help_text="The front page leads with this story while it is public; with none pinned, "
        "the newest story leads. Pinning one story unpins the other.",
    )
    published_without_evidence = models.BooleanField(
        "publish without evidence",
        default=False,
        help_text="Publish before the sources and the reality meter are in. Readers see "
        "“Not yet assessed” with the reason below; the story's history records who chose it.",
    )
    without_evidence_reason = models.CharField(
        "why without evidence (shown to readers)", max_length=300, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    reading_time_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    search_terms = models.TextField(
        editable=False,
        default="",
        help_text="The story's glossary terms and their aliases, kept in step by a signal: "
        "a generated column cannot read a many-to-many relation.",
    )
    # Kept by the database: headline (A) outranks standfirst and glossary terms (B),
    # which outrank the body (C).
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("headline", weight="A", config=SEARCH_CONFIG)
            + SearchVector("dek", "search_terms", weight="B", config=SEARCH_CONFIG)
            + SearchVector("explanation", "technical", weight="C", config=SEARCH_CONFIG)
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    # Search columns are derived from the rest; the history need not repeat them.
    history = HistoricalRecords(excluded_fields=["search_terms", "search_vector"])
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_public_idx"),
            # Related stories look up hundreds of candidates by id only to apply the public
            # rule and order by date: with these columns in the index, without the table.
            models.Index(
                fields=["id"], include=["status", "published_at"], name="article_public_by_id_idx"
            ),
            # Without fastupdate a new story is indexed as it is saved; stories are few
            # and searches many, so no search pays for scanning a pending list.
            GinIndex(fields=["search_vector"], name="article_search_idx", fastupdate=False),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["is_lead"], condition=models.Q(is_lead=True), name="one_lead_story"
            ),
            models.CheckConstraint(
                condition=~models.Q(follows_up=models.F("pk")), name="story_not_its_own_follow_up"
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = self.updated_at
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def link_author(self):
        """Stories saved with a byline only (fixtures, older stories) link to that author."""
        if self.author_id is None and self.byline:
            self.author = Author.objects.filter(name=self.byline).first()

    @cached_property
    def lead_image(self):
        return next((image for image in self.images.all() if image.role == image.Role.LEAD), None)

    @classmethod
    def published_q(cls, prefix=""):
        """The rule for a public story (published, publish time come) as a ``Q``.

        ``prefix`` reaches stories through a relation: ``"articles__"`` from a topic.
        """
        rule = {"status": cls.Status.PUBLISHED, "published_at__lte": timezone.now()}
        return models.Q(**{prefix + lookup: value for lookup, value in rule.items()})

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def state(self):
        """What an editor needs to know at a glance: Draft, In review, Scheduled, Published."""
        if self.status == self.Status.PUBLISHED and not self.is_public:
            return "Scheduled"
        return self.get_status_display()

    def publication_problems(self, *, topic_count):
        """What stops this story from being published, in plain words (empty if nothing)."""
        required = [
            (self.headline, "a headline"),
            (self.dek.strip(), "a standfirst"),
            (self.byline.strip(), "a byline"),
            (self.explanation.strip(), "the explanation"),
            (self.technical.strip(), "the technical deep dive"),
            (topic_count, "at least one topic"),
        ]
        return [f"To publish, add {what}." for present, what in required if not present]

    def render(self):
        """Render both sections, the reading time and the searchable glossary text.

        ``search_terms`` exists because the generated search column cannot follow
        the many-to-many to the terms. Terms need a saved article.
        """
        glossary = list(self.glossary_terms.all()) if self.pk else []
        terms = [markup.Term(term.slug, term.forms) for term in glossary]
        self.search_terms = "\n".join(", ".join(term.forms) for term in glossary)
        figures = self._figures_html() if self.pk else {}
        self.explanation_html = markup.render(
            self.explanation, section="explanation", terms=terms
        ) + figures.get(ArticleImage.Role.EXPLANATION, "")
        self.technical_html = markup.render(
            self.technical, section="technical", terms=terms
        ) + figures.get(ArticleImage.Role.TECHNICAL, "")
        words = len(self.explanation.split()) + len(self.technical.split())
        self.reading_time_minutes = max(1, math.ceil(words / WORDS_PER_MINUTE))

    def _figures_html(self):
        """Each section's figures, numbered through the story, to follow its text."""
        placed = {}
        figures = self.images.exclude(role=ArticleImage.Role.LEAD).order_by(
            "role", "position", "pk"
        )
        for number, figure in enumerate(figures, start=1):
            html = render_to_string(
                "articles/components/figure.html", {"image": figure, "number": number}
            )
            placed[figure.role] = placed.get(figure.role, "") + html
        return placed

    # What render() derives from the rest: saved again when a term or a figure changes.
    RENDERED_FIELDS = ["explanation_html", "technical_html", "reading_time_minutes", "search_terms"]


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

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
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
        self.article.save(update_fields=Article.RENDERED_FIELDS)

    def delete(self, *args, **kwargs):
        # The files stay: they are named by content, which another image may share.
        result = super().delete(*args, **kwargs)
        self.article.save(update_fields=Article.RENDERED_FIELDS)
        return result

    def _store(self, upload):
        """Keep the cleaned upload and its variants, in a folder named by the upload's bytes.

        A folder that holds them already (the same file uploaded again, the fixture
        figures reloaded) is reused without decoding anything.
        """
        storage = self.original.storage
        folder = f"images/{images.fingerprint(upload)[:32]}"
        kept = {fmt: f"{folder}/original.{images.EXTENSIONS[fmt]}" for fmt in ("PNG", "JPEG")}
        cleaned = None
        fmt = next((fmt for fmt, name in kept.items() if storage.exists(name)), None)
        if fmt is None:
            cleaned = images.clean(upload)
            fmt = cleaned.format
            _save_once(storage, kept[fmt], cleaned.content)
        else:
            with storage.open(kept[fmt]) as stored:
                cleaned = images.Cleaned.read(stored, fmt)
        self.original = kept[fmt]
        self.width, self.height = cleaned.width, cleaned.height
        planned = [
            (variant_fmt, width, f"{folder}/{width}w.{images.EXTENSIONS[variant_fmt]}")
            for width in images.variant_widths(cleaned.width)
            for variant_fmt in images.variant_formats(fmt)
        ]
        if not all(storage.exists(name) for _, _, name in planned):
            made = {(v.format, v.width): v.content for v in images.make_variants(cleaned)}
            for variant_fmt, width, name in planned:
                _save_once(storage, name, made[variant_fmt, width])
        self.variants = [
            {"format": variant_fmt, "width": width, "name": name}
            for variant_fmt, width, name in planned
        ]

    def _srcset(self, fmt):
        storage = self.original.storage
        return ", ".join(
            f"{storage.url(v['name'])} {v['width']}w" for v in self.variants if v["format"] == fmt
        )

    @property
    def sources(self):
        """The modern formats, best first, as (MIME type, srcset) for <source> elements."""
        made = {variant["format"] for variant in self.variants}
        return [
            (images.MIME_TYPES[fmt], self._srcset(fmt))
            for fmt in images.PREFERRED_FORMATS
            if fmt in made
        ]

    @property
    def _fallback_format(self):
        return next(
            v["format"] for v in self.variants if v["format"] not in images.PREFERRED_FORMATS
        )

    @property
    def fallback_srcset(self):
        return self._srcset(self._fallback_format)

    @property
    def fallback(self):
        """The largest fallback variant: the <img> src, and the link-preview picture."""
        fmt = self._fallback_format
        widest = max((v for v in self.variants if v["format"] == fmt), key=lambda v: v["width"])
        return {
            "url": self.original.storage.url(widest["name"]),
            "width": widest["width"],
            "height": round(self.height * widest["width"] / self.width),
            "type": images.MIME_TYPES[fmt],
        }


def _save_once(storage, name, content):
    """Store ``content`` under ``name`` unless it is there already (names are content)."""
    if not storage.exists(name):
        storage.save(name, ContentFile(content))


class CorrectionQuerySet(models.QuerySet):
    def on_public_stories_by(self, author):
        """Corrections on an author's public stories, newest first, with their story."""
        return (
            self.filter(Article.published_q(prefix="article__"), article__author=author)
            .select_related("article")
            .only("kind", "note", "made_at", "article__slug", "article__headline")
            .order_by("-made_at", "-pk")
        )


class Correction(models.Model):
    """A dated correction or update note on a published story, shown to readers."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    note = models.TextField(help_text="What was wrong and what is right now, or what is new.")
    made_at = models.DateTimeField("date", default=timezone.now)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article}"

    def save(self, *args, **kwargs):
        """A correction or update changes the story's updated time."""
        super().save(*args, **kwargs)
        Article.objects.filter(pk=self.article_id, updated_at__lt=self.made_at).update(
            updated_at=self.made_at
        )


class ArticleRedirect(models.Model):
    """An old slug of a published story that was renamed: its links keep working."""

    old_slug = models.SlugField(max_length=140, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"
