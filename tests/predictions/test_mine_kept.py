"""A known reader's /mine/ answer kept in Redis (core/personal_answers.py): asked again, it
is one Redis read and no query; it changes with the reader's own writes, with everyone's
votes once their purge is sent, with an editor's change at once, and never outlives the
moment its question closes; without Redis it comes from the database every time."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import activity_purges, personal_answers, shared_redis
from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import joining, services
from tests.factories import make_question

pytestmark = pytest.mark.django_db

READER, OTHER = "k" * 32, "o" * 32


def ask(client, story, reader_id=READER, **headers):
    client.cookies[COOKIE_NAME] = signed_reader_cookie(reader_id)
    response = client.get(reverse("predictions:mine", kwargs={"slug": story.slug}), **headers)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return response.content


def kept_names():
    return shared_redis.client().keys(personal_answers.ANSWER_PREFIX + "*")


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run what a block's writes leave for their commit (the purges, the renewals), as the
    site's writes do outside a test's transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def question(committing):
    question = make_question(opens_at=timezone.now() - timedelta(days=2))
    with committing():
        services.cast_read(article=question.article, reader_id=READER, choice="promising")
        services.submit_forecast(question=question, reader_id=READER, probability=70)
    return question


def test_asked_again_the_answer_is_kept_and_asks_the_database_nothing(
    client, question, django_assert_num_queries
):
    first = ask(client, question.article)
    assert b"Your read: <strong>Promising</strong>" in first
    with django_assert_num_queries(0):
        assert ask(client, question.article) == first
    assert len(kept_names()) == 1


def test_one_readers_answer_is_never_anothers(client, question, committing):
    mine = ask(client, question.article)
    with committing():
        services.cast_read(article=question.article, reader_id=OTHER, choice="overhyped")
    theirs = ask(client, question.article, OTHER)
    assert b"Your read: <strong>Overhyped</strong>" in theirs
    assert b"Your forecast" not in theirs
    assert ask(client, question.article) == mine


def test_the_readers_own_writes_show_at_once(client, question, committing):
    ask(client, question.article)
    with committing():
        services.cast_read(article=question.article, reader_id=READER, choice="overhyped")
    assert b"Your read: <strong>Overhyped</strong>" in ask(client, question.article)
    with committing():
        services.withdraw_read(article=question.article, reader_id=READER)
        services.withdraw_forecast(question=question, reader_id=READER)
    assert ask(client, question.article) == b'{"panels": {}}'


def test_everyones_votes_show_once_their_purge_is_sent(client, question, committing):
    assert b"1 read so far" in ask(client, question.article)
    with committing():
        services.cast_read(article=question.article, reader_id=OTHER, choice="promising")
    assert b"1 read so far" in ask(client, question.article)  # kept until the purge
    activity_purges.send_due(now=timezone.now().timestamp() + 3600)
    assert b"2 reads so far" in ask(client, question.article)


def test_an_editors_change_shows_at_once(client, question, committing):
    assert b"Your score" not in ask(client, question.article)
    with committing():
        services.resolve_question(question=question, resolution="yes", note="It happened.")
    assert b"Your score" in ask(client, question.article)


def test_a_browsers_reads_joined_to_an_account_show_on_the_accounts_answer(
    client, question, committing
):
    assert ask(client, question.article, OTHER) == b'{"panels": {}}'
    with committing():
        joining.join_reader(None, anonymous_reader_id=READER, account_reader_id=OTHER)
    assert b"Your read: <strong>Promising</strong>" in ask(client, question.article, OTHER)


def test_an_answer_is_kept_no_longer_than_until_its_question_closes(client, committing):
    question = make_question(
        opens_at=timezone.now() - timedelta(days=2),
        closes_at=timezone.now() + timedelta(seconds=90),
    )
    with committing():
        services.submit_forecast(question=question, reader_id=READER, probability=30)
    ask(client, question.article)
    [name] = kept_names()
    assert 0 < shared_redis.client().ttl(name) <= 90


def test_without_redis_the_answer_comes_from_the_database(
    client, question, redis_away, django_assert_num_queries
):
    first = ask(client, question.article)
    assert b"Your read: <strong>Promising</strong>" in first
    with django_assert_num_queries(2):  # the lookup and the meter's history, every time
        assert ask(client, question.article) == first


def test_a_deleted_accounts_reads_leave_its_answer(client, question, committing):
    assert b"Your read" in ask(client, question.article)
    with committing():
        joining.forget_reader(None, reader_id=READER, anonymous_reader_id=OTHER)
    assert ask(client, question.article) == b'{"panels": {}}'


def test_an_answer_a_replica_gave_is_not_kept():
    """A replica may not have replayed the write that renewed a version yet."""
    where = {"keys": ["story-a-story"], "reader_id": READER}
    personal_answers.keep(personal_answers.find("/a/", **where), b"{}", read_from="replica")
    assert personal_answers.find("/a/", **where).body is None
    personal_answers.keep(personal_answers.find("/a/", **where), b"{}", read_from="default")
    assert personal_answers.find("/a/", **where).body == b"{}"


FORWARDED = {
    "HTTP_X_FORWARDED_HOST": "evil.example",
    "HTTP_X_FORWARDED_PROTO": "http",
    "HTTP_X_FORWARDED_FOR": "203.0.113.9",
    "HTTP_FORWARDED": "host=evil.example;proto=http",
    "HTTP_X_ORIGINAL_URL": "/evil/",
    "HTTP_X_REWRITE_URL": "/evil/",
}


def test_forwarded_headers_on_a_miss_leave_the_kept_answer_as_it_would_be(client, question):
    forged = ask(client, question.article, **FORWARDED)  # the miss, kept
    kept = ask(client, question.article)
    shared_redis.client().delete(*kept_names())
    assert kept == forged == ask(client, question.article)  # drawn afresh without them
    assert b"evil" not in kept
