"""Where a reader panel's form lands when it is posted without JavaScript: the story's
personal page (``?saved=<why>``, core.httpcache.PERSONAL_PARAMETER), drawn for the
reader, never shared, and scrolled to the panel.

``saved`` says what brought the reader there: their read or their forecast saved (the
panel says so), a forecast refused (the forecast panel shows the form as it was sent,
each reason next to what it is about), or the reader asking to see their own choices
(the shared page offers that without JavaScript; with it, the per-reader endpoint
fills them in).

A refused forecast is answered like a saved one, by a redirect to the story
(Post/Redirect/Get), not by a 400 page drawn at the form's address: the reader stays
on the story's own address, where every link of the page works, reloading sends
nothing again and Back goes where it should. The input and the reasons travel to that
page in a short-lived signed cookie, sent only to the story's pages and read only by
its personal page reached for a refusal (so a later landing never meets an old one).
The page's script asks for JSON and gets the 400 with the reasons.
"""

from django.conf import settings
from django.core import signing
from django.shortcuts import redirect

from core import httpcache
from core.httpcache import PERSONAL_PARAMETER
from predictions.forms import ForecastForm

READ = "read"
FORECAST = "forecast"
REFUSED = "refused"
YOURS = "yours"

REFUSAL_COOKIE = "forecast_refused"
REFUSAL_SALT = "newsroom.forecast-refused"
# Long enough for the redirect to be followed on a slow connection and the page
# reloaded once; short enough that a later visit never meets an old refusal.
REFUSAL_SECONDS = 120
# An input this long is no forecast anyone typed: what is kept of it is enough to show.
KEPT_INPUT_LENGTH = 100


def reached_for(request):
    """Why this page is a personal landing (READ, FORECAST, REFUSED, YOURS or anything a
    link made up), or None on a shared page."""
    if not httpcache.is_personal(request):
        return None
    return request.GET.get(PERSONAL_PARAMETER)


def drawn_for(request, saved_by):
    """Whom a page's panel is drawn for, as its template asks: nobody (``shared``), or the
    reader, who may just have saved a choice with it (``saved``, when the page was
    reached for ``saved_by``) or asked to see theirs (``returning``)."""
    why = reached_for(request)
    return {"saved": why == saved_by, "returning": why == YOURS, "shared": why is None}


def land(article, why, anchor):
    """The redirect to ``article``'s personal page, at the panel ``anchor``."""
    return redirect(f"{article.get_absolute_url()}?{PERSONAL_PARAMETER}={why}#{anchor}")


def refuse_forecast(request, article, form):
    """Land on ``article`` with the refused forecast ``form`` shown in its panel."""
    response = land(article, REFUSED, "forecast")
    kept = {
        "data": {name: str(form.data.get(name, ""))[:KEPT_INPUT_LENGTH] for name in form.fields},
        "reasons": list(form.non_field_errors()),
    }
    response.set_cookie(
        REFUSAL_COOKIE,
        signing.dumps(kept, salt=REFUSAL_SALT, compress=True),
        max_age=REFUSAL_SECONDS,
        path=article.get_absolute_url(),
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def refused_forecast(request):
    """The refused forecast form this landing shows, bound to the input as sent and with
    its reasons; None when there is none (or its cookie is forged or stale)."""
    if reached_for(request) != REFUSED or REFUSAL_COOKIE not in request.COOKIES:
        return None
    try:
        kept = signing.loads(
            request.COOKIES[REFUSAL_COOKIE], salt=REFUSAL_SALT, max_age=REFUSAL_SECONDS
        )
    except signing.BadSignature:
        return None
    form = ForecastForm(kept["data"])
    form.full_clean()
    for reason in kept["reasons"]:
        form.add_error(None, reason)
    return form
