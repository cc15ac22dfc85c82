"""A draft shared before publishing: a preview link for one story and one named outside
reader, made by an editor, that expires and can be revoked (the rules: articles/draft_links.py)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.stories import Article

# The longest a preview link may live: a draft shared for weeks is a leak waiting to happen.
LONGEST_LIFE = timedelta(days=30)


def new_link_key():
    """The random part of a link's token, kept with the link: a signature alone would let
    a link made again under a reused id (a restored database) open with an old token."""
    return secrets.token_urlsafe(16)


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Links that still open: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())

    def for_desk(self):
        """A story's links as the desk lists them, newest first, with who made and revoked
        each."""
        return self.select_related("made_by", "revoked_by").order_by("-made_at", "-pk")


class PreviewLink(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="preview_links", verbose_name="story"
    )
    reader_name = models.CharField(
        "for",
        max_length=120,
        help_text="Who the link is for, as the preview page names them: “Dr Ada Osei, "
        "University of Ghana”.",
    )
    reader_email = models.EmailField(
        "their e-mail",
        blank=True,
        help_text="Optional: where you are sending it, for the desk's record. Nothing is sent.",
    )
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Optional, for the desk only: why they have it (“checking the numbers”).",
    )
    key = models.CharField(max_length=32, default=new_link_key, editable=False)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="made by",
    )
    made_at = models.DateTimeField("made", default=timezone.now)
    expires_at = models.DateTimeField("expires")
    revoked_at = models.DateTimeField("revoked", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="revoked by",
    )
    opened_count = models.PositiveIntegerField("times opened", default=0)
    last_opened_at = models.DateTimeField("last opened", null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "preview link"
        ordering = ["-made_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("made_at"))
                & models.Q(expires_at__lte=models.F("made_at") + LONGEST_LIFE),
                name="preview_link_life_within_limit",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=False) | models.Q(revoked_by__isnull=True),
                name="preview_link_revoker_only_when_revoked",
            ),
        ]

    def __str__(self):
        return f"Preview for {self.reader_name}"

    def is_revoked(self):
        return self.revoked_at is not None

    def has_expired(self, now=None):
        return self.expires_at <= (now or timezone.now())

    def is_usable(self, now=None):
        return not self.is_revoked() and not self.has_expired(now)

    @property
    def state(self):
        """What the desk's list says of it: Open, Expired or Revoked."""
        if self.is_revoked():
            return "Revoked"
        return "Expired" if self.has_expired() else "Open"
