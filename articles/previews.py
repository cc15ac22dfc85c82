"""The one picture that stands for a story where a page, a feed or an API answer shows
a single image: link previews (Open Graph, Twitter), JSON-LD, feed items, the API.

A story's own lead picture comes first. A story without one gets the picture a
registered extension draws for it (articles/extensions.py: ``ShareImage``; the share
card in trust/share_cards.py); with none registered, it has no picture.
"""

from dataclasses import dataclass

from articles import extensions


@dataclass(frozen=True)
class Picture:
    """``url`` as the storage or the extension gives it (a path, usually): callers make it
    absolute against the request or the item's link."""

    url: str
    type: str
    width: int
    height: int
    alt: str
    caption: str = ""
    credit: str = ""


def picture_of(story):
    """The picture of ``story``, or None. Reads its prefetched images when it has them
    (``for_detail``, ``for_listing``), otherwise one query."""
    image = story.lead_image
    if image is not None:
        # Its 1200 × 630 crop around the focal point (articles/focal_crop.py).
        fallback = image.picture.share.fallback
        return Picture(
            url=fallback["url"],
            type=fallback["type"],
            width=fallback["width"],
            height=fallback["height"],
            alt=image.picture.alt,
            caption=image.caption,
            credit=image.picture.credit,
        )
    drawn = extensions.share_image()
    if drawn is None:
        return None
    return Picture(
        url=drawn.url(story),
        type=drawn.type,
        width=drawn.width,
        height=drawn.height,
        alt=drawn.alt(story),
    )
