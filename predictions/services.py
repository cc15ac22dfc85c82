"""Writes with rules: reads, forecasts, resolution and scores.

Each runs in one transaction and takes a row lock first (the story's tally,
or the question), so that concurrent writes on one story or question queue
up instead of racing; rows of Topic are then updated in primary-key order,
so two transactions never wait on each other in opposite orders.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles.models import Article, Topic
from core import httpcache
from predictions import aggregation, interest, scoring
from predictions.models import (
    AggregatePoint,
    Forecast,
    Question,
    Read,
    ReadChoice,
    ReadTally,
    Score,
)


def _locked_tally(article):
    ReadTally.objects.bulk_create([ReadTally(article=article)], ignore_conflicts=True)
    return ReadTally.objects.select_for_update().get(article=article)


def _add_topic_interest(article, amount):
    topic_ids = sorted(article.topics.values_list("pk", flat=True))
    for topic_id in topic_ids:
        Topic.objects.filter(pk=topic_id).update(reader_interest=F("reader_interest") + amount)


def _check_public(article):
    if not article.is_public:
        raise ValidationError("Reads are only open on published stories.")


@transaction.atomic
def cast_read(*, article, reader_id, choice, now=None):
    """Record or change a reader's read. A change moves one count and adds no interest."""
    if choice not in ReadChoice.values:
        raise ValidationError(f"“{choice}” is not one of the reads.")
    _check_public(article)
    now = now or timezone.now()
    tally = _locked_tally(article)
    read = Read.objects.filter(article=article, reader_id=reader_id).first()
    if read is None:
        read = Read.objects.create(
            article=article, reader_id=reader_id, choice=choice, cast_at=now, changed_at=now
        )
        _add_topic_interest(article, interest.read_interest(now))
    elif read.choice != choice:
        setattr(tally, read.choice, F(read.choice) - 1)
        read.choice, read.changed_at = choice, now
        read.save(update_fields=["choice", "changed_at"])
    else:
        return read
    setattr(tally, choice, F(choice) + 1)
    tally.save()
    return read


@transaction.atomic
def withdraw_read(*, article, reader_id):
    """Take a read back: its count and the interest it added go with it."""
    tally = _locked_tally(article)
    read = Read.objects.filter(article=article, reader_id=reader_id).first()
    if read is None:
        raise ValidationError("You have no read on this story to withdraw.")
    setattr(tally, read.choice, F(read.choice) - 1)
    tally.save()
    _add_topic_interest(article, -interest.read_interest(read.cast_at))
    read.delete()


@transaction.atomic
def rebuild_topic_interest():
    """Recompute every topic's interest and every tally from the raw reads."""
    reads = Read.objects.values_list("article_id", "cast_at").iterator(chunk_size=10_000)
    topics_of = defaultdict(list)
    for article_id, topic_id in Article.topics.through.objects.values_list(
        "article_id", "topic_id"
    ):
        topics_of[article_id].append(topic_id)
    totals = interest.topic_interest(
        (topic_id, cast_at) for article_id, cast_at in reads for topic_id in topics_of[article_id]
    )
    for topic in Topic.objects.order_by("pk"):
        topic.reader_interest = totals.get(topic.pk, 0.0)
        topic.save(update_fields=["reader_interest"])
    counts = defaultdict(lambda: defaultdict(int))
    for article_id, choice in Read.objects.values_list("article_id", "choice").iterator(
        chunk_size=10_000
    ):
        counts[article_id][choice] += 1
    ReadTally.objects.all().delete()
    ReadTally.objects.bulk_create(
        ReadTally(article_id=article_id, **by_choice) for article_id, by_choice in counts.items()
    )


def _locked_question(question):
    """The question, locked (its story comes along, unlocked, for the page-cache version)."""
    return (
        Question.objects.select_related("article")
        .select_for_update(of=("self",))
        .get(pk=question.pk)
    )


def _check_open(question, now):
    status = question.status_at(now)
    if status != Question.Status.OPEN:
        raise ValidationError(f"This question is not taking forecasts: {status.label.lower()}.")
    if not question.article.is_public:
        raise ValidationError("This question's story is not published.")


def _end_standing(question, reader_id, now):
    Forecast.objects.filter(
        question=question, reader_id=reader_id, superseded_at__isnull=True
    ).update(superseded_at=now)


@transaction.atomic
def submit_forecast(*, question, reader_id, probability, now=None):
    """A reader's new forecast; it ends their standing one and updates the aggregate."""
    now = now or timezone.now()
    question = _locked_question(question)
    _check_open(question, now)
    _end_standing(question, reader_id, now)
    forecast = Forecast(
        question=question, reader_id=reader_id, probability=probability, made_at=now
    )
    # Field rules here; the one-standing-forecast rule is the database's constraint.
    forecast.clean_fields()
    forecast.save()
    recompute_aggregate(question=question, now=now)
    return forecast


@transaction.atomic
def withdraw_forecast(*, question, reader_id, now=None):
    now = now or timezone.now()
    question = _locked_question(question)
    _check_open(question, now)
    if not Forecast.objects.current().filter(question=question, reader_id=reader_id).exists():
        raise ValidationError("You have no forecast on this question to withdraw.")
    _end_standing(question, reader_id, now)
    Forecast.objects.create(question=question, reader_id=reader_id, withdrawn=True, made_at=now)
    recompute_aggregate(question=question, now=now)


def recompute_aggregate(*, question, now=None):
    """Store the community forecast from the standing forecasts, and a point of history."""
    standing = question.forecasts.current().order_by("made_at", "pk")
    result = aggregation.aggregate(standing.values_list("probability", flat=True))
    stored = {
        "forecasters": result.forecasters,
        "median": result.median,
        "lower_quartile": result.lower_quartile,
        "upper_quartile": result.upper_quartile,
        "histogram": result.histogram,
    }
    # update(), not save(): a derived aggregate is not an editor's change, so it fires no
    # re-render of the criteria and writes no history row per forecast.
    Question.objects.filter(pk=question.pk).update(**stored)
    for name, value in stored.items():
        setattr(question, name, value)
    # One statement: INSERT … ON CONFLICT (question, day) DO UPDATE.
    AggregatePoint.objects.bulk_create(
        [_aggregate_point(question, timezone.localdate(now or timezone.now()), result)],
        update_conflicts=True,
        unique_fields=["question", "day"],
        update_fields=["forecasters", "median", "lower_quartile", "upper_quartile"],
    )


def _aggregate_point(question, day, result):
    """The history row of one day: the aggregate as it stood at the end of it."""
    return AggregatePoint(
        question=question,
        day=day,
        forecasters=result.forecasters,
        median=result.median,
        lower_quartile=result.lower_quartile,
        upper_quartile=result.upper_quartile,
    )


@transaction.atomic
def resolve_question(*, question, resolution, note, now=None):
    """Resolve (or correct a resolution) and score every reader from scratch."""
    if resolution not in {choice for choice in Question.Resolution.values if choice}:
        raise ValidationError("Choose yes, no or annulled.")
    question = _locked_question(question)
    question.resolution = resolution
    question.resolution_note = note
    question.resolved_at = now or timezone.now()
    question.save(update_fields=["resolution", "resolution_note", "resolved_at"])
    Score.objects.filter(question=question).delete()
    httpcache.purge(f"story-{question.article.slug}", "questions")
    if not question.is_scored:
        return question
    scores = scoring.score_readers(
        question.forecasts.order_by("made_at", "pk").values_list(
            "reader_id", "probability", "made_at", "superseded_at"
        ),
        opens_at=question.opens_at,
        closes_at=question.closes_at,
        happened=resolution == Question.Resolution.YES,
    )
    Score.objects.bulk_create(
        Score(
            question=question,
            reader_id=reader_id,
            brier=result.brier,
            log_score=result.log_score,
            final_probability=result.final_probability,
        )
        for reader_id, result in scores.items()
    )
    return question


@transaction.atomic
def replay_history(*, question):
    """Rebuild a question's aggregate history from its raw forecasts, day by day."""
    question = _locked_question(question)
    # A withdrawal has no probability (a constraint says so): it replays as None.
    forecasts = question.forecasts.order_by("made_at", "pk")
    points = aggregation.replay(
        (reader_id, probability, timezone.localdate(made_at))
        for reader_id, probability, made_at in forecasts.values_list(
            "reader_id", "probability", "made_at"
        )
    )
    AggregatePoint.objects.filter(question=question).delete()
    AggregatePoint.objects.bulk_create(
        _aggregate_point(question, day, result) for day, result in points.items()
    )
