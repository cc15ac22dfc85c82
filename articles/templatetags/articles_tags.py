import dataclasses

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles import cards, extensions, previews, search
from core import httpcache, markup
from core.jsonld import image_object, jsonld_script

register = template.Library()


def _author(request, article):
    """The byline as schema.org: the person, with their page when the byline has one."""
    author = {"@type": "Person", "name": article.byline}
    if article.author:
        author["url"] = request.build_absolute_uri(article.author.get_absolute_url())
    return author


def _picture(request, article):
    """The story's picture (its lead picture, or the one drawn for it), with an absolute
    URL: what link previews and crawlers read."""
    picture = previews.picture_of(article)
    if picture is None:
        return None
    return dataclasses.replace(picture, url=request.build_absolute_uri(picture.url))


@register.simple_tag(takes_context=True)
def article_jsonld(context, article):
    """schema.org NewsArticle for search engines and link previews."""
    request = context["request"]
    topics = [topic.name for topic in article.topics.all()]
    picture = _picture(request, article)
    pictures = {}
    if picture:
        pictures["image"] = [
            image_object(
                url=picture.url,
                width=picture.width,
                height=picture.height,
                caption=picture.caption or picture.alt,
                credit=picture.credit,
            )
        ]
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
            "author": _author(request, article),
            **pictures,
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
    picture = _picture(request, article)
    pictures = []
    if picture:
        pictures = [
            ("og:image", picture.url),
            ("og:image:type", picture.type),
            ("og:image:width", str(picture.width)),
            ("og:image:height", str(picture.height)),
            ("og:image:alt", picture.alt),
        ]
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
        *pictures,
    ]
    twitter = [("twitter:card", "summary_large_image" if picture else "summary")]
    if picture:
        twitter += [("twitter:image", picture.url), ("twitter:image:alt", picture.alt)]
    return format_html(
        "{}\n{}",
        format_html_join("\n", '<meta property="{}" content="{}">', properties),
        format_html_join("\n", '<meta name="{}" content="{}">', twitter),
    )


@register.simple_tag(takes_context=True)
def author_jsonld(context, author):
    """schema.org ProfilePage about the author, a Person with their page's URL."""
    url = context["request"].build_absolute_uri(author.get_absolute_url())
    person = {"@type": "Person", "name": author.name, "url": url}
    if author.bio:
        person["description"] = author.bio
    return jsonld_script(
        {"@context": "https://schema.org", "@type": "ProfilePage", "url": url, "mainEntity": person}
    )


@register.inclusion_tag("articles/components/related_stories.html", takes_context=True)
def related_stories(context, article):
    """Up to four published stories sharing glossary terms or topics, and which: one query.

    ``article`` should come from ``Article.objects.for_detail()``, whose prefetched
    topics and terms the query starts from. A story listed here that is to be taken down
    takes the page out of shared caches when it is, with no stale copy past it.
    """
    stories = search.related_stories(article)
    _shared_until_taken_down(context.get("request"), stories)
    return {"stories": stories}


@register.simple_tag(takes_context=True)
def follow_ups_shared_until_taken_down(context, before, after):
    """Draws nothing: the follow-up thread links to ``before`` (or None) and ``after``."""
    _shared_until_taken_down(context.get("request"), [before, *after] if before else after)
    return ""


def _shared_until_taken_down(request, stories):
    """The page links to ``stories``, so it leaves shared caches when the first of them
    is taken down, with no stale copy past that (core/httpcache.py ``expires_by``)."""
    if request is None:
        return
    since = httpcache.rendering_since(request)
    takedowns = [story.unpublish_at for story in stories if (story.unpublish_at or since) > since]
    httpcache.expires_by(request, min(takedowns, default=None), strictly=True)


@register.filter
def highlighted(snippet):
    """A search snippet as safe HTML, its matches in <mark>."""
    return search.highlighted(snippet)


@register.filter
def as_searched(query):
    """The query as a sentence quotes it: in curly quotes, unless it has quotes of its own
    (a "phrase" search), which then mark it already."""
    return query if '"' in query else f"“{query}”"


# A wide table scrolls sideways in a box a keyboard can focus and scroll; the cue,
# shown by CSS only while the box can scroll, says so.
SCROLLING_TABLE = (
    '<div class="prose-table" role="region" tabindex="0" aria-label="Table, scrolls sideways">'
    '<p class="prose-table__cue" aria-hidden="true">Scroll sideways for the whole table →</p>'
    "<table>"
)


@register.filter
def story_prose(html):
    """A story part's stored HTML for its page: marked terms open their definitions in
    place, and tables scroll sideways with a cue."""
    html = markup.terms_in_place(html)
    return mark_safe(html.replace("<table>", SCROLLING_TABLE).replace("</table>", "</table></div>"))


@register.simple_tag(takes_context=True)
def panels(context, slot):
    """The panels the registered extensions draw in ``slot`` (articles/extensions.py),
    each its app's template rendered with this page's context. A page that lists
    ``slots_shown`` draws only those slots (a shared draft: articles/draft_links.py)."""
    shown = context.get("slots_shown")
    if shown is not None and slot not in shown:
        return ""
    engine = context.template.engine
    return mark_safe(
        "".join(
            engine.get_template(name).render(context) for name in extensions.panel_templates(slot)
        )
    )


@register.simple_tag
def card_extras(story):
    """What the apps above articles add to a story's card (articles/cards.py)."""
    return cards.render(story)
