"""What the apps above articles add to a story, declared in one place.

articles draws a story, its cards, its feed items and its admin form, and checks a story
before it is published. The evidence (trust), the reader panels (predictions) and the
open-data links (api) belong to apps above it, which articles must not import
(docs/architecture.md). Each of those apps describes everything it adds as one
``StoryExtension``; the composition root registers them at start-up, in page order
(newsroom/apps.py), and nothing else does (tests/test_layers.py checks). Every caller
asks here: the story page, the front page, cards and feeds (articles/cards.py), the
meter over time (articles/meters.py), the publish checklist, the story admin and the API.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# Where a page has room for an extension's panel: a slot names a place on the story
# (articles/article_detail.html) or the front page (articles/front_page.html).
SLOTS = (
    "story_jsonld",
    "header_strip",
    "notices",
    "evidence",
    "sources",
    "reader_panels",
    "forecast",
    # A question's own page, after its forecast panel.
    "question_page",
    # The front page: the lead's art when it has no picture, the modules beside the stories.
    "front_lead_art",
    "front_modules",
    "front_aside",
)


@dataclass(frozen=True)
class Card:
    """What a story card and a feed item show: columns annotated onto every listing
    queryset (name to expression), the template drawing them on the card with its
    context, and the words and categories a feed item gets."""

    annotations: Callable[[], dict]
    template: str
    context: Callable[[object], dict]
    feed_text: Callable[[object], str] = field(default=lambda story: "")
    feed_categories: Callable[[object], list] = field(default=lambda story: [])


@dataclass(frozen=True)
class PublishCheck:
    """One item of the publish checklist. ``problems(article)`` returns plain sentences,
    empty when the item passes. Evidence checks are waived by an explicit, recorded
    "publish without evidence"."""

    label: str
    problems: Callable[[object], list]
    evidence: bool = False


@dataclass(frozen=True)
class AdminColumn:
    """A column of the stories' list: ``expression`` is annotated onto the list's
    queryset (as ``annotation``), sorts the column, and shows ``empty`` when it is null."""

    name: str
    description: str
    expression: object
    empty: object = None

    @property
    def annotation(self):
        return f"{self.name}_column"


@dataclass(frozen=True)
class AdminPart:
    """What the story's change form gains: inlines, the desk section that holds them
    (between the story and publishing), list columns, and what runs once the inlines
    are saved, before publishing (``after_save(article, formsets)``)."""

    section: object  # a core.admin_desk.Section
    inlines: tuple = ()
    columns: tuple[AdminColumn, ...] = ()
    after_save: Callable | None = None


@dataclass(frozen=True)
class ShareImage:
    """A picture drawn for a story that has no lead picture, so that a link preview, a
    feed item or a search result still shows one (articles/previews.py): ``url(story)``
    is where it is served (a path), ``alt(story)`` what it shows, in words; every one is
    ``width`` by ``height`` pixels of ``type``."""

    url: Callable[[object], str]
    alt: Callable[[object], str]
    width: int
    height: int
    type: str


@dataclass(frozen=True)
class StoryExtension:
    """Everything one app adds to a story. ``readings(story_ids)`` gives each story's
    meter over time ({id: [articles.meters.Reading, …]}, oldest first, in one query);
    ``panels`` maps a slot (``SLOTS``) to the template drawn there with the page's
    context; ``share_image`` draws the picture of a story without one; ``front_keys``
    are the surrogate keys (core/httpcache.py) that its front-page panels show, which
    the front page names up front so that its kept parts follow their purges."""

    name: str
    card: Card | None = None
    readings: Callable | None = None
    publish_checks: tuple[PublishCheck, ...] = ()
    panels: Mapping[str, str] = field(default_factory=dict)
    admin: AdminPart | None = None
    share_image: ShareImage | None = None
    front_keys: tuple[str, ...] = ()

    def __post_init__(self):
        unknown = set(self.panels) - set(SLOTS)
        if unknown:
            raise ValueError(f"{self.name}: no page has a slot named {sorted(unknown)}.")


_registered: list[StoryExtension] = []


def register(*extensions):
    """Add ``extensions``, in page order. For the composition root only."""
    for extension in extensions:
        if any(known.name == extension.name for known in _registered):
            raise ValueError(f"A story extension named {extension.name!r} is registered.")
        if extension.readings and any(known.readings for known in _registered):
            raise ValueError("A story's meter has one source; another is registered.")
        if extension.share_image and any(known.share_image for known in _registered):
            raise ValueError("A story has one drawn picture; another is registered.")
        _registered.append(extension)


def registered():
    return tuple(_registered)


def cards():
    return [extension.card for extension in _registered if extension.card]


def readings_source():
    """The registered ``readings`` callable, or None."""
    return next((extension.readings for extension in _registered if extension.readings), None)


def share_image():
    """The registered ``ShareImage``, or None."""
    return next((extension.share_image for extension in _registered if extension.share_image), None)


def publish_checks():
    return [check for extension in _registered for check in extension.publish_checks]


def panel_templates(slot):
    return [extension.panels[slot] for extension in _registered if slot in extension.panels]


def front_keys():
    return [key for extension in _registered for key in extension.front_keys]


def admin_parts():
    return [extension.admin for extension in _registered if extension.admin]
