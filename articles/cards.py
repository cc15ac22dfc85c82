"""What a story card shows that the articles app cannot know: a hook for the apps above.

A card (a listing, a related story, a feed item) is drawn here, but a rating of the
story belongs to an app above this one, which articles must not import
(docs/architecture.md). The project registers a ``CardExtension`` at start-up
(newsroom/apps.py): the columns it annotates onto every listing queryset, the
template that draws them on the card, and the words a feed item gets.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class CardExtension:
    annotations: Callable[[], dict]
    template: str
    context: Callable[[object], dict]
    feed_text: Callable[[object], str] = field(default=lambda story: "")
    feed_categories: Callable[[object], list] = field(default=lambda story: [])


_extensions = []


def register(extension):
    if extension not in _extensions:
        _extensions.append(extension)


def annotations():
    """Every registered column, name to expression, for ``ArticleQuerySet.for_listing()``."""
    return {name: value for ext in _extensions for name, value in ext.annotations().items()}


def render(story):
    """The registered parts of one card, as HTML (each part an autoescaped template)."""
    return mark_safe(
        "".join(render_to_string(ext.template, ext.context(story)) for ext in _extensions)
    )


def feed_text(story):
    return " ".join(text for ext in _extensions if (text := ext.feed_text(story)))


def feed_categories(story):
    return [category for ext in _extensions for category in ext.feed_categories(story)]
