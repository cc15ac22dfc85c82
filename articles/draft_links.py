"""Sharing a draft: preview links for named outside readers (articles/models/preview_links.py).

An editor makes a link for one story and one reader; its address carries a token signed
with the site's key (``django.core.signing``, a salt of its own) holding the link's id and
its random key. Opening it checks the signature, then the row: the key (in constant time),
revocation and expiry. A token that fails any check names no story: a forged or altered
one is not found, an expired or revoked one is gone.

The page shows the story as a reader would, with none of the parts where readers write
(reads, forecasts, follows): those are the slots of articles/extensions.py not listed in
``PREVIEW_SLOTS``.
"""

import enum
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from articles.models import Article, PreviewLink
from articles.models.preview_links import LONGEST_LIFE
from core.editors import is_editor

SALT = "articles.draft_links"
DEFAULT_DAYS = 7
LONGEST_DAYS = LONGEST_LIFE.days
# A token is about 80 characters; anything much longer is not one, and is refused before
# it is decoded.
LONGEST_TOKEN = 200
# The story page's slots that only show the story: its evidence, its sources and the
# notices on them. The rest draw readers' writes or invite them (the question glance in the
# header strip leads to the forecast), or tell search engines about the story (JSON-LD).
PREVIEW_SLOTS = ("notices", "evidence", "sources")


class Refusal(enum.Enum):
    """Why a token opens nothing, with the status and words of the page that says so."""

    NOT_FOUND = (404, "This preview link does not work")
    EXPIRED = (410, "This preview link has expired")
    REVOKED = (410, "This preview link has been withdrawn")

    @property
    def status(self):
        return self.value[0]

    @property
    def title(self):
        return self.value[1]


@dataclass(frozen=True)
class Opened:
    """A link that opened: the link, or why it did not."""

    link: PreviewLink | None = None
    refusal: Refusal | None = None


def _signer():
    return signing.Signer(salt=SALT)


def token_for(link):
    """The token of ``link``'s address: the same every time, so the desk can show it again."""
    return _signer().sign_object([link.pk, link.key])


def url_of(link):
    return reverse("articles:draft_preview", kwargs={"token": token_for(link)})


def _signed_link(token):
    """(id, key) that ``token`` carries, or None when it is not one this site signed."""
    if len(token) > LONGEST_TOKEN:
        return None
    try:
        payload = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError):  # ValueError: signed, but not one of ours
        return None
    valid = (
        isinstance(payload, list)
        and len(payload) == 2
        and type(payload[0]) is int
        and isinstance(payload[1], str)
    )
    return tuple(payload) if valid else None


def open_link(token, *, now=None):
    """The link that ``token`` opens now, counted as opened, or the refusal."""
    signed = _signed_link(token)
    if signed is None:
        return Opened(refusal=Refusal.NOT_FOUND)
    link_id, key = signed
    link = PreviewLink.objects.filter(pk=link_id).first()
    if link is None or not constant_time_compare(link.key, key):
        return Opened(refusal=Refusal.NOT_FOUND)
    now = now or timezone.now()
    if link.is_revoked():
        return Opened(refusal=Refusal.REVOKED)
    if link.has_expired(now):
        return Opened(refusal=Refusal.EXPIRED)
    PreviewLink.objects.filter(pk=link.pk).update(
        opened_count=F("opened_count") + 1, last_opened_at=now
    )
    return Opened(link=link)


def story_of(link):
    """The story a link shows, with everything its page draws (``Article.for_detail``)."""
    return Article.objects.for_detail().get(pk=link.article_id)


def links_of(article):
    """A story's links for the desk, newest first."""
    return PreviewLink.objects.filter(article=article).for_desk()


def can_share(user):
    """Whether ``user`` may make and revoke preview links: an editor who may change stories."""
    return is_editor(user) and user.has_perm("articles.change_article")


def make_link(
    *, article, reader_name, made_by, days=DEFAULT_DAYS, reader_email="", note="", now=None
):
    """A new preview link of ``article`` for ``reader_name``, open for ``days`` days."""
    if not can_share(made_by):
        raise ValidationError("Only an editor who may change this story can share it.")
    if article.is_public:
        raise ValidationError("This story is public: share its own address instead.")
    if not 1 <= days <= LONGEST_DAYS:
        raise ValidationError(f"A preview link lasts from 1 to {LONGEST_DAYS} days.")
    now = now or timezone.now()
    link = PreviewLink(
        article=article,
        reader_name=reader_name.strip(),
        reader_email=reader_email.strip(),
        note=note.strip(),
        made_by=made_by,
        made_at=now,
        expires_at=now + timedelta(days=days),
    )
    link.full_clean()
    with transaction.atomic():
        link.save()
    return link


def revoke(*, link, by, now=None):
    """Withdraw ``link`` at once; a link revoked already keeps its first revocation."""
    if not can_share(by):
        raise ValidationError("Only an editor who may change this story can revoke its links.")
    with transaction.atomic():
        PreviewLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=now or timezone.now(), revoked_by=by
        )
        link.refresh_from_db(fields=["revoked_at", "revoked_by"])
    return link
