"""Review before publishing: a story sent to an editor, their decision, and the editors'
comments on it. None of it is ever shown to readers (articles/reviews.py holds the rules)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.stories import Article

NOTE_LENGTH = 1000


class ReviewRequest(models.Model):
    """A story sent for review, to a named editor or to any editor. Open until a decision
    answers it or a newer request replaces it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        WITHDRAWN = "withdrawn", "Withdrawn"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_requests")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The editor asked to review it; empty means any editor.",
    )
    note = models.TextField(blank=True, max_length=NOTE_LENGTH)
    asked_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    told_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the reviewer was told by email, or found to need no email "
        "(articles/review_mail.py); empty until then.",
    )

    class Meta:
        ordering = ["asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(status="open"),
                name="one_open_review_request",
            )
        ]

    def __str__(self):
        return f"Review of “{self.article}” asked of {self.reviewer or 'any editor'}"


class ReviewDecision(models.Model):
    """An editor's answer: approve the story's words as they read them, or ask for
    changes (with a comment). An approval holds only while those words stay as read."""

    class Verdict(models.TextChoices):
        APPROVED = "approved", "Approved"
        CHANGES = "changes", "Changes asked"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_decisions")
    request = models.ForeignKey(
        ReviewRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    comment = models.TextField(blank=True, max_length=NOTE_LENGTH)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    read_version = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The story's history entry the editor read."
    )
    words_digest = models.CharField(
        max_length=32, help_text="The story's words as read (articles/reviews.py words_digest)."
    )
    told_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the editor who asked was told by email, or found to need no email "
        "(articles/review_mail.py); empty until then.",
    )

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["article", "-decided_at"], name="review_decision_latest")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(verdict="changes") | ~models.Q(comment=""),
                name="changes_asked_with_a_comment",
            )
        ]

    def __str__(self):
        return f"{self.get_verdict_display()}: “{self.article}”"


class EditorialComment(models.Model):
    """An editor's note on a story, kept with it for the desk; never shown to readers."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="editorial_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=NOTE_LENGTH)
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self):
        return f"Comment on “{self.article}”"
