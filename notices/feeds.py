"""A reader's private Atom feed (RFC 4287) of their notifications, at a secret address.

Every id is an absolute URL on the site: the feed's is the reader's inbox, an entry's is
its place there, so a feed reader keeps each entry once however often it polls.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed


def atom(request, account, entries):
    """The feed's bytes (UTF-8 XML)."""
    inbox = request.build_absolute_uri(reverse("notices:inbox"))
    feed = Atom1Feed(
        title=f"{settings.SITE_NAME}: news of what {account.handle} follows",
        link=inbox,
        description="Questions resolving, crowds moving, scores, corrections and notices "
        "on the stories and questions you follow.",
        feed_url=request.build_absolute_uri(),
        feed_guid=inbox,
        author_name=settings.SITE_NAME,
        language="en-GB",
    )
    for entry in entries:
        feed.add_item(
            title=entry.told.title,
            link=request.build_absolute_uri(entry.told.path),
            description=entry.told.text,
            unique_id=f"{inbox}#notification-{entry.id}",
            pubdate=entry.created_at,
            updateddate=entry.created_at,
        )
    return feed.writeString("utf-8")
