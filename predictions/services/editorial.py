"""Editors' writes on questions and the rebuilds from raw rows: resolution and scores,
topic interest and tallies, community forecasts, a question's history. Each locks what
it rewrites for its transaction."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from articles.models import Article, story_cache_key
from core import httpcache
from predictions import aggregation, interest, scoring
from predictions.models import (
    AggregatePoint,
    PendingInterest,
    Question,
    Read,
    ReadTally,
    Score,
    TopicInterest,
)
from predictions.services import crowd, settling
from predictions.services import reads as reads_services


@transaction.atomic
def rebuild_topic_interest():
    """Recompute which reads count (one per story and origin), then every topic's interest
    and every tally from the counted reads."""
    reads_services.recount_origins()
    counted = Read.objects.filter(counted=True)
    reads = counted.values_list("article_id", "cast_at").iterator(chunk_size=10_000)
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
    for article_id, choice in counted.values_list("article_id", "choice").iterator(
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
            crowd.origin_key(origin, reader_id),
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
