"""Writes with rules: reads, forecasts, resolution and scores.

Reader writes never queue behind one row: a read is one statement (two for a
change) that holds the story's tally row only while it runs, and both reads and
forecasts leave the shared aggregates (topic interest, the community forecast)
to predictions/settling.py, which folds them in about once a second. Editors'
writes (resolution, replays) lock the question for their transaction.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from articles.models import Article, story_cache_key
from core import activity_purges, httpcache
from predictions import (
    aggregate_statements,
    aggregation,
    cache_keys,
    forecast_statements,
    interest,
    read_statements,
    scoring,
    settling,
)
from predictions.models import (
    AggregatePoint,
    Forecast,
    PendingInterest,
    Question,
    Read,
    ReadChoice,
    ReadTally,
    Score,
    StaleAggregate,
    TopicInterest,
)


def _check_public(article):
    if not article.is_public:
        raise ValidationError("Reads are only open on published stories.")


def cast_read(*, article, reader_id, choice, now=None):
    """Record or change a reader's read. A change moves one count and adds no interest.

    One statement for a new read, one more for a change (predictions/read_statements.py):
    the tally's row is locked only while its statement runs.
    """
    if choice not in ReadChoice.values:
        raise ValidationError(f"“{choice}” is not one of the reads.")
    _check_public(article)
    now = now or timezone.now()
    values = {"article": article.pk, "reader": reader_id, "choice": choice, "now": now}
    row = read_statements.execute(
        read_statements.INSERT_READ, **values, interest=interest.read_interest(now)
    ) or _change_read(values)
    settling.settler.wake()
    _read_moved(article)
    if row is None:  # the reader's read was this already
        return Read.objects.get(article=article, reader_id=reader_id)
    read_id, cast_at = row
    return Read(
        pk=read_id, article=article, reader_id=reader_id, choice=choice, cast_at=cast_at,
        changed_at=now,
    )  # fmt: skip


@transaction.atomic
def _change_read(values):
    """The reader already has a read: lock it (so that two of their changes at once take
    turns), then move its count. None when the read was this choice already."""
    old = (
        Read.objects.select_for_update()
        .filter(article_id=values["article"], reader_id=values["reader"])
        .values_list("choice", flat=True)
        .first()
    )
    if old is None or old == values["choice"]:
        return None
    return read_statements.execute(read_statements.CHANGE_READ, **values, old=old)


def withdraw_read(*, article, reader_id):
    """Take a read back: its count and the interest it added go with it (one statement)."""
    cast_at = (
        Read.objects.filter(article=article, reader_id=reader_id)
        .values_list("cast_at", flat=True)
        .first()
    )
    removed = cast_at is not None and read_statements.execute(
        read_statements.WITHDRAW_READ,
        article=article.pk,
        reader=reader_id,
        cast_at=cast_at,
        interest=interest.read_interest(cast_at),
    )
    if not removed:
        raise ValidationError("You have no read on this story to withdraw.")
    settling.settler.wake()
    _read_moved(article)


def _read_moved(article):
    """The story's tallies and its topics' interest moved: their pages follow soon."""
    activity_purges.purge_soon(story_cache_key(article.slug), cache_keys.INTEREST)


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
    PendingInterest.objects.all().delete()
    TopicInterest.objects.all().delete()
    TopicInterest.objects.bulk_create(
        TopicInterest(topic_id=topic_id, amount=amount) for topic_id, amount in totals.items()
    )
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
    """End the reader's standing forecast, if any; the number of forecasts ended."""
    return Forecast.objects.filter(
        question=question, reader_id=reader_id, superseded_at__isnull=True
    ).update(superseded_at=now)


def _forecast_changed(question):
    """The question's aggregate is stale: mark it, and settle it (below)."""
    StaleAggregate.objects.bulk_create([StaleAggregate(question=question)], ignore_conflicts=True)
    _settle_soon(question)


def _settle_soon(question):
    """Recompute the question's aggregate in this write if that is due (at most once a
    second per question), else the settler does within a second; the pages that show
    the crowd follow soon after."""
    if not (settling.due(question.pk) and settling.settle_question(question.pk)):
        settling.settler.wake()
    activity_purges.purge_soon(
        story_cache_key(question.article.slug),
        cache_keys.question(question.slug),
        cache_keys.CROWD,
    )


# A double submit's later forecast meets the one that stood first: it runs again and
# ends that one. Each round stores at least one of a reader's racing forecasts, so n at
# once need at most n tries: this many keeps a burst of ten, far past what hands send.
SUBMIT_ATTEMPTS = 10


def submit_forecast(*, question, reader_id, probability, origin="", now=None):
    """A reader's new forecast: it ends their standing one, in one statement
    (predictions/forecast_statements.py); the crowd follows within a second
    (predictions/settling.py), so forecasts on one question never queue. ``origin`` is
    where it came from (core/origins.py); the site's own forecasts have none."""
    now = now or timezone.now()
    _check_open(question, now)
    Forecast._meta.get_field("probability").run_validators(probability)
    for _ in range(SUBMIT_ATTEMPTS):
        stored = forecast_statements.submit(
            question=question.pk, reader=reader_id, probability=probability, now=now, origin=origin
        )
        if stored is not None:
            break
    else:
        raise ValidationError(
            "Another forecast of yours on this question was being saved at the same moment. "
            "Send yours again."
        )
    _settle_soon(question)
    forecast_id, made_at = stored
    return Forecast(
        pk=forecast_id, question=question, reader_id=reader_id, probability=probability,
        made_at=made_at, origin=origin,
    )  # fmt: skip


@transaction.atomic
def withdraw_forecast(*, question, reader_id, now=None):
    now = now or timezone.now()
    _check_open(question, now)
    if not _end_standing(question, reader_id, now):
        raise ValidationError("You have no forecast on this question to withdraw.")
    Forecast.objects.create(question=question, reader_id=reader_id, withdrawn=True, made_at=now)
    _forecast_changed(question)


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
    httpcache.purge(story_cache_key(question.article.slug), "questions")
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
def rebuild_community_forecasts():
    """Recompute every forecast question's stored community forecast from its standing
    forecasts, as the settler would (a raw load of questions stores none)."""
    forecast_on = Question.objects.annotate(latest=Max("forecasts__made_at")).filter(
        latest__isnull=False
    )
    for question in forecast_on:
        settling.recompute_aggregate(question=question, now=question.latest)


@transaction.atomic
def replay_history(*, question):
    """Rebuild a question's aggregate history from its raw forecasts, day by day."""
    question = _locked_question(question)
    # A withdrawal has no probability (a constraint says so): it replays as None.
    forecasts = question.forecasts.order_by("made_at", "pk")
    points = aggregation.replay(
        (
            reader_id,
            aggregate_statements.origin_key(origin, reader_id),
            probability,
            timezone.localdate(made_at),
        )
        for reader_id, origin, probability, made_at in forecasts.values_list(
            "reader_id", "origin", "probability", "made_at"
        )
    )
    AggregatePoint.objects.filter(question=question).delete()
    AggregatePoint.objects.bulk_create(
        settling.aggregate_point(question, day, result) for day, result in points.items()
    )
