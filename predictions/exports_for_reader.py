"""Everything predictions keeps about one reader, for their account's data export
(accounts.signals.reader_data_requested): their reads, forecasts and scores, with the
story or question each is about. Three queries, whatever the reader's history."""

from django.dispatch import receiver

from accounts.signals import reader_data_requested
from predictions.models import Forecast, Read, Score


def _moment(value):
    return value.isoformat() if value else None


def reads(reader_id):
    return [
        {
            "story": read.article.headline,
            "url": read.article.get_absolute_url(),
            "read": read.choice,
            "first_read_at": _moment(read.cast_at),
            "changed_at": _moment(read.changed_at),
        }
        for read in Read.objects.filter(reader_id=reader_id)
        .select_related("article")
        .only("choice", "cast_at", "changed_at", "article__headline", "article__slug")
        .order_by("cast_at", "pk")
    ]


def forecasts(reader_id):
    return [
        {
            "question": forecast.question.text,
            "url": forecast.question.get_absolute_url(),
            "probability": forecast.probability,
            "withdrawn": forecast.withdrawn,
            "made_at": _moment(forecast.made_at),
            "superseded_at": _moment(forecast.superseded_at),
            # A keyed hash of the network address it came from (core/origins.py): it
            # groups forecasts from one address in the crowd; the address is not kept.
            "origin_key": forecast.origin,
        }
        for forecast in Forecast.objects.filter(reader_id=reader_id)
        .select_related("question")
        .only(
            "probability",
            "withdrawn",
            "made_at",
            "superseded_at",
            "origin",
            "question__text",
            "question__slug",
        )  # fmt: skip
        .order_by("made_at", "pk")
    ]


def scores(reader_id):
    return [
        {
            "question": score.question.text,
            "url": score.question.get_absolute_url(),
            "resolution": score.question.resolution,
            "brier": score.brier,
            "log_score": score.log_score,
            "final_probability": score.final_probability,
        }
        for score in Score.objects.filter(reader_id=reader_id)
        .select_related("question")
        .only(
            "brier",
            "log_score",
            "final_probability",
            "question__text",
            "question__slug",
            "question__resolution",
        )  # fmt: skip
        .order_by("question__resolved_at", "pk")
    ]


@receiver(reader_data_requested, dispatch_uid="predictions.exports_for_reader")
def reader_data(sender, reader_id, **kwargs):
    return {
        "reads": reads(reader_id),
        "forecasts": forecasts(reader_id),
        "scores": scores(reader_id),
    }
