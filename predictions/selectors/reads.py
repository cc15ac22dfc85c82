"""How readers read stories and topics: the community read panel, /community/, and
the front page's most wanted topics. Each counts the counted reads only: a story's reads
from one address without an account count as one (predictions/services/reads.py).

Every selector here returns frozen dataclasses: a ``Distribution`` of ``Bar``s, a
``CommunityDirection`` of ``TopicDirection``s, and ``WantedTopic``s.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from articles.models import Topic
from predictions import interest
from predictions.models import Read, ReadChoice, ReadTally, TopicInterest


@dataclass(frozen=True)
class Bar:
    choice: str
    label: str
    count: int
    percent: int
    mine: bool


@dataclass(frozen=True)
class Distribution:
    bars: list[Bar]
    total: int
    mine: str | None = None
    # False when the reader's read is kept but another read from their address counts.
    mine_counted: bool = True

    @property
    def mine_label(self):
        return ReadChoice(self.mine).label if self.mine else None


def distribution(counts, mine=None, mine_counted=True):
    """Bars for each read with counts and whole percentages of the total."""
    total = sum(counts.get(choice, 0) for choice in ReadChoice.values)
    bars = [
        Bar(
            choice=choice,
            label=label,
            count=counts.get(choice, 0),
            percent=round(100 * counts.get(choice, 0) / total) if total else 0,
            mine=choice == mine,
        )
        for choice, label in ReadChoice.choices
    ]
    return Distribution(bars=bars, total=total, mine=mine, mine_counted=mine_counted)


def community_read(article, reader_id):
    """The story's read distribution (stored tally) and this reader's own read."""
    tally = ReadTally.objects.filter(article=article).first()
    counts = tally.counts() if tally else {}
    mine = (
        Read.objects.filter(article=article, reader_id=reader_id)
        .values_list("choice", "counted")
        .first()
        if reader_id
        else None
    )
    return distribution(counts, *(mine or ()))


@dataclass(frozen=True)
class WeekReads:
    starts: date
    reads: int


@dataclass(frozen=True)
class TopicDirection:
    topic: Topic
    weight: float
    reads: Distribution
    weekly: list[WeekReads]


@dataclass(frozen=True)
class CommunityDirection:
    """Topics readers have read, by weight; the rest, which have no weight to rank by."""

    ranked: list[TopicDirection]
    unread: list[Topic]


def _tallies_by_topic():
    """Each topic's read counts: the stored tallies of its stories, summed."""
    fields = ReadTally.count_fields()
    rows = ReadTally.objects.values("article__topics").annotate(
        **{f"sum_{choice}": Sum(field) for choice, field in fields.items()}
    )
    return {
        row["article__topics"]: {choice: row[f"sum_{choice}"] for choice in fields}
        for row in rows
        if row["article__topics"] is not None
    }


def _week_starts(weeks, now):
    this_week = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    return [this_week - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]


def community_direction(weeks=8, now=None):
    """/community/: topics by current weight, how readers read them, and their trend.

    Only topics with weight are ranked: a tie at zero has no order worth a number.
    """
    now = now or timezone.now()
    starts = _week_starts(weeks, now)
    tallies = _tallies_by_topic()
    weekly = defaultdict(lambda: [0] * weeks)
    recent = (
        Read.objects.filter(counted=True, cast_at__date__gte=starts[0])
        .annotate(week=TruncWeek("cast_at"))
        .values("article__topics", "week")
        .annotate(reads=Count("pk"))
    )
    for row in recent:
        week = timezone.localdate(row["week"])  # TruncWeek of a datetime is a datetime
        if row["article__topics"] is not None and week in starts:
            weekly[row["article__topics"]][starts.index(week)] += row["reads"]
    ranked, unread = [], []
    for topic in TopicInterest.of_topics().order_by("-interest_amount", "name"):
        weight = interest.current_weight(topic.interest_amount, now)
        if weight <= 0:
            unread.append(topic)
            continue
        ranked.append(
            TopicDirection(
                topic=topic,
                weight=weight,
                reads=distribution(tallies.get(topic.pk, {})),
                weekly=[
                    WeekReads(start, count)
                    for start, count in zip(starts, weekly[topic.pk], strict=True)
                ],
            )
        )
    return CommunityDirection(ranked=ranked, unread=unread)


@dataclass(frozen=True)
class WantedTopic:
    topic: Topic
    weight: float


def most_wanted_topics(limit):
    now = timezone.now()
    topics = (
        TopicInterest.of_topics().filter(interest_amount__gt=0).order_by("-interest_amount")[:limit]
    )
    return [
        WantedTopic(topic, interest.current_weight(topic.interest_amount, now)) for topic in topics
    ]
