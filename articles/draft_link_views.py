"""The page an outside reader opens from a preview link (articles/draft_links.py).

Whatever it answers is for that reader alone: never stored by a shared cache or the
browser (the HTTP cache passes /preview/ too: newsroom/deploy/varnish.vcl), never indexed,
and it sends no Referer, so that the token in its address goes nowhere else.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles import draft_links
from articles.views import STORY_PARTS
from core import httpcache
from core.errors import bad_request_response


def _for_this_reader_only(response):
    httpcache.mark_private(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def preview(request, token):
    part = request.GET.get("part")
    if part is not None and part not in STORY_PARTS:
        return _for_this_reader_only(
            bad_request_response(
                request,
                "A story can be read whole or in one of three parts: "
                "explanation, technical or evidence.",
            )
        )
    opened = draft_links.open_link(token)
    if opened.refusal is not None:
        refusal = opened.refusal
        page = render(
            request,
            "articles/draft_preview_refused.html",
            {"refusal": refusal},
            status=refusal.status,
        )
        return _for_this_reader_only(page)
    link = opened.link
    story = draft_links.story_of(link)
    context = {"link": link, "article": story, "part": part}
    if story.is_public:
        return _for_this_reader_only(
            render(request, "articles/draft_preview_published.html", context)
        )
    context["slots_shown"] = draft_links.PREVIEW_SLOTS
    return _for_this_reader_only(render(request, "articles/draft_preview.html", context))
