"""Telling followers that a question's community forecast moved past their threshold.

Each follow of a question keeps the crowd (median, per cent) its reader last heard of:
when they followed it, when they forecast it, or when they were last told it moved
(Follow.crowd_seen). The periodic job compares it with the stored median by the site's
own rule for "changed since your forecast" (predictions/changes.py, whole per cent, more
than the reader's threshold: Preferences.crowd_threshold, 10 points by default), tells
those past it, and moves their baseline to the crowd they were told of, in one
transaction holding their follows (``FOR UPDATE SKIP LOCKED``: a second run at the same
time passes them by). Only crowds shown to everyone count (CROWD_MIN_INDEPENDENT and
FORECAST_REVEAL_MIN_FORECASTERS), and only when they are settled: a question whose
aggregate is waiting to be recomputed (predictions.StaleAggregate) is left to the next
run.

The event is the crowd as it stood after the question's latest forecast: its key names
that forecast and the median, so readers told of the same crowd share one event, and any
later move is another.
"""

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Abs, Coalesce
from django.utils import timezone

from notices.models import DEFAULT_CROWD_THRESHOLD, Event, Follow, Notification, Preferences
from predictions import changes
from predictions.models import Forecast, Question, StaleAggregate


def _followed_crowds():
    """Follows of unresolved questions whose crowd is shown and settled, with the
    question's median and the reader's threshold; locked."""
    threshold = Preferences.objects.filter(account_id=OuterRef("account_id")).values(
        "crowd_threshold"
    )
    return (
        Follow.objects.active()
        .select_for_update(skip_locked=True, of=("self",))
        .filter(
            question__resolution="",
            question__median__isnull=False,
            question__forecasters__gte=max(
                settings.FORECAST_REVEAL_MIN_FORECASTERS, settings.CROWD_MIN_INDEPENDENT
            ),
        )
        .exclude(Exists(StaleAggregate.objects.filter(question_id=OuterRef("question_id"))))
        .annotate(
            median=F("question__median"),
            story_id=F("question__article_id"),
            forecasters=F("question__forecasters"),
            threshold=Coalesce(
                Subquery(threshold, output_field=IntegerField()),
                Value(DEFAULT_CROWD_THRESHOLD),
            ),
        )
        # Whole per cent differ by more than the threshold only where the values differ
        # by more than one point less (each rounds by half a point at most).
        .alias(gap=Abs(F("question__median") - F("crowd_seen")))
        .filter(Q(crowd_seen__isnull=True) | Q(gap__gt=F("threshold") - 1))
        .only("pk", "account_id", "question_id", "crowd_seen")
    )


@transaction.atomic
def tell_crowd_moves(*, now=None):
    """One run: the accounts told, by id, for the email that goes out at once."""
    now = now or timezone.now()
    moved = defaultdict(list)
    unseen = []
    for follow in _followed_crowds():
        if follow.crowd_seen is None:
            unseen.append(follow.pk)
            continue
        change = changes.moved(follow.crowd_seen, follow.median, follow.threshold)
        if change is not None:
            moved[follow.question_id].append((follow, change))
    # A follow made before the crowd was shown starts from the first crowd it can see.
    Follow.objects.filter(pk__in=unseen).update(
        crowd_seen=Subquery(Question.objects.filter(pk=OuterRef("question_id")).values("median"))
    )
    latest = dict(
        Forecast.objects.filter(question_id__in=moved)
        .order_by()
        .values("question_id")
        .annotate(last=Max("pk"))
        .values_list("question_id", "last")
    )
    told = []
    for question_id, follows in moved.items():
        first = follows[0][0]
        median = changes.whole_percent(first.median)
        event, _ = Event.objects.get_or_create(
            key=f"crowd-moved:{question_id}:{latest[question_id]}:{median}",
            defaults={
                "kind": Event.Kind.CROWD_MOVED,
                "article_id": first.story_id,
                "question_id": question_id,
                "payload": {
                    "median": median,
                    "forecasters": first.forecasters,
                },
                "delivered_at": now,
            },
        )
        Notification.objects.bulk_create(
            [
                Notification(
                    account_id=follow.account_id,
                    event=event,
                    detail={"from": change.old, "to": change.new},
                    created_at=now,
                )
                for follow, change in follows
            ],
            ignore_conflicts=True,
        )
        Follow.objects.filter(pk__in=[follow.pk for follow, _ in follows]).update(
            crowd_seen=first.median
        )
        told += [follow.account_id for follow, _ in follows]
    return sorted(set(told))
