"""The story: its fields, its history, what a page, a card or a reader's write reads of it."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from articles import cards, rendering
from articles.models.pictures import ArticleImage
from articles.models.taxonomy import Author, GlossaryTerm, SlugQuerySet, Topic
from core import compiled_queries

# Search stems English words; a constant config keeps to_tsvector immutable, which a
# generated column requires.
SEARCH_CONFIG = "english"


def searched_markdown(field):
    """A Markdown field as search reads it: a formula's sub- and superscript marks
    (core/markup.py) dropped and its minus signs read as hyphens, so that
    ``Pb~10−x~Cu~x~(PO~4~)~6~O`` is found as readers type it, "Pb10-xCux(PO4)6O"."""
    return models.Func(
        models.F(field),
        models.Value("−~^"),
        models.Value("-"),
        function="translate",
        output_field=models.TextField(),
    )


def story_cache_key(slug):
    """The HTTP cache's surrogate key of a story's page and of everything that shows it
    (core/httpcache.py)."""
    return f"story-{slug}"


# What a reader's vote or forecast needs of its story: who it is and whether it is public.
READER_WRITE_FIELDS = ("slug", "status", "published_at", "unpublish_at")
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
                    "images",
                    queryset=ArticleImage.objects.filter(
                        role=ArticleImage.Role.LEAD
                    ).select_related("picture"),
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

    def for_page(self):
        """A story's row for its page, with its author and the story it follows up: what
        the page needs outside its kept parts (core/fragments.py). ``page_prefetches()``
        names the rest, fetched only when a part is rendered."""
        return self.select_related("author", "follows_up").defer(
            *self.UNSHOWN_FIELDS,
            *(f"follows_up__{name}" for name in (*self.UNSHOWN_FIELDS, *self.BODY_FIELDS)),
        )

    @staticmethod
    def page_prefetches():
        """What a story's page shows of its relations, including the stories after it in
        a follow-up thread (only public follow-ups; of those, the link line only)."""
        follow_ups = Article.objects.published().only(
            "slug", "headline", "published_at", "unpublish_at", "follows_up"
        )
        return (
            "topics",
            "glossary_terms",
            "corrections",
            Prefetch("images", queryset=ArticleImage.objects.select_related("picture")),
            Prefetch("follow_ups", queryset=follow_ups.latest_first()),
        )

    def for_detail(self):
        """A story with everything its page shows."""
        return self.for_page().prefetch_related(*self.page_prefetches())

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
        "matters, what to watch. Use ### for subheadings; H~2~O and Cu^2+^ for sub- and "
        "superscripts (no spaces inside).",
    )
    explanation_html = models.TextField(editable=False, default="")
    technical = models.TextField(
        "technical deep dive",
        blank=True,
        help_text="Markdown. The same story for a specialist: mechanisms, numbers, caveats, "
        "open questions. Formulas: Pb~10−x~Cu~x~(PO~4~)~6~O, Cu^2+^, 10^−3^.",
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
    unpublish_at = models.DateTimeField(
        "take down at",
        null=True,
        blank=True,
        help_text="Readers stop seeing the story at this time, by itself: its page, lists, "
        "feeds and search drop it. Empty means it stays up.",
    )
    embargo_until = models.DateTimeField(
        "embargo ends",
        null=True,
        blank=True,
        help_text="The story may not be public before this time. Publishing it earlier is "
        "refused; published with no publish time, it goes out when the embargo ends.",
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
    updated_at = models.DateTimeField(
        "updated",
        default=timezone.now,
        editable=False,
        help_text="When readers were last told of a change: the publish time, then the date "
        "of each correction or update note. An edit without a note leaves it; the history "
        "keeps every edit.",
    )
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
            + SearchVector(
                searched_markdown("explanation"),
                searched_markdown("technical"),
                weight="C",
                config=SEARCH_CONFIG,
            )
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    # Search columns are derived from the rest; the history need not repeat them.
    history = HistoricalRecords(excluded_fields=["search_terms", "search_vector"])
    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "story"
        verbose_name_plural = "stories"
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_public_idx"),
            # Related stories look up hundreds of candidates by id only to apply the public
            # rule and order by date: with these columns in the index, without the table.
            models.Index(
                fields=["id"],
                include=["status", "published_at", "unpublish_at"],
                name="article_public_by_id_idx",
            ),
            # The next takedown (articles/selectors.py): only stories that have one.
            models.Index(
                fields=["unpublish_at"],
                condition=models.Q(unpublish_at__isnull=False),
                name="article_takedown_idx",
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
            models.CheckConstraint(
                condition=models.Q(unpublish_at__isnull=True)
                | models.Q(published_at__isnull=True)
                | models.Q(unpublish_at__gt=models.F("published_at")),
                name="story_taken_down_after_publishing",
            ),
            models.CheckConstraint(
                condition=models.Q(embargo_until__isnull=True)
                | models.Q(published_at__isnull=True)
                | models.Q(published_at__gte=models.F("embargo_until")),
                name="story_published_after_embargo",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = max(filter(None, [timezone.now(), self.embargo_until]))
        # "Updated" means a change readers were told of, so a save does not move it; a
        # correction or update note does (Correction.save). It is never before the publish
        # time, and a scheduled story's is its publish time.
        scheduled = self.state == "Scheduled"
        if self.published_at and (scheduled or self.updated_at < self.published_at):
            self.updated_at = self.published_at
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
        """The rule for a public story (published, publish time come, takedown time not
        come) as a ``Q``.

        ``prefix`` reaches stories through a relation: ``"articles__"`` from a topic.
        """
        now = timezone.now()
        rule = {"status": cls.Status.PUBLISHED, "published_at__lte": now}
        not_taken_down = models.Q(**{f"{prefix}unpublish_at__isnull": True}) | models.Q(
            **{f"{prefix}unpublish_at__gt": now}
        )
        return models.Q(**{prefix + lookup: value for lookup, value in rule.items()}) & (
            not_taken_down
        )

    @property
    def is_public(self):
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.unpublish_at is None or self.unpublish_at > now)
        )

    @property
    def state(self):
        """What an editor needs to know at a glance: Draft, In review, Scheduled,
        Published, Taken down (published, and its takedown time has come)."""
        if self.status == self.Status.PUBLISHED and not self.is_public:
            taken_down = self.unpublish_at is not None and self.unpublish_at <= timezone.now()
            return "Taken down" if taken_down else "Scheduled"
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
        """Render both sections, the reading time and the searchable glossary text
        (articles/rendering.py)."""
        rendering.render(self)

    # What render() derives from the rest: saved again when a term or a figure changes.
    RENDERED_FIELDS = ["explanation_html", "technical_html", "reading_time_minutes", "search_terms"]
