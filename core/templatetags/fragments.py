"""Parts of pages that are not rendered again for every request.

``{% kept "name" %}…{% endkept %}``: a part of a shared page kept rendered until what
the page shows changes (core/fragments.py). ``{% kept "name" activity %}`` for a part
that shows reader activity (tallies, the crowd). Outside a shared page (an editor, a
personal landing, a test rendering the template alone), the part is rendered every
time, as if the tag were not there.

``{% unchanging "includes/header.html" %}``: a template that renders the same bytes on
every page (the site's header and footer: links, the site's name), rendered once per
process and settings.
"""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core import fragments, httpcache

register = template.Library()

# The parts each page template has drawn in this process, as (part, activity) pairs: the
# first part a page asks for fetches the others in the same round trip.
_PARTS_OF_PAGE = {}


class KeptNode(template.Node):
    def __init__(self, part, nodelist, *, activity):
        self.part = part
        self.nodelist = nodelist
        self.activity = activity

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        part = self.part.resolve(context)
        siblings = _PARTS_OF_PAGE.setdefault(context.template.origin.name, set())
        siblings.add((part, self.activity))
        found = fragments.kept(request, part, activity=self.activity, siblings=siblings)
        if found is not None:
            html, until, strictly_until = found
            httpcache.expires_by(request, until)
            httpcache.expires_by(request, strictly_until, strictly=True)
            return mark_safe(html)
        if not self.activity:
            fragments.prepare(request)
        keys, until, strictly_until = _cache_life(request)
        html = self.nodelist.render(context)
        now_keys, now_until, now_strictly_until = _cache_life(request)
        # A part that names keys the page did not name up front is drawn every time: the
        # page's versions do not follow the purges of those keys, so a kept copy would
        # never be renewed.
        if now_keys - keys <= set(getattr(request, "fragment_keys", ())):
            fragments.keep(
                request,
                part,
                html,
                activity=self.activity,
                until=None if now_until == until else now_until,
                strictly_until=None if now_strictly_until == strictly_until else now_strictly_until,
            )
        return html


def _cache_life(request):
    """The page's surrogate keys named while rendering, the moment it must leave shared
    caches by, and the moment no stale copy may be served past (core/httpcache.py: shows,
    expires_by)."""
    return (
        frozenset(getattr(request, "shown_keys", ())),
        getattr(request, "shared_until", None),
        getattr(request, "strictly_until", None),
    )


@register.tag
def kept(parser, token):
    bits = token.split_contents()
    if len(bits) not in {2, 3} or (len(bits) == 3 and bits[2] != "activity"):
        raise template.TemplateSyntaxError(
            '{% kept %} takes the part\'s name and, for reader activity, "activity".'
        )
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(parser.compile_filter(bits[1]), nodelist, activity=len(bits) == 3)


_UNCHANGING = {}


@register.simple_tag(takes_context=True)
def unchanging(context, template_name):
    if template_name not in _UNCHANGING:
        _UNCHANGING[template_name] = mark_safe(render_to_string(template_name, context.flatten()))
    return _UNCHANGING[template_name]


@receiver(setting_changed)
def _forget_unchanging(**kwargs):
    _UNCHANGING.clear()
