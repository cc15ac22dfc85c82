"""The front page's question modules: the questions closing soon, with the crowd as it
stands, and those recently resolved, with how the crowd did.

The modules show the crowd, which moves with every forecast: the front page keeps them
until the crowd's or the questions' key is purged (predictions/extension.py
``front_keys``), and drawing them costs one query, every part of it an indexed top few.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from predictions.models import SYNTHETIC_READER_PREFIX, Forecast, Question
from predictions.selectors import crowd

SHOWN = 3
SHOWN_FIELDS = (
    "slug",
    "text",
    "opens_at",
    "closes_at",
    "resolution",
    "resolved_at",
    "forecasters",
    "median",
)


@dataclass(frozen=True)
class Closing:
    """An open question and whether the shared page may show its crowd yet."""

    question: Question
    crowd_visible: bool


@dataclass(frozen=True)
class Resolved:
    """A resolved question and how the crowd's final forecast fared against the outcome."""

    question: Question

    @property
    def crowd(self):
        """The crowd's final forecast (per cent yes), or None when too few independent
        forecasters spoke for a crowd (predictions/selectors/crowd.py), or nobody did."""
        return self.question.median if crowd.has_quorum(self.question.forecasters) else None

    @property
    def crowd_called_it(self):
        """True when the crowd leaned towards what happened, False when it leaned the
        other way, None when it did not lean, nobody forecast or nothing was scored."""
        if self.crowd is None or not self.question.is_scored or self.crowd == 50:
            return None
        return (self.crowd > 50) == (self.question.resolution == Question.Resolution.YES)


@dataclass(frozen=True)
class QuestionModules:
    closing: list[Closing]
    resolved: list[Resolved]
    # When the modules change by the clock: a question shown closes, or one opens.
    changes_at: datetime | None


def question_modules(now=None):
    """The public questions closing next, the latest resolved, and the next to open (only
    its time is used), in one query; each row says whether demo forecasts are among its
    crowd (``has_demo_forecasts``), as every page showing a crowd must."""
    now = now or timezone.now()
    public = (
        Question.objects.public()
        .only(*SHOWN_FIELDS)
        .annotate(
            has_demo_forecasts=Exists(
                Forecast.objects.filter(
                    question=OuterRef("pk"), reader_id__startswith=SYNTHETIC_READER_PREFIX
                )
            )
        )
    )
    closing = public.open_now(now).order_by("closes_at", "pk")[:SHOWN]
    resolved = public.resolved().order_by("-resolved_at", "-pk")[:SHOWN]
    opening = public.filter(resolution="", opens_at__gt=now).order_by("opens_at", "pk")[:1]
    found = {status: [] for status in Question.Status}
    for question in closing.union(resolved, opening, all=True):
        found[question.status_at(now)].append(question)
    # A union keeps no order of its own.
    closing = sorted(found[Question.Status.OPEN], key=lambda q: (q.closes_at, q.pk))
    resolved = sorted(
        found[Question.Status.RESOLVED], key=lambda q: (q.resolved_at or q.closes_at, q.pk)
    )[::-1]
    moments = [q.closes_at for q in closing[:1]] + [
        q.opens_at for q in found[Question.Status.UPCOMING]
    ]
    return QuestionModules(
        closing=[Closing(q, crowd.shown_to_everyone(q, Question.Status.OPEN)) for q in closing],
        resolved=[Resolved(q) for q in resolved],
        changes_at=min(moments, default=None),
    )
