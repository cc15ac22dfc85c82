"""The community read and topic weights count readers, not cookies: a story's reads from
one network address without an account count as one (predictions/services/reads.py);
an account's read counts on its own, wherever it comes from."""

import pytest
from django.test import Client
from django.urls import reverse

from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import consistency, interest, services
from predictions.models import Read, ReadTally
from predictions.selectors import reads
from predictions.services import settling
from tests.factories import make_article, make_topic, topic_interests
from tests.predictions.test_concurrency import in_parallel, post, unlimited  # noqa: F401
from tests.predictions.test_leaderboard import make_account

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.7"


def read_from(client, article, address, choice, *, reader_id=None):
    """A read from a new browser (or ``reader_id``'s) at ``address``."""
    client.cookies.clear()
    if reader_id:
        client.cookies[COOKIE_NAME] = signed_reader_cookie(reader_id)
    response = client.post(
        reverse("predictions:read", kwargs={"slug": article.slug}),
        {"choice": choice},
        REMOTE_ADDR=address,
    )
    assert response.status_code == 302
    return response


def tally(article):
    row = ReadTally.objects.filter(article=article).first()
    return {} if row is None else {k: v for k, v in row.counts().items() if v}


def independent_reads(article, count, choice):
    client = Client()
    for number in range(count):
        read_from(client, article, f"203.0.113.{number + 1}", choice)


def test_twenty_identities_from_one_address_count_as_one_read(client):
    article = make_article()
    independent_reads(article, 20, "promising")
    for _ in range(20):
        read_from(client, article, ATTACKER, "overhyped")

    assert Read.objects.filter(article=article).count() == 40
    assert tally(article) == {"promising": 20, "overhyped": 1}
    bars = {bar.choice: bar.percent for bar in reads.community_read(article, None).bars}
    assert bars["overhyped"] <= 5
    assert consistency.tally_differences() == []


def test_twenty_identities_from_one_address_add_one_reads_worth_to_a_topic(client):
    wanted, pushed = make_topic(name="Wanted"), make_topic(name="Pushed")
    independent_reads(make_article(topics=[wanted]), 20, "promising")
    story = make_article(topics=[pushed])
    for _ in range(20):
        read_from(client, story, ATTACKER, "game_changer")
    settling.settle()

    first = Read.objects.filter(article=story).order_by("cast_at").first()
    weights = topic_interests()
    assert weights[pushed.pk] == pytest.approx(interest.read_interest(first.cast_at))
    assert weights[wanted.pk] > 19 * weights[pushed.pk]
    assert [topic.topic for topic in reads.most_wanted_topics(2)] == [wanted, pushed]
    community = Client().get(reverse("predictions:community")).content.decode()
    assert "1 read in all" in community
    assert consistency.interest_differences() == []


def test_accounts_at_one_address_each_count(client):
    topic = make_topic()
    article = make_article(topics=[topic])
    for _ in range(3):
        read_from(client, article, ATTACKER, "promising", reader_id=make_account().reader_id)
    read_from(client, article, ATTACKER, "overhyped")
    read_from(client, article, ATTACKER, "overhyped")

    assert tally(article) == {"promising": 3, "overhyped": 1}
    settling.settle()
    assert consistency.differences() == []


def test_a_withdrawn_counted_read_hands_its_place_to_the_next_from_its_address():
    topic = make_topic()
    article = make_article(topics=[topic])
    for number, choice in enumerate(["promising", "overhyped", "too_early"]):
        services.cast_read(article=article, reader_id=f"r{number}", choice=choice, origin="home")
    assert tally(article) == {"promising": 1}

    services.withdraw_read(article=article, reader_id="r0")
    assert tally(article) == {"overhyped": 1}
    assert Read.objects.get(reader_id="r1").counted

    services.withdraw_read(article=article, reader_id="r2")  # not counted: nothing moves
    services.withdraw_read(article=article, reader_id="r1")
    assert tally(article) == {}
    settling.settle()
    assert topic_interests()[topic.pk] == pytest.approx(0, abs=1e-9)
    assert consistency.differences() == []


def test_changing_a_read_moves_the_tally_only_when_it_counts():
    article = make_article()
    for number in range(2):
        services.cast_read(article=article, reader_id=f"r{number}", choice="promising", origin="o")

    services.cast_read(article=article, reader_id="r1", choice="overhyped")
    assert tally(article) == {"promising": 1}
    services.cast_read(article=article, reader_id="r0", choice="too_early")
    assert tally(article) == {"too_early": 1}


def test_a_reader_whose_read_is_not_counted_is_told_why(client):
    article = make_article()
    read_from(client, article, ATTACKER, "promising")
    response = read_from(client, article, ATTACKER, "overhyped")

    landing = client.get(response["Location"]).content.decode()
    assert "Your read: <strong>Overhyped</strong>" in landing
    assert "It is kept, but not counted: another read from your network address counts" in landing
    panels = client.get(reverse("predictions:mine", kwargs={"slug": article.slug})).json()
    assert "It is kept, but not counted" in panels["panels"]["community"]
    shared = Client().get(article.get_absolute_url()).content.decode()
    assert "reads from one network address without an account count together as one" in shared
    assert f'href="{reverse("trust:methodology")}#read-rule"' in shared


def test_the_rebuild_counts_the_oldest_read_of_each_address():
    topic = make_topic()
    article = make_article(topics=[topic])
    for number in range(3):
        services.cast_read(article=article, reader_id=f"r{number}", choice="promising", origin="o")
    services.cast_read(article=article, reader_id="alone", choice="overhyped")
    # A counted read lost (as a crash between a withdrawal and its replacement would).
    Read.objects.filter(reader_id="r0").update(counted=False)
    ReadTally.objects.filter(article=article).update(promising=0)

    services.rebuild_topic_interest()

    assert list(
        Read.objects.filter(counted=True).order_by("reader_id").values_list("reader_id")
    ) == [
        ("alone",),
        ("r0",),
    ]
    assert tally(article) == {"promising": 1, "overhyped": 1}
    assert consistency.differences() == []


@pytest.mark.django_db(transaction=True)
def test_identities_at_one_address_reading_at_once_count_as_one(live_server, unlimited):  # noqa: F811
    topic = make_topic()
    article = make_article(topics=[topic])
    url = live_server.url + reverse("predictions:read", kwargs={"slug": article.slug})
    first = [
        lambda i=i: post(url, {"choice": "promising"}, f"early-{i}", ATTACKER) for i in range(10)
    ]
    assert in_parallel(first) == [200] * 10
    counted = Read.objects.get(counted=True)

    # The counted reader withdraws while ten more identities from there read.
    calls = [lambda: post(url, {"withdraw": "on"}, counted.reader_id, ATTACKER)] + [
        lambda i=i: post(url, {"choice": "overhyped"}, f"late-{i}", ATTACKER) for i in range(10)
    ]
    assert in_parallel(calls) == [200] * 11

    assert Read.objects.filter(article=article).count() == 19
    assert Read.objects.filter(article=article, counted=True).count() == 1
    assert sum(tally(article).values()) == 1
    settling.settle()
    assert consistency.differences() == []
