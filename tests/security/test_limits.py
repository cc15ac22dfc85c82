"""Limits: request sizes, reader rate limits, admin login throttling, a movable admin."""

import importlib
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import clear_url_caches, reverse

from core import ratelimit
from core.admin_desk import MAX_NEW_ROWS
from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions.models import Read
from tests.clocks import WINDOW_BOUNDARY, ManualClock
from tests.factories import make_article, make_question

pytestmark = pytest.mark.django_db

TWO_MEGABYTES = "x" * (2 * 1024 * 1024)


def test_a_huge_post_to_the_admin_login_is_a_400_not_a_500(client):
    response = client.post(reverse("admin:login"), {"username": "a", "password": TWO_MEGABYTES})
    assert response.status_code == 400
    assert "could not be used" in response.content.decode()


def test_a_huge_post_to_an_admin_form_is_a_400(admin_client):
    response = admin_client.post(
        reverse("admin:articles_topic_add"), {"name": TWO_MEGABYTES, "slug": "x"}
    )
    assert response.status_code == 400


def test_too_many_fields_is_a_400(client):
    fields = {f"field{number}": "x" for number in range(1500)}
    response = client.post(reverse("admin:login"), fields)
    assert response.status_code == 400


def test_every_admin_inline_builds_at_most_its_capped_rows_whatever_the_post_claims(
    admin_user,
):
    request = RequestFactory().get("/")
    request.user = admin_user
    inlines = [
        inline
        for model_admin in admin.site._registry.values()
        for inline in model_admin.get_inline_instances(request)
    ]
    assert len(inlines) >= 9
    for inline in inlines:
        formset = inline.get_formset(request)(instance=inline.parent_model())
        assert formset.absolute_max <= MAX_NEW_ROWS, type(inline).__name__


@pytest.mark.parametrize("size", [5_000, 500_000, 2 * 1024 * 1024])
def test_oversized_reader_writes_are_refused_never_a_500(client, size):
    article = make_article()
    question = make_question(article)
    for url, field in (
        (f"/articles/{article.slug}/read/", "choice"),
        (f"/predictions/{question.slug}/forecast/", "probability"),
    ):
        response = client.post(url, {field: "x" * size})
        assert response.status_code in {400, 413}, (url, size)
    assert not article.reads.exists()


def test_every_reader_write_is_rate_limited_with_retry_after(client, settings):
    settings.RATE_LIMITS = {"reader-write": (2, 60)}
    article = make_article()
    question = make_question(article)
    statuses = [
        client.post(f"/articles/{article.slug}/read/", {"choice": "promising"}).status_code,
        client.post(f"/predictions/{question.slug}/forecast/", {"probability": "30"}).status_code,
    ]
    assert statuses == [302, 302]
    for url, data in (
        (f"/articles/{article.slug}/read/", {"choice": "overhyped"}),
        (f"/predictions/{question.slug}/forecast/", {"probability": "40"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 60
        assert "Please try again in" in response.content.decode()


# Reader write limits hold over any window, whatever a client does with its cookie.


@pytest.fixture
def clock(monkeypatch):
    """The rate limiter's clock, starting a second before a fixed window's boundary."""
    clock = ManualClock(WINDOW_BOUNDARY - 1)
    monkeypatch.setattr(ratelimit, "time", clock)
    return clock


def vote(client, article, *, keep_cookie=True, **headers):
    if not keep_cookie:
        client.cookies.clear()
    return client.post(f"/articles/{article.slug}/read/", {"choice": "promising"}, **headers)


@pytest.mark.parametrize("keep_cookie", [True, False], ids=["one-reader", "new-reader-each-time"])
def test_one_address_gets_no_more_than_the_limit_across_a_window_boundary(
    client, settings, clock, keep_cookie
):
    settings.RATE_LIMITS = {"reader-write": (5, 60)}
    article = make_article()

    def burst(at):
        clock.now = at
        return [vote(client, article, keep_cookie=keep_cookie) for _ in range(5)]

    before, after = burst(WINDOW_BOUNDARY - 1), burst(WINDOW_BOUNDARY + 1)
    statuses = [response.status_code for response in before + after]
    assert statuses.count(302) <= 5  # within two seconds, so within any 60 s around them
    assert statuses == [302] * 5 + [429] * 5
    # Retry-After is when the first write of the burst leaves the 60 s.
    assert {response["Retry-After"] for response in after} == {"58"}
    clock.now = WINDOW_BOUNDARY + 58.9
    assert vote(client, article, keep_cookie=keep_cookie).status_code == 429
    clock.now = WINDOW_BOUNDARY + 59
    assert vote(client, article, keep_cookie=keep_cookie).status_code == 302


def test_a_write_is_let_through_again_exactly_when_the_oldest_leaves_the_window(
    client, settings, clock
):
    settings.RATE_LIMITS = {"reader-write": (5, 60)}
    article = make_article()
    start = clock.now = WINDOW_BOUNDARY
    assert [vote(client, article).status_code for _ in range(3)] == [302] * 3
    clock.now = start + 30
    assert [vote(client, article).status_code for _ in range(2)] == [302] * 2
    clock.now = start + 59
    refused = vote(client, article)
    assert (refused.status_code, refused["Retry-After"]) == (429, "1")
    clock.now = start + 60  # the first three leave; the two from +30 still count
    statuses = [vote(client, article) for _ in range(4)]
    assert [response.status_code for response in statuses] == [302, 302, 302, 429]
    assert statuses[-1]["Retry-After"] == "30"


def test_new_readers_from_one_address_are_paused_and_readers_with_a_cookie_are_not(
    client, settings, clock
):
    settings.READER_NEW_IDENTITY_LIMIT = 3
    settings.READER_NEW_IDENTITY_WINDOW = 3600
    settings.RATE_LIMITS = {"reader-write": (10, 60)}
    article = make_article()
    regular = Client()
    regular.cookies[COOKIE_NAME] = signed_reader_cookie("a-regular-reader")

    started = []
    for second in range(3):
        clock.now = WINDOW_BOUNDARY + second
        started.append(vote(client, article, keep_cookie=False).status_code)
    assert started == [302] * 3
    clock.now = WINDOW_BOUNDARY + 3
    paused = vote(client, article, keep_cookie=False)
    assert paused.status_code == 429
    assert paused["Retry-After"] == "3597"  # when the first new reader leaves the hour
    page = paused.content.decode()
    assert "New readers from this address are paused" in page
    assert "Please come back in 60 minutes." in page
    assert COOKIE_NAME not in paused.cookies
    as_json = vote(client, article, keep_cookie=False, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 429 and as_json["Retry-After"] == "3597"
    assert as_json.json()["error"].startswith("New readers from this address are paused")
    assert Read.objects.count() == 3  # the paused writes stored nothing

    # A reader with a cookie votes on, until the address's write limit: 10 in any 60 s,
    # of which the five writes above (paused ones too) took five.
    statuses = [vote(regular, article).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert Read.objects.filter(reader_id="a-regular-reader").exists()

    clock.now = WINDOW_BOUNDARY + 3600  # the first new reader has left the hour
    assert vote(client, article, keep_cookie=False).status_code == 302
    assert vote(client, article, keep_cookie=False).status_code == 429


# Admin login throttling (django-axes).


def failed_login(client, username="desk-7q2x", password="wrong", address="10.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def editor_account(django_user_model):
    return django_user_model.objects.create_superuser(
        "desk-7q2x", "desk@example.org", "the-right-password"
    )


def test_five_failed_logins_lock_that_username_from_that_address(client, editor_account):
    for _ in range(4):
        assert failed_login(client).status_code == 200  # the form again, with its error
    locked = failed_login(client)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == 15 * 60
    page = locked.content.decode()
    assert "Too many sign-in attempts" in page
    assert "15 minutes" in page
    assert "desk-7q2x" not in page  # nothing about the account

    right = failed_login(client, password="the-right-password")
    assert right.status_code == 429  # even the right password waits
    assert AccessAttempt.objects.get().failures_since_start >= 5

    other_user = failed_login(client, username="someone-else")
    assert other_user.status_code == 200
    other_address = failed_login(client, password="the-right-password", address="10.0.0.2")
    assert other_address.status_code == 302


def test_a_lockout_ends_after_the_cool_off(client, editor_account, settings):
    for _ in range(5):
        failed_login(client)
    assert failed_login(client, password="the-right-password").status_code == 429
    settings.AXES_COOLOFF_TIME = timedelta(seconds=0)
    assert failed_login(client, password="the-right-password").status_code == 302


def test_the_failure_limit_is_configurable(client, editor_account, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert failed_login(client).status_code == 200
    assert failed_login(client).status_code == 429


def test_a_successful_login_resets_the_count(client, editor_account):
    for _ in range(4):
        failed_login(client)
    assert failed_login(client, password="the-right-password").status_code == 302
    client.logout()
    for _ in range(4):
        assert failed_login(client).status_code == 200


@pytest.fixture
def admin_moved(settings):
    """Serve the admin at /editors-desk/ for one test, as ADMIN_URL=editors-desk would."""
    import newsroom.urls

    settings.ADMIN_URL = "editors-desk/"
    importlib.reload(newsroom.urls)
    clear_url_caches()
    yield
    settings.ADMIN_URL = "admin/"
    importlib.reload(newsroom.urls)
    clear_url_caches()


def test_the_admin_can_move_and_then_admin_is_a_404(client, admin_moved):
    assert reverse("admin:login") == "/editors-desk/login/"
    assert client.get("/editors-desk/login/").status_code == 200
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404


def test_spraying_many_usernames_from_one_address_is_paused(client, editor_account):
    # 15 usernames x 4 passwords: no pair reaches five, the address passes twenty.
    statuses = [
        failed_login(client, username=f"editor-{name}", password=f"guess-{attempt}").status_code
        for name in range(15)
        for attempt in range(4)
    ]
    assert statuses[:20] == [200] * 20
    assert set(statuses[20:]) == {429}
    paused = failed_login(client, password="the-right-password")
    assert paused.status_code == 429  # the right password waits too
    assert int(paused["Retry-After"]) == 15 * 60
    assert "paused for your address" in paused.content.decode()
    elsewhere = failed_login(client, password="the-right-password", address="10.0.0.2")
    assert elsewhere.status_code == 302


def test_the_address_limit_is_configurable_and_ends_after_the_cool_off(
    client, editor_account, settings
):
    settings.ADMIN_ADDRESS_FAILURE_LIMIT = 3
    for name in "abc":
        assert failed_login(client, username=name).status_code == 200
    assert failed_login(client, username="d").status_code == 429
    settings.AXES_COOLOFF_TIME = timedelta(seconds=0)
    assert failed_login(client, password="the-right-password").status_code == 302


def test_the_reset_commands_in_the_admin_site_docstring_let_an_editor_back_in(
    client, editor_account
):
    from django.core.management import call_command

    import newsroom.admin_site

    for _ in range(5):
        failed_login(client)
    assert failed_login(client, password="the-right-password").status_code == 429
    assert "manage.py axes_reset_username USERNAME" in newsroom.admin_site.__doc__
    call_command("axes_reset_username", "desk-7q2x")
    assert failed_login(client, password="the-right-password").status_code == 302

    client.logout()
    for name in range(20):
        failed_login(client, username=f"sprayed-{name}")
    assert failed_login(client, password="the-right-password").status_code == 429
    assert "manage.py axes_reset_ip ADDRESS" in newsroom.admin_site.__doc__
    call_command("axes_reset_ip", "10.0.0.1")
    assert failed_login(client, password="the-right-password").status_code == 302
