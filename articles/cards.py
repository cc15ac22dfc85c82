"""What a story card and a feed item show beyond the story's own fields: the registered
extensions' card parts (articles/extensions.py), gathered for listings, cards and feeds."""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles import extensions


def annotations():
    """Every extension's column, name to expression, for ``ArticleQuerySet.for_listing()``."""
    return {
        name: value for card in extensions.cards() for name, value in card.annotations().items()
    }


def render(story):
    """The extensions' parts of one card, as HTML (each part an autoescaped template)."""
    return mark_safe(
        "".join(render_to_string(card.template, card.context(story)) for card in extensions.cards())
    )


def feed_text(story):
    return " ".join(text for card in extensions.cards() if (text := card.feed_text(story)))


def feed_categories(story):
    return [category for card in extensions.cards() for category in card.feed_categories(story)]
