from django import template

from newsroom.jsonld import jsonld_script

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
            "datePublished": article.published_at,
            "dateModified": article.updated_at,
            "author": {"@type": "Person", "name": article.byline},
            "publisher": {"@type": "Organization", "name": context["site_name"]},
            "articleSection": topics[0] if topics else "",
            "keywords": topics + [term.term for term in article.glossary_terms.all()],
        }
    )
