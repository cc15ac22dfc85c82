"""The rules of a story's times: when it goes out, when it is taken down by itself, and the
embargo before which it may not be public.

Arithmetic on datetimes and the sentences an editor reads, no database: the story form
(articles/forms.py) and the publish service (articles/services.py) both ask it, so a
time refused on the form is refused the same way by an admin action or a script. The
database holds the same rules as constraints (Article.Meta).
"""

from django.utils import timezone
from django.utils.formats import date_format


def said(moment):
    """A moment as an editor reads it, in the site's time zone: "7 December 2026, 14:30"."""
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def when_published(*, asked, embargo_until, now):
    """When a story published at ``now`` goes out: the time asked, else now, or, under an
    embargo that ends later, when the embargo ends."""
    if asked is not None:
        return asked
    return max(now, embargo_until) if embargo_until else now


def problems(*, published_at, unpublish_at, embargo_until):
    """What is wrong with a story's times, as (field, sentence) pairs. ``published_at``
    None is a story not yet given a publish time: it goes out when published, or when its
    embargo ends."""
    found = []
    if embargo_until and published_at and published_at < embargo_until:
        found.append(
            (
                "published_at",
                f"The embargo ends {said(embargo_until)}: set a publish time at or after "
                "it, or leave it empty and the story goes out when the embargo ends.",
            )
        )
    goes_out = published_at or embargo_until
    if unpublish_at and goes_out and unpublish_at <= goes_out:
        found.append(
            (
                "unpublish_at",
                f"Take the story down after it goes out ({said(goes_out)}), not before.",
            )
        )
    return found


def publishing_problems(*, published_at, unpublish_at, embargo_until, now):
    """Why a story cannot be published to go out at ``published_at`` (from
    ``when_published``), in sentences; empty when it can."""
    found = problems(
        published_at=published_at, unpublish_at=unpublish_at, embargo_until=embargo_until
    )
    if unpublish_at and unpublish_at <= now:
        # Said instead of "after it goes out": the time to change is the takedown's.
        found = [(field, sentence) for field, sentence in found if field != "unpublish_at"]
        found.append(
            (
                "unpublish_at",
                f"Its takedown time ({said(unpublish_at)}) has passed: clear “Take down at” "
                "or set a later time to publish it again.",
            )
        )
    return [sentence for _, sentence in found]
