from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from articles.models import READER_WRITE_FIELDS as ARTICLE_READER_WRITE_FIELDS
from articles.models import Article, SlugQuerySet, Topic, public_from_reader_write_row
from core import compiled_queries, markup

READER_ID_LENGTH = 32
# Readers made by `manage.py seed_demo_forecasts`, labelled as synthetic on pages.
SYNTHETIC_READER_PREFIX = "demo-"
# Paths under /predictions/ that are pages, not questions.
RESERVED_QUESTION_SLUGS = {"me", "leaderboard"}


def not_reserved(slug):
    if slug in RESERVED_QUESTION_SLUGS:
        raise ValidationError(f"“{slug}” is taken by a page; choose another slug.")


class ReadChoice(models.TextChoices):
    GAME_CHANGER = "game_changer", "Game-changer"
    PROMISING = "promising", "Promising"
    TOO_EARLY = "too_early", "Too early to tell"
    OVERHYPED = "overhyped", "Overhyped"


class Read(models.Model):
    """A reader's current read of a story: one per reader per story."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reads")
    reader_id = models.CharField(max_length=READER_ID_LENGTH)
    choice = models.CharField(max_length=20, choices=ReadChoice.choices)
    cast_at = models.DateTimeField(default=timezone.now, help_text="When the reader first read it.")
    changed_at = models.DateTimeField(default=timezone.now)
    origin = models.CharField(
        max_length=16,
        blank=True,
        default="",
        db_default="",
        help_text="For a reader without an account, a keyed hash of the network address the "
        "read came from (core/origins.py): a story's reads from one address count once. Empty "
        "for an account's reads and the site's own, which count one per reader.",
    )
    counted = models.BooleanField(
        default=True,
        db_default=True,
        help_text="Whether the read is in the story's tally and its topics' interest. Of a "
        "story's reads from one origin one counts; the others are kept (each reader sees and "
        "can change their own), and the oldest takes its place if it is withdrawn.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "reader_id"], name="one_read_per_reader"),
            # Reads from one address count as one (predictions/services/reads.py).
            models.UniqueConstraint(
                fields=["article", "origin"],
                condition=models.Q(counted=True) & ~models.Q(origin=""),
                name="one_counted_read_per_origin",
            ),
        ]
        indexes = [
            models.Index(fields=["cast_at"], name="read_cast_at_idx"),
            # The read that takes the place of a withdrawn one from its origin.
            models.Index(
                fields=["article", "origin", "cast_at"],
                condition=models.Q(counted=False),
                name="read_uncounted_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_choice_display()} on {self.article}"


class ReadTally(models.Model):
    """Stored counts of a story's counted reads (``Read.counted``), kept in step with Read
    in the same statement.

    Each read has a column named after its value (tests/predictions/test_reads.py
    checks the two lists agree); ``count_fields()`` is that mapping.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="read_tally"
    )
    game_changer = models.PositiveIntegerField(default=0)
    promising = models.PositiveIntegerField(default=0)
    too_early = models.PositiveIntegerField(default=0)
    overhyped = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Reads of {self.article}"

    @staticmethod
    def count_fields():
        """Each read's value and the name of the column counting it."""
        return {choice: choice for choice in ReadChoice.values}

    def counts(self):
        return {choice: getattr(self, field) for choice, field in self.count_fields().items()}

    @property
    def total(self):
        return sum(self.counts().values())


# What a forecast needs of its question: whether it takes forecasts, and where to land.
READER_WRITE_COLUMNS = ("id", "article_id", "slug", "opens_at", "closes_at", "resolution")


def _reader_write_lookup():
    """A question by slug (the one parameter) with its story's reader-write columns."""
    story = (f"article__{name}" for name in ARTICLE_READER_WRITE_FIELDS)
    return Question.objects.filter(slug="").values_list(*READER_WRITE_COLUMNS, *story).order_by()


class QuestionQuerySet(SlugQuerySet):
    def public(self):
        return self.filter(Article.published_q(prefix="article__"))

    def public_for_reader_write(self, slug):
        """The question ``slug``, with what a forecast needs of it and of its story, or
        None unless the story is public: one query whose SQL is compiled once
        (core/compiled_queries.py), as every forecast runs it."""
        row = compiled_queries.fetch_one(_reader_write_lookup, self.db, [slug])
        if row is None:
            return None
        split = len(READER_WRITE_COLUMNS)
        question = self.model.from_db(self.db, READER_WRITE_COLUMNS, row[:split])
        story = public_from_reader_write_row(self.db, (question.article_id, *row[split:]))
        if story is None:
            return None
        question.article = story
        return question

    def open_now(self, now=None):
        now = now or timezone.now()
        return self.filter(resolution="", opens_at__lte=now, closes_at__gt=now)

    def resolved(self):
        return self.exclude(resolution="")


class Question(models.Model):
    """A story's yes/no question that readers forecast, with its stored community forecast."""

    class Resolution(models.TextChoices):
        UNRESOLVED = "", "Not resolved"
        YES = "yes", "Yes"
        NO = "no", "No"
        ANNULLED = "annulled", "Annulled"

    class Status(models.TextChoices):
        UPCOMING = "upcoming", "Not open yet"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed, awaiting resolution"
        RESOLVED = "resolved", "Resolved"

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="question")
    slug = models.SlugField(max_length=140, unique=True, validators=[not_reserved])
    text = models.CharField(max_length=300, help_text="A yes/no question with a date in it.")
    criteria = models.TextField(
        "resolution criteria",
        help_text="Markdown. Exactly what counts as yes, and as no.",
        validators=[markup.validate],
    )
    criteria_html = models.TextField(editable=False, default="")
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(help_text="No forecasts after this time.")
    resolve_by = models.DateField(help_text="When the answer should be known.")
    resolution = models.CharField(
        max_length=10, choices=Resolution.choices, default="", blank=True, editable=False
    )
    resolution_note = models.TextField(blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The community forecast, recomputed on every forecast write (predictions/aggregation.py).
    forecasters = models.PositiveIntegerField(default=0, editable=False)
    median = models.FloatField(null=True, editable=False)
    lower_quartile = models.FloatField(null=True, editable=False)
    upper_quartile = models.FloatField(null=True, editable=False)
    histogram = models.JSONField(default=list, editable=False)

    history = HistoricalRecords()
    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["closes_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="question_closes_after_it_opens",
            ),
        ]
        # The front page's modules (predictions/selectors/front.py): the few questions
        # closing next, next to open and resolved last, read in order from an index
        # instead of sorting every question (66 ms on 20,000 questions before).
        indexes = [
            models.Index(
                fields=["closes_at", "id"],
                condition=models.Q(resolution=""),
                name="question_unresolved_close_idx",
            ),
            models.Index(
                fields=["opens_at", "id"],
                condition=models.Q(resolution=""),
                name="question_unresolved_open_idx",
            ),
            models.Index(
                models.F("resolved_at").desc(),
                models.F("id").desc(),
                condition=~models.Q(resolution=""),
                name="question_resolved_idx",
            ),
        ]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return reverse("predictions:question", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def status_at(self, moment):
        if self.resolution:
            return self.Status.RESOLVED
        if moment < self.opens_at:
            return self.Status.UPCOMING
        if moment >= self.closes_at:
            return self.Status.CLOSED
        return self.Status.OPEN

    @property
    def status(self):
        return self.status_at(timezone.now())

    def next_change_at(self, moment=None):
        """When the question's status next changes by the clock (it opens or closes), or
        None when only an editor can change it now."""
        moment = moment or timezone.now()
        if self.resolution:
            return None
        if moment < self.opens_at:
            return self.opens_at
        return self.closes_at if moment < self.closes_at else None

    @property
    def is_scored(self):
        return self.resolution in {self.Resolution.YES, self.Resolution.NO}


class ForecastQuerySet(models.QuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True, withdrawn=False)


class Forecast(models.Model):
    """One submission. It stands from ``made_at`` until ``superseded_at`` (or the close).

    A new forecast or a withdrawal ends the reader's standing one, so the
    history is kept and time-averaged scoring knows exactly how long each stood.
    A withdrawal is a row of its own with ``withdrawn`` set and no probability.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="forecasts")
    reader_id = models.CharField(max_length=READER_ID_LENGTH)
    probability = models.PositiveSmallIntegerField(
        null=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text="Per cent, 1–99.",
    )
    withdrawn = models.BooleanField(default=False)
    made_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)
    origin = models.CharField(
        max_length=16,
        blank=True,
        default="",
        db_default="",
        help_text="A keyed hash of the network address it came from (core/origins.py): "
        "forecasts from one address count once in the crowd. Empty for forecasts the site "
        "made itself (the labelled demo forecasts), which count one per reader.",
    )

    objects = ForecastQuerySet.as_manager()

    class Meta:
        ordering = ["made_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "reader_id"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_standing_forecast_per_reader",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(withdrawn=True, probability__isnull=True)
                    | models.Q(withdrawn=False, probability__gte=1, probability__lte=99)
                ),
                name="forecast_probability_1_99",
            ),
        ]
        indexes = [
            models.Index(
                fields=["question", "made_at"],
                condition=models.Q(superseded_at__isnull=True),
                name="forecast_standing_idx",
            ),
            models.Index(fields=["reader_id", "made_at"], name="forecast_reader_idx"),
            models.Index(
                fields=["question", "origin"],
                condition=~models.Q(origin=""),
                name="forecast_origin_idx",
            ),
            # Which questions' crowds include the labelled demo forecasters, a question at
            # a time (every page showing a crowd says so): without it, a scan of every
            # forecast (48 ms of 500,000).
            models.Index(
                fields=["question"],
                condition=models.Q(reader_id__startswith=SYNTHETIC_READER_PREFIX),
                name="forecast_demo_idx",
            ),
        ]

    def __str__(self):
        return f"{self.probability}% on {self.question}"


class AggregatePoint(models.Model):
    """The community forecast as it stood at the end of a day: the history readers see.

    One row per question per day (the day's last write updates it), so the
    history stays short however many forecasts a question draws.
    """

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="aggregate_history"
    )
    day = models.DateField()
    forecasters = models.PositiveIntegerField()
    median = models.FloatField(null=True)
    lower_quartile = models.FloatField(null=True)
    upper_quartile = models.FloatField(null=True)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["question", "day"], name="one_point_per_day"),
        ]

    def __str__(self):
        return f"{self.median} on {self.day}"


class Score(models.Model):
    """A reader's time-averaged Brier and log score on one resolved question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="scores")
    reader_id = models.CharField(max_length=READER_ID_LENGTH)
    brier = models.FloatField()
    log_score = models.FloatField()
    final_probability = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "reader_id"], name="one_score_per_reader"),
        ]
        indexes = [models.Index(fields=["reader_id"], name="score_reader_idx")]

    def __str__(self):
        return f"Brier {self.brier:.3f} on {self.question}"


class TopicInterest(models.Model):
    """Readers' interest in a topic: the sum of its reads' interest, stored relative to a
    fixed epoch (predictions/interest.py says why it never needs a decay job), so that
    ordering topics by interest is an indexed column read. predictions owns this table;
    a topic nobody has read has no row."""

    topic = models.OneToOneField(
        Topic, on_delete=models.CASCADE, primary_key=True, related_name="interest"
    )
    amount = models.FloatField(default=0, db_index=True)

    def __str__(self):
        return f"{self.amount:g} for {self.topic_id}"

    @staticmethod
    def of_topics(topics=None):
        """``topics`` (every topic by default), each with ``interest_amount``: its stored
        interest, 0 for a topic nobody has read."""
        topics = Topic.objects.all() if topics is None else topics
        return topics.annotate(interest_amount=Coalesce("interest__amount", 0.0))


class PendingInterest(models.Model):
    """Topic interest a read added or took back, not yet folded into TopicInterest.

    A read only appends rows here, so readers of one hot story never queue on their
    topics' rows; predictions/services/settling.py folds them in, about once a second.
    """

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    amount = models.FloatField()

    def __str__(self):
        return f"{self.amount:+g} for {self.topic_id}"


class StaleAggregate(models.Model):
    """A question whose stored community forecast lags its forecasts (settling.py)."""

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    def __str__(self):
        return f"Aggregate of {self.question_id} to recompute"
