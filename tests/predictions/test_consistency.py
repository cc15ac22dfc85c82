"""The consistency check: rows written by the services pass, every tampered aggregate shows."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from predictions import consistency, services
from predictions.models import AggregatePoint, Question, ReadTally, Score, TopicInterest
from predictions.services import settling
from tests.factories import make_article, make_question


@pytest.fixture
def activity(db):
    """Reads, changed reads, forecasts over several days and a resolved, scored question."""
    now = timezone.now()
    stories = [make_article() for _ in range(3)]
    for number, story in enumerate(stories):
        for reader in range(number + 2):
            services.cast_read(article=story, reader_id=f"reader-{reader}", choice="promising")
    services.cast_read(article=stories[0], reader_id="reader-0", choice="overhyped")
    services.withdraw_read(article=stories[1], reader_id="reader-1")
    opens = now - timedelta(days=10)
    open_question = make_question(stories[0], opens_at=opens)
    resolved = make_question(stories[1], opens_at=opens, closes_at=now - timedelta(days=1))
    for question in (open_question, resolved):
        for day, (reader, probability) in enumerate([("a", 30), ("b", 70), ("a", 55)]):
            services.submit_forecast(
                question=question,
                reader_id=reader,
                probability=probability,
                now=opens + timedelta(days=day + 1, hours=1),
            )
        services.withdraw_forecast(question=question, reader_id="b", now=opens + timedelta(days=5))
    services.resolve_question(question=resolved, resolution="yes", note="It happened.")
    make_question(stories[2])  # never forecast
    settling.settle()
    return {"stories": stories, "open": open_question, "resolved": resolved}


def test_rows_written_by_the_services_are_consistent(activity, django_assert_max_num_queries):
    assert Score.objects.filter(question=activity["resolved"]).count() == 2
    # The tallies, reads, topics, pending interest, questions, forecasts, history, scores.
    with django_assert_max_num_queries(9):
        assert consistency.differences() == []


def tamper_tally(activity):
    ReadTally.objects.filter(article=activity["stories"][2]).update(promising=F("promising") + 1)


def drop_tally(activity):
    ReadTally.objects.filter(article=activity["stories"][0]).delete()


def tamper_interest(activity):
    TopicInterest.objects.filter(topic__in=activity["stories"][0].topics.all()).update(
        amount=F("amount") * 1.01
    )


def tamper_aggregate(activity):
    Question.objects.filter(pk=activity["open"].pk).update(median=12)


def tamper_history(activity):
    AggregatePoint.objects.filter(question=activity["open"]).filter(
        day=AggregatePoint.objects.filter(question=activity["open"]).order_by("day")[0].day
    ).update(forecasters=F("forecasters") + 1)


def drop_history(activity):
    AggregatePoint.objects.filter(question=activity["resolved"]).order_by("day")[0].delete()


def tamper_score(activity):
    Score.objects.filter(question=activity["resolved"], reader_id="a").update(brier=0.5)


def drop_score(activity):
    Score.objects.filter(question=activity["resolved"], reader_id="b").delete()


@pytest.mark.parametrize(
    ("tamper", "reported"),
    [
        (tamper_tally, "read tally of story"),
        (drop_tally, "read tally of story"),
        (tamper_interest, "interest of topic"),
        (tamper_aggregate, "community forecast of question"),
        (tamper_history, "history of question"),
        (drop_history, "history of question"),
        (tamper_score, "score of reader a"),
        (drop_score, "score of reader b"),
    ],
)
def test_every_kind_of_tampered_aggregate_is_reported(activity, tamper, reported):
    tamper(activity)
    found = consistency.differences()
    assert len(found) == 1, found
    assert found[0].startswith(reported)
