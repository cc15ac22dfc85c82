"""Community reads: one per reader per story, counts and topic interest kept in step."""

import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from core import activity_purges, httpcache
from core.readers import COOKIE_NAME, MARKER_COOKIE_NAME, signed_reader_cookie
from predictions import interest, services
from predictions.models import Read, ReadChoice, ReadTally, TopicInterest
from predictions.services import settling
from tests import query_budgets
from tests.factories import make_article, make_question, make_topic, topic_interests

pytestmark = pytest.mark.django_db


def read_url(article):
    return reverse("predictions:read", kwargs={"slug": article.slug})


def tally(article):
    row = ReadTally.objects.filter(article=article).first()
    return {} if row is None else {k: v for k, v in row.counts().items() if v}


def test_every_read_has_a_tally_column_and_every_count_column_a_read():
    columns = {
        field.name
        for field in ReadTally._meta.concrete_fields
        if isinstance(field, models.PositiveIntegerField)
    }
    fields = ReadTally.count_fields()
    assert set(fields) == set(ReadChoice.values)
    assert set(fields.values()) == columns


def test_the_database_allows_one_read_per_reader_per_story():
    article = make_article()
    Read.objects.create(article=article, reader_id="a" * 32, choice="promising")
    with pytest.raises(IntegrityError), transaction.atomic():
        Read.objects.create(article=article, reader_id="a" * 32, choice="overhyped")


def test_a_read_counts_and_adds_interest_to_each_topic():
    first, second = make_topic(), make_topic()
    article = make_article(topics=[first, second])
    read = services.cast_read(article=article, reader_id="r1", choice="promising")

    assert tally(article) == {"promising": 1}
    settling.settle()
    for topic in (first, second):
        assert topic_interests()[topic.pk] == pytest.approx(interest.read_interest(read.cast_at))


def test_changing_a_read_moves_the_count_and_never_counts_twice():
    topic = make_topic()
    article = make_article(topics=[topic])
    services.cast_read(article=article, reader_id="r1", choice="promising")
    settling.settle()
    before = topic_interests()[topic.pk]

    services.cast_read(article=article, reader_id="r1", choice="overhyped")
    services.cast_read(article=article, reader_id="r1", choice="overhyped")

    assert tally(article) == {"overhyped": 1}
    assert Read.objects.get().choice == "overhyped"
    settling.settle()
    assert topic_interests()[topic.pk] == before


def test_withdrawing_a_read_takes_its_count_and_interest_away():
    topic = make_topic()
    article = make_article(topics=[topic])
    services.cast_read(article=article, reader_id="r1", choice="too_early")
    services.withdraw_read(article=article, reader_id="r1")
    settling.settle()
    assert tally(article) == {}
    assert topic_interests()[topic.pk] == pytest.approx(0, abs=1e-9)
    with pytest.raises(ValidationError):
        services.withdraw_read(article=article, reader_id="r1")


def test_no_reads_on_unpublished_stories():
    draft = make_article(status=Article.Status.DRAFT)
    with pytest.raises(ValidationError):
        services.cast_read(article=draft, reader_id="r1", choice="promising")


def test_interest_decays_with_a_half_life():
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    worth_now = interest.current_weight(interest.read_interest(now), now)
    worth_later = interest.current_weight(interest.read_interest(now), now + timedelta(days=30))
    assert worth_now == pytest.approx(1.0)
    assert worth_later == pytest.approx(0.5)


def test_rebuilding_from_raw_reads_agrees_with_the_incremental_values():
    topics = [make_topic() for _ in range(3)]
    articles = [make_article(topics=topics[:2]), make_article(topics=topics[1:])]
    for number in range(12):
        services.cast_read(
            article=articles[number % 2],
            reader_id=f"r{number}",
            choice=["promising", "overhyped", "too_early"][number % 3],
        )
    services.cast_read(article=articles[0], reader_id="r0", choice="game_changer")
    services.withdraw_read(article=articles[1], reader_id="r1")
    settling.settle()
    incremental = topic_interests()
    tallies = {article.pk: tally(article) for article in articles}

    TopicInterest.objects.all().delete()
    ReadTally.objects.all().delete()
    call_command("rebuild_topic_weights", stdout=StringIO())

    rebuilt = topic_interests()
    assert rebuilt == pytest.approx(incremental)
    assert {article.pk: tally(article) for article in articles} == tallies


def test_post_redirect_get_shows_the_readers_read_highlighted(client):
    article = make_article()
    response = client.post(read_url(article), {"choice": "promising"})

    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url() + "?saved=read#community"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"]
    marker = response.cookies[MARKER_COOKIE_NAME]
    assert marker.value == "1" and not marker["httponly"]

    landing = client.get(response["Location"])
    assert landing["Cache-Control"] == "private, no-store" and "xkey" not in landing
    page = landing.content.decode()
    assert "Saved: your read is “Promising”." in page
    assert "Your read: <strong>Promising</strong>" in page
    assert 'value="promising" aria-pressed="true"' in page
    assert "1 read so far" in page


def test_a_reader_changes_their_read_through_the_form(client):
    article = make_article()
    client.post(read_url(article), {"choice": "promising"})
    client.post(read_url(article), {"choice": "overhyped"})
    assert list(Read.objects.values_list("choice", flat=True)) == ["overhyped"]
    assert tally(article) == {"overhyped": 1}
    client.post(read_url(article), {"withdraw": "on"})
    assert not Read.objects.exists()


def test_the_javascript_flow_gets_the_fresh_panel_as_json(client):
    article = make_article()
    response = client.post(
        read_url(article), {"choice": "too_early"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert "Your read: <strong>Too early to tell</strong>" in response.json()["html"]


def test_pages_that_only_read_set_no_reader_cookie(client):
    article = make_article()
    response = client.get(article.get_absolute_url())
    assert COOKIE_NAME not in response.cookies


@pytest.mark.parametrize(
    ("data", "status"),
    [({"choice": "amazing"}, 400), ({}, 400), ({"choice": ""}, 400)],
)
def test_bad_choices_are_refused_and_change_nothing(client, data, status):
    article = make_article()
    response = client.post(read_url(article), data)
    assert response.status_code == status
    assert not Read.objects.exists() and tally(article) == {}


def test_a_forged_reader_cookie_is_refused(client):
    article = make_article()
    client.cookies[COOKIE_NAME] = signed_reader_cookie("a" * 32)[:-3] + "xyz"
    response = client.post(read_url(article), {"choice": "promising"})
    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert not Read.objects.exists()


def test_a_vote_from_another_site_is_forbidden():
    article = make_article()
    response = Client().post(
        read_url(article), {"choice": "promising"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert "only be sent from a page of this site" in response.content.decode()
    assert not Read.objects.exists()


def test_the_shared_story_page_is_the_same_for_a_reader_who_voted(
    client, django_capture_on_commit_callbacks
):
    article = make_article()
    Client().get(article.get_absolute_url())
    anonymous = Client().get(article.get_absolute_url())  # drawn twice: its parts are kept
    with django_capture_on_commit_callbacks(execute=True):
        client.post(read_url(article), {"choice": "promising"})
        services.cast_read(article=article, reader_id="other", choice="overhyped")
    kept = Client().get(article.get_absolute_url())
    # The page shows the tallies as they were until the activity purge is sent, a few
    # seconds later, which renews its kept parts (core/fragments.py) with the HTTP cache.
    assert kept.content == anonymous.content
    activity_purges.send_due(now=time.time() + settings.ACTIVITY_PURGE_SECONDS + 1)
    again = Client().get(article.get_absolute_url())
    voter = client.get(article.get_absolute_url())
    assert voter.content == again.content != anonymous.content
    assert "Your read" not in voter.content.decode()
    assert voter["Cache-Control"] == again["Cache-Control"]
    # Kept for hours: a vote reaches it by a purge (core/activity_purges.py).
    assert "public" in voter["Cache-Control"]
    assert f"s-maxage={httpcache.ACTIVITY_SECONDS}," in voter["Cache-Control"]
    mine = client.get(reverse("predictions:mine", kwargs={"slug": article.slug}))
    assert mine["Cache-Control"] == "private, no-store"
    assert "Your read: <strong>Promising</strong>" in mine.json()["panels"]["community"]
    assert "2 reads so far" in mine.json()["panels"]["community"]


def test_a_get_to_the_vote_url_is_not_allowed(client):
    assert client.get(read_url(make_article())).status_code == 405


def test_votes_on_drafts_or_missing_stories_are_404(client):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.post(read_url(draft), {"choice": "promising"}).status_code == 404
    missing = reverse("predictions:read", kwargs={"slug": "no-such-story"})
    assert client.post(missing, {"choice": "promising"}).status_code == 404
    assert not Read.objects.exists()


def test_a_scheduled_story_takes_no_votes_until_its_time(client):
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    assert client.post(read_url(scheduled), {"choice": "promising"}).status_code == 404
    assert not Read.objects.exists()
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    assert client.post(read_url(scheduled), {"choice": "promising"}).status_code == 302
    assert Read.objects.get().article == scheduled


def test_an_oversized_body_is_refused(client):
    article = make_article()
    response = client.post(read_url(article), {"choice": "promising", "pad": "x" * 10_000})
    assert response.status_code == 413
    assert not Read.objects.exists()


def test_writes_past_the_rate_limit_get_429_with_retry_after(client, settings):
    settings.RATE_LIMITS = {"reader-write": (3, 60)}
    article = make_article()
    statuses = [
        client.post(read_url(article), {"choice": "promising"}).status_code for _ in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    limited = client.post(read_url(article), {"choice": "overhyped"})
    assert 0 < int(limited["Retry-After"]) <= 60
    assert Read.objects.get().choice == "promising"


def test_the_client_address_comes_from_a_proxy_header_only_when_configured(settings):
    from django.test import RequestFactory

    from core.ratelimit import client_address

    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    settings.CLIENT_IP_HEADER = ""
    assert client_address(request) == "10.0.0.1"
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_address(request) == "6.6.6.6"


def test_article_page_query_count_is_constant_however_many_reads(client, django_assert_num_queries):
    question = make_question()
    article = question.article
    for number in range(40):
        services.cast_read(article=article, reader_id=f"r{number}", choice="promising")
    for number in range(settings.CROWD_MIN_INDEPENDENT):  # enough for the crowd to show
        services.submit_forecast(question=question, reader_id=f"r{number}", probability=50)
    client.cookies[COOKIE_NAME] = signed_reader_cookie("r1")
    with django_assert_num_queries(query_budgets.ARTICLE_PAGE_WITH_READER):
        response = client.get(article.get_absolute_url() + "?saved=read")
    assert "40 reads so far" in response.content.decode()
    with django_assert_num_queries(query_budgets.READER_PANELS_WITH_A_STANDING_FORECAST):
        mine = client.get(reverse("predictions:mine", kwargs={"slug": article.slug}))
    assert "40 reads so far" in mine.json()["panels"]["community"]


def test_community_ranks_only_topics_readers_have_read_and_lists_the_rest(client):
    quiet = make_topic(name="Quiet topic")
    make_article(topics=[quiet])
    make_topic(name="Empty topic")
    popular, niche = make_topic(name="Popular topic"), make_topic(name="Niche topic")
    busy_story, niche_story = make_article(topics=[popular]), make_article(topics=[niche])
    for reader in ["r1", "r2"]:
        services.cast_read(article=busy_story, reader_id=reader, choice="promising")
    services.cast_read(article=niche_story, reader_id="r3", choice="overhyped")
    settling.settle()

    response = client.get(reverse("predictions:community"))

    directions = response.context["directions"]
    assert [direction.topic for direction in directions.ranked] == [popular, niche]
    assert all(direction.weight > 0 for direction in directions.ranked)
    assert {topic.name for topic in directions.unread} == {"Empty topic", "Quiet topic"}
    ranked_html, rest_html = response.content.decode().split("No reads yet", 1)
    assert "Quiet topic" not in ranked_html and "Empty topic" not in ranked_html
    assert ranked_html.count('class="direction"') == 2
    assert "Quiet topic" in rest_html and "Empty topic" in rest_html


def test_community_trend_is_a_sparkline_with_each_weeks_count_in_text(client):
    topic = make_topic(name="Trending topic")
    article = make_article(topics=[topic])
    now = timezone.now()
    for reader in ["r1", "r2", "r3"]:
        services.cast_read(
            article=article, reader_id=reader, choice="promising", now=now - timedelta(weeks=2)
        )
    services.cast_read(article=article, reader_id="r4", choice="promising", now=now)
    settling.settle()

    html = client.get(reverse("predictions:community")).content.decode()

    svg = re.search(r"<svg class=\"sparkline\"[^>]*>(.*?)</svg>", html, re.S)
    assert svg and 'aria-hidden="true"' in svg.group(0)
    points = re.search(r'points="([^"]+)"', svg.group(1)).group(1).split()
    heights = [float(point.split(",")[1]) for point in points]
    assert len(heights) == 8
    assert heights[5] == min(heights) and heights[7] < heights[0] == max(heights)
    table = re.search(r'<table class="visually-hidden">(.*?)</table>', html, re.S).group(1)
    counts = re.findall(r"<tr><th scope=\"row\">Week starting [^<]+</th><td>(\d+)</td></tr>", table)
    assert counts == ["0", "0", "0", "0", "0", "3", "0", "1"]
    assert "Reads per week of Trending topic" in table


def test_posting_a_read_costs_its_budget_of_queries(client, django_assert_num_queries):
    article = make_article()
    client.cookies[COOKIE_NAME] = signed_reader_cookie("budget-reader")
    with django_assert_num_queries(query_budgets.READ_POST):
        response = client.post(read_url(article), {"choice": "promising"})
    assert response.status_code == 302
    assert tally(article) == {"promising": 1}
