"""The front page's question modules (articles/front_page.html's ``front_modules`` slot,
filled by predictions/extension.py): {% load predictions_front %}."""

from django import template

from core import httpcache
from predictions import cache_keys
from predictions.selectors import front

register = template.Library()


@register.inclusion_tag("predictions/components/front_questions.html", takes_context=True)
def question_modules(context):
    """Questions closing soon and recently resolved. They show the crowd, and a resolution
    changes them: the front page names both keys up front (predictions/extension.py
    ``front_keys``), so their purges empty it and renew the modules' kept copy
    (core/fragments.py). A question closing or opening changes them by the clock."""
    request = context["request"]
    httpcache.shows(request, "questions", cache_keys.CROWD)
    modules = front.question_modules()
    httpcache.expires_by(request, modules.changes_at)
    return {"modules": modules}
