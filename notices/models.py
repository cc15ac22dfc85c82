"""What readers with an account follow, what happened to it, and what each was told.

A Follow ties an account to a story or a question. An Event is one thing that happened to
a story or a question, stored once: its ``key`` names it naturally ("resolved:12:yes:…")
and is unique, so that a receiver or a job that sees the same thing twice records it once.
A Notification is an event as one account is told of it, at most once per account
(inbox, feed and email all read it); ``emailed_at`` says it has gone out by email.
Preferences say how an account is told.
"""

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import Account
from articles.models import Article
from predictions.models import Question

DEFAULT_CROWD_THRESHOLD = 10
CROWD_THRESHOLD_RANGE = (1, 50)


def new_feed_token():
    """32 random bytes, base64url: the secret part of a reader's feed address."""
    return secrets.token_urlsafe(32)


class FollowQuerySet(models.QuerySet):
    def active(self):
        return self.filter(following=True)

    def of_event(self, event):
        """The follows an event is told to: its question's, else its story's."""
        if event.question_id is not None:
            return self.active().filter(question_id=event.question_id)
        return self.active().filter(article_id=event.article_id)

    def for_listing(self):
        return (
            self.active()
            .select_related("article", "question")
            .only(
                "reason",
                "created_at",
                "article__slug",
                "article__headline",
                "question__slug",
                "question__text",
            )
            .order_by("-created_at", "-pk")
        )


class Follow(models.Model):
    """An account follows a story or a question (exactly one of the two)."""

    class Reason(models.TextChoices):
        CHOSEN = "chosen", "You chose to follow it"
        FORECAST = "forecast", "You forecast it"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="follows")
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.CHOSEN)
    following = models.BooleanField(
        default=True,
        help_text="Off once the reader unfollows. The row is kept, so that forecasting the "
        "question again does not follow it anew.",
    )
    crowd_seen = models.FloatField(
        null=True,
        blank=True,
        help_text="The question's community forecast (median, per cent) when the reader "
        "last heard of it: when they followed it, forecast it or were told it moved.",
    )
    forecast_seen_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The time of the reader's latest forecast on the question taken into "
        "account: a later one resets the crowd they are compared with.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = FollowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(article__isnull=False, question__isnull=True)
                    | models.Q(article__isnull=True, question__isnull=False)
                ),
                name="follow_story_or_question",
            ),
            models.UniqueConstraint(
                fields=["account", "article"],
                condition=models.Q(article__isnull=False),
                name="one_follow_per_story",
            ),
            models.UniqueConstraint(
                fields=["account", "question"],
                condition=models.Q(question__isnull=False),
                name="one_follow_per_question",
            ),
        ]
        indexes = [
            models.Index(
                fields=["question"], condition=models.Q(following=True), name="follow_question_idx"
            ),
            models.Index(
                fields=["article"], condition=models.Q(following=True), name="follow_story_idx"
            ),
        ]

    def __str__(self):
        return f"{self.account} follows {self.target}"

    def get_absolute_url(self):
        return self.target.get_absolute_url()

    @property
    def target(self):
        return self.question if self.question_id else self.article


class Event(models.Model):
    """Something that happened to a story or its question, recorded once."""

    class Kind(models.TextChoices):
        RESOLVED = "resolved", "Question resolved"
        CROWD_MOVED = "crowd_moved", "Community forecast moved"
        CLOSING_SOON = "closing_soon", "Question closing soon"
        SCORE_CHANGED = "score_changed", "Reality score changed"
        CORRECTION = "correction", "Correction or update posted"
        CITATION_NOTICE = "citation_notice", "Notice on a cited work"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set for a question's events; its story is ``article``.",
    )
    payload = models.JSONField(default=dict, help_text="What readers are told of it.")
    key = models.CharField(
        max_length=200,
        unique=True,
        help_text="What it is, naturally ('resolved:12:yes:2026-01-05T10:00:00+00:00'): "
        "the same happening seen twice is recorded once.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its followers' notifications were made (notices/delivery.py).",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="event_undelivered_idx",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.question or self.article}"


class NotificationQuerySet(models.QuerySet):
    def for_listing(self):
        """With the event and its story and question: what the inbox, the feed and the
        email draw, in one query."""
        return self.select_related("event__article", "event__question").only(
            "created_at",
            "read_at",
            "detail",
            "event__kind",
            "event__payload",
            "event__created_at",
            "event__article__slug",
            "event__article__headline",
            "event__question__slug",
            "event__question__text",
        )

    def unread(self):
        return self.filter(read_at__isnull=True)

    def unemailed(self):
        return self.filter(emailed_at__isnull=True)


class Notification(models.Model):
    """One event as one account is told of it."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    detail = models.JSONField(
        default=dict,
        blank=True,
        help_text="What is this reader's own: their score, the crowd they last heard of.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "event"], name="one_notification_per_event")
        ]
        indexes = [
            models.Index(
                models.F("account"),
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="notification_inbox_idx",
            ),
            models.Index(
                fields=["account", "created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_unemailed_idx",
            ),
        ]

    def __str__(self):
        return f"{self.event} for {self.account}"


class Preferences(models.Model):
    """How an account is told: email, the crowd's threshold, the feed's secret address.
    An account without a row has the defaults (no email, 10 points)."""

    class Frequency(models.TextChoices):
        OFF = "off", "No email"
        IMMEDIATE = "immediate", "As it happens (within minutes)"
        DAILY = "daily", "A daily digest"
        WEEKLY = "weekly", "A weekly digest, on Mondays"

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, primary_key=True, related_name="notice_preferences"
    )
    email_frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.OFF
    )
    crowd_threshold = models.PositiveSmallIntegerField(
        default=DEFAULT_CROWD_THRESHOLD,
        validators=[
            MinValueValidator(CROWD_THRESHOLD_RANGE[0]),
            MaxValueValidator(CROWD_THRESHOLD_RANGE[1]),
        ],
        help_text="Tell the reader when a followed question's community forecast moves by "
        "more than this many percentage points.",
    )
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    emails_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the reader last turned email on: older notifications are not mailed.",
    )

    class Meta:
        verbose_name_plural = "preferences"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    crowd_threshold__gte=CROWD_THRESHOLD_RANGE[0],
                    crowd_threshold__lte=CROWD_THRESHOLD_RANGE[1],
                ),
                name="crowd_threshold_in_range",
            )
        ]

    def __str__(self):
        return f"Notification preferences of {self.account}"


class SweepMark(models.Model):
    """How far a periodic job has read a growing table (by id), so that it reads only
    what came since."""

    name = models.CharField(max_length=60, unique=True)
    position = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} at {self.position}"
