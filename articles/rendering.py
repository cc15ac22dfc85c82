"""A story's stored HTML: both sections rendered from Markdown (core/markup.py) with the
glossary terms marked and the figures placed after their section's text, the reading
time, and the glossary text the search column reads."""

import math

from django.template.loader import render_to_string

from core import markup

WORDS_PER_MINUTE = 230
# Where a figure goes: after the section its role names (ArticleImage.Role's values).
FIGURE_SECTIONS = ("explanation", "technical")


def figures_html(article):
    """Each section's figures, numbered through the story, to follow its text."""
    placed = {}
    figures = (
        article.images.filter(role__in=FIGURE_SECTIONS)
        .select_related("picture")
        .order_by("role", "position", "pk")
    )
    for number, figure in enumerate(figures, start=1):
        html = render_to_string(
            "articles/components/figure.html", {"image": figure, "number": number}
        )
        placed[figure.role] = placed.get(figure.role, "") + html
    return placed


def render(article):
    """Fill the story's rendered fields (``Article.RENDERED_FIELDS``) from the rest.

    ``search_terms`` exists because the generated search column cannot follow the
    many-to-many to the terms. Terms and figures need a saved story.
    """
    glossary = list(article.glossary_terms.all()) if article.pk else []
    terms = [markup.Term(term.slug, term.forms) for term in glossary]
    article.search_terms = "\n".join(", ".join(term.forms) for term in glossary)
    figures = figures_html(article) if article.pk else {}
    for section in FIGURE_SECTIONS:
        html = markup.render(getattr(article, section), section=section, terms=terms)
        setattr(article, f"{section}_html", html + figures.get(section, ""))
    words = len(article.explanation.split()) + len(article.technical.split())
    article.reading_time_minutes = max(1, math.ceil(words / WORDS_PER_MINUTE))
