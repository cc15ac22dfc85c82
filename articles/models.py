import math

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from articles import cards
from core import markup

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
    # Written by the predictions app as readers vote, so that ordering topics by
    # reader interest is a column read. Stored relative to a fixed epoch: see
    # predictions/interest.py for why it never needs a decay job.
    reader_interest = models.FloatField(default=0, editable=False, db_index=True)

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


class ArticleQuerySet(SlugQuerySet):
    def published(self):
        """Public stories: published, and their publish time has come."""
        return self.filter(Article.published_q())

    def for_listing(self):
        """What a card needs: headline block, topic names and the columns other apps add
        to cards (articles/cards.py); no bodies."""
        return (
            self.only("slug", "headline", "dek", "byline", "published_at", "reading_time_minutes")
            .annotate(**cards.annotations())
            .prefetch_related(Prefetch("topics", queryset=Topic.objects.only("name", "slug")))
        )

    def for_detail(self):
        """A story with what its page shows, including the stories before and after it in
        a follow-up thread (only public follow-ups)."""
        follow_ups = Article.objects.published().only(
            "slug", "headline", "published_at", "follows_up"
        )
        return (
            self.select_related("follows_up")
            .prefetch_related(
                "topics",
                "glossary_terms",
                "corrections",
                Prefetch("follow_ups", queryset=follow_ups.latest_first()),
            )
            .defer("search_terms", "search_vector")
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
        help_text="One sentence under the headline: what happened and why it matters.",
    )
    byline = models.CharField(max_length=120, help_text="Who wrote it, as printed.")
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
            # Without fastupdate a new story is indexed as it is saved; stories are few
            # and searches many, so no search pays for scanning a pending list.
            GinIndex(fields=["search_vector"], name="article_search_idx", fastupdate=False),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(follows_up=models.F("pk")), name="story_not_its_own_follow_up"
            )
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
        self.explanation_html = markup.render(self.explanation, section="explanation", terms=terms)
        self.technical_html = markup.render(self.technical, section="technical", terms=terms)
        words = len(self.explanation.split()) + len(self.technical.split())
        self.reading_time_minutes = max(1, math.ceil(words / WORDS_PER_MINUTE))


class Correction(models.Model):
    """A dated correction or update note on a published story, shown to readers."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    note = models.TextField(help_text="What was wrong and what is right now, or what is new.")
    made_at = models.DateTimeField("date", default=timezone.now)

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
