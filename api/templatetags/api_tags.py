"""The story's "Share and cite" panel, which the project's story page places:
{% load api_tags %}{% share_and_cite article %}."""

from django import template
from django.urls import reverse

from api import citation, documents

register = template.Library()


@register.inclusion_tag("articles/components/share_cite.html", takes_context=True)
def share_and_cite(context, article):
    request = context["request"]
    cited = documents.cited(request, article)
    return {
        "article": article,
        "permalink": cited.url,
        "plain_text": citation.plain_text(cited),
        "bibtex": citation.bibtex(cited),
        "csl_json": citation.csl_json(cited),
        "data_links": [
            ("the score's inputs as JSON", reverse("api:story_inputs", args=[article.slug])),
            ("the score's inputs as CSV", reverse("api:story_inputs_csv", args=[article.slug])),
            ("the story in the open API", reverse("api:story", args=[article.slug])),
        ],
        "licence": documents.LICENCE,
    }
