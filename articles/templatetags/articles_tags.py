from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from articles import cards, search
from core.jsonld import jsonld_script

register = template.Library()


@register.simple_tag(takes_context=True)
def article_jsonld(context, article):
    """schema.org NewsArticle for search engines and link previews."""
    request = context["request"]
    topics = [topic.name for topic in article.topics.all()]
    return jsonld_script(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": request.build_absolute_uri(article.get_absolute_url()),
            "headline": article.headline,
            "description": article.dek,
            "inLanguage": "en-GB",
            "datePublished": article.published_at,
            "dateModified": article.updated_at,
            "author": {"@type": "Person", "name": article.byline},
            "publisher": {
                "@type": "Organization",
                "name": context["site_name"],
                "url": request.build_absolute_uri(reverse("articles:front")),
            },
            "articleSection": topics[0] if topics else "",
            "keywords": topics + [term.term for term in article.glossary_terms.all()],
        }
    )


@register.simple_tag(takes_context=True)
def breadcrumb_jsonld(context, article):
    """schema.org BreadcrumbList: the front page, the story's first topic, the story."""
    request = context["request"]
    trail = [(context["site_name"], reverse("articles:front"))]
    trail += [(topic.name, topic.get_absolute_url()) for topic in article.topics.all()[:1]]
    trail.append((article.headline, article.get_absolute_url()))
    return jsonld_script(
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "name": name,
                    "item": request.build_absolute_uri(url),
                }
                for position, (name, url) in enumerate(trail, start=1)
            ],
        }
    )


@register.simple_tag(takes_context=True)
def open_graph(context, article):
    """Open Graph and Twitter card tags, for link previews of a story.

    Replaces base.html's site-wide defaults: place it in the ``og`` block.
    """
    request = context["request"]
    topics = [topic.name for topic in article.topics.all()]
    tags = topics + [term.term for term in article.glossary_terms.all()]
    properties = [
        ("og:type", "article"),
        ("og:title", article.headline),
        ("og:description", article.dek),
        ("og:url", request.build_absolute_uri(article.get_absolute_url())),
        # A draft in preview has no publish time yet.
        *[("article:published_time", at.isoformat()) for at in [article.published_at] if at],
        ("article:modified_time", article.updated_at.isoformat()),
        *[("article:section", section) for section in topics[:1]],
        *[("article:tag", tag) for tag in tags],
    ]
    return format_html(
        '{}\n<meta name="twitter:card" content="summary">',
        format_html_join("\n", '<meta property="{}" content="{}">', properties),
    )


@register.inclusion_tag("articles/components/related_stories.html")
def related_stories(article):
    """Up to four published stories sharing glossary terms or topics, and which: one query.

    ``article`` should come from ``Article.objects.for_detail()``, whose prefetched
    topics and terms the query starts from.
    """
    return {"stories": search.related_stories(article)}


@register.filter
def highlighted(snippet):
    """A search snippet as safe HTML, its matches in <mark>."""
    return search.highlighted(snippet)


@register.simple_tag
def card_extras(story):
    """What the apps above articles add to a story's card (articles/cards.py)."""
    return cards.render(story)
