"""Following from the shared pages, and the account's notification pages: the inbox, the
settings, the private feed and the one-click unsubscribe.

The story and question pages are the same bytes for everyone, so their "Follow" button
is a plain form that says nothing of the reader: its POST is refused when a browser sends
it from another site (core/crossorigin.py), and the answer (who follows what) is on the
account's own pages. The account's pages are ``private, no-store``, take Django's token
CSRF on every POST and are rate-limited per address with the other account pages
(accounts/ratelimits.py). The feed and the unsubscribe address are reached without a
session: a secret in the address is what they trust, so they are not rate-limited per
address (a feed service or a mail provider polls for many readers from one address).
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Account
from accounts.ratelimits import limited
from articles.models import Article
from core import httpcache
from core.crossorigin import same_origin_only
from core.errors import bad_request_response
from core.ratelimit import body_limited
from notices import feeds, links, selectors, services
from notices.forms import IdForm, PreferencesForm
from notices.models import Preferences
from predictions.models import Question

INBOX_PAGE_SIZE = 20


def account_of(request):
    """The signed-in reader's account, or None (nobody, or an editor's admin session)."""
    return getattr(request.user, "account", None) if request.user.is_authenticated else None


def account_page(view):
    """A page of the signed-in reader's: private, never stored, rate-limited; a visitor
    who is not signed in is sent to sign in."""

    @httpcache.private_page
    @limited("account")
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.account = account_of(request)
        if request.account is None:
            if request.method == "POST":
                return bad_request_response(request, "Please sign in first.", status=403)
            return redirect("accounts:sign_in")
        return view(request, *args, **kwargs)

    return wrapper


# Following from a shared page -------------------------------------------------------


def _follow(request, *, article=None, question=None):
    account = account_of(request)
    target = article or question
    if account is None:
        return render(request, "notices/needs_account.html", {"target": target}, status=403)
    _, new = services.follow(account=account, article=article, question=question)
    name = question.text if question is not None else article.headline
    if new:
        messages.success(request, f"You now follow “{name}”. News of it arrives in your inbox.")
    else:
        messages.info(request, f"You already follow “{name}”.")
    return redirect("notices:settings")


def follow_write(view):
    """A follow sent from a shared page: POST, same origin, small, rate-limited; its
    answer is this reader's alone."""
    limits = body_limited(settings.READER_WRITE_MAX_BYTES)(limited("account")(view))
    return httpcache.private_page(require_POST(same_origin_only(limits)))


@follow_write
def follow_story(request, slug):
    article = Article.objects.filter(Article.published_q(), slug=slug).only("slug", "headline")
    article = article.first()
    if article is None:
        raise Http404("No story by that address.")
    return _follow(request, article=article)


@follow_write
def follow_question(request, slug):
    question = Question.objects.public().filter(slug=slug).only("slug", "text", "median").first()
    if question is None:
        raise Http404("No question by that address.")
    return _follow(request, question=question)


# The inbox --------------------------------------------------------------------------


@account_page
def inbox(request):
    page = Paginator(selectors.inbox(request.account), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notices/inbox.html",
        {"page": page, "entries": selectors.entries(page.object_list)},
    )


@account_page
@require_POST
def mark_read(request):
    form = IdForm(request.POST)
    which = form.cleaned_data["id"] if form.is_valid() else None
    if "id" in request.POST and which is None:
        return bad_request_response(request, "That is not one of your notifications.")
    services.mark_read(account=request.account, notification_id=which)
    return redirect("notices:inbox")


# Settings ---------------------------------------------------------------------------


def _settings_page(request, form, status=200):
    preferences = services.preferences_of(request.account)
    feed_path = reverse("notices:feed", args=[preferences.feed_token])
    return render(
        request,
        "notices/settings.html",
        {
            "form": form,
            "follows": selectors.follows(request.account),
            "feed_url": request.build_absolute_uri(feed_path),
            "email": request.account.email if request.account.email_verified_at else "",
        },
        status=status,
    )


@account_page
def settings_page(request):
    if request.method != "POST":
        preferences = services.preferences_of(request.account)
        form = PreferencesForm(
            initial={
                "email_frequency": preferences.email_frequency,
                "crowd_threshold": preferences.crowd_threshold,
            }
        )
        return _settings_page(request, form)
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, form, status=400)
    services.save_preferences(account=request.account, **form.cleaned_data)
    messages.success(request, "Saved.")
    return redirect("notices:settings")


@account_page
@require_POST
def unfollow(request):
    form = IdForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("That is not something you follow.")
        services.unfollow(account=request.account, follow_id=form.cleaned_data["id"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "You no longer follow it.")
    return redirect("notices:settings")


@account_page
@require_POST
def reset_feed(request):
    services.reset_feed_token(account=request.account)
    messages.success(
        request, "Your feed has a new address. The old one no longer works: update your reader."
    )
    return redirect("notices:settings")


# Reached without a session ----------------------------------------------------------


@httpcache.private_page
def feed(request, token):
    account = selectors.account_with_feed_token(token)
    if account is None:
        raise Http404("No feed by that address.")
    body = feeds.atom(request, account, selectors.feed_entries(account))
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


@csrf_exempt
@httpcache.private_page
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """RFC 8058: a POST (``List-Unsubscribe=One-Click``, from a mail client, with no
    cookie) stops the email; a GET, which a mail client or a scanner may fetch by
    itself, only shows the button that sends that POST."""
    account_id = links.account_id_of(token)
    if account_id is None:
        return bad_request_response(
            request, "This unsubscribe link is not valid. Check that it was copied whole."
        )
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return bad_request_response(request, "This account no longer exists: it gets no email.")
    if request.method == "POST":
        services.unsubscribe(account=account)
        return render(request, "notices/unsubscribed.html", {"account": account})
    emailing = Preferences.objects.filter(account=account).exclude(
        email_frequency=Preferences.Frequency.OFF
    )
    return render(
        request,
        "notices/unsubscribe.html",
        {"account": account, "emailing": emailing.exists(), "token": token},
    )
