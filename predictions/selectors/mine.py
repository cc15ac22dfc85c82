"""What of a story's reader panels is one reader's own, for the per-reader endpoint.

Every page view of a reader who has ever voted or forecast asks for it
(static/js/panels.js), so it is one statement: the story, with its tally and the
reader's read, and its question, with the reader's standing forecast (the community
median on the day of it, and the crowd's history where that forecast may be what shows
them the crowd) and their score. Written as SQL because the ORM would spend more CPU
building it than PostgreSQL spends running it, and as single-table subqueries that
return JSON rather than joins: PostgreSQL plans those in about half the time (0.25
against 0.5-0.7 ms here), and planning costs it more than running them (0.1 ms).
Table and column names come from the models; every value is a parameter.

The one other query is the story's meter history, read only for a standing forecast
on an unresolved question (questions.meter_change): the meter belongs to the app that
rates stories, which predictions reaches only through articles/meters.py.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import connections, router
from django.utils import timezone

from articles.models import READER_WRITE_COLUMNS, Article, public_from_reader_write_row
from predictions import changes
from predictions.models import AggregatePoint, Forecast, Question, Read, ReadTally, Score
from predictions.selectors import crowd, questions, reads


def _table(model):
    return model._meta.db_table


def _json_object(alias, model, fields):
    """SQL for a JSON object of the row ``alias`` of ``model``: ``fields`` maps each key
    to the field whose value it holds."""
    pairs = (f"'{key}', {alias}.{model._meta.get_field(name).column}" for key, name in fields)
    return f"json_build_object({', '.join(pairs)})"


def _same_names(names):
    return [(name, name) for name in names]


QUESTION_FIELDS = (
    "id",
    "slug",
    "opens_at",
    "closes_at",
    "resolution",
    "forecasters",
    "median",
    "lower_quartile",
    "upper_quartile",
)
MOMENTS = ("opens_at", "closes_at")
POINT_FIELDS = ("day", "forecasters", "median", "lower_quartile", "upper_quartile")
POINTS = _table(AggregatePoint)

LOOKUP = f"""
SELECT {", ".join(f"story.{column}" for column in READER_WRITE_COLUMNS)}, json_build_object(
    'tally', (
        SELECT {_json_object("tally", ReadTally, ReadTally.count_fields().items())}
        FROM {_table(ReadTally)} AS tally WHERE tally.article_id = story.id
    ),
    'read', (
        SELECT json_build_array(mine.choice, mine.counted) FROM {_table(Read)} AS mine
        WHERE mine.article_id = story.id AND mine.reader_id = %(reader)s
    ),
    'question', (
        SELECT json_build_object(
            'fields', {_json_object("question", Question, _same_names(QUESTION_FIELDS))},
            'histogram', question.histogram,
            'forecast', (
                SELECT json_build_object(
                    'probability', forecast.probability,
                    'made_at', forecast.made_at,
                    'median_then', (
                        SELECT point.median FROM {POINTS} AS point
                        WHERE point.question_id = question.id AND point.median IS NOT NULL
                            AND point.forecasters >= %(quorum)s
                            AND point.day <= (forecast.made_at AT TIME ZONE %(zone)s)::date
                        ORDER BY point.day DESC LIMIT 1
                    ),
                    'history', CASE WHEN question.forecasters < %(shown_from)s THEN (
                        SELECT json_agg(json_build_array(
                            {", ".join(f"point.{name}" for name in POINT_FIELDS)}
                        ) ORDER BY point.day)
                        FROM {POINTS} AS point WHERE point.question_id = question.id
                    ) END
                )
                FROM {_table(Forecast)} AS forecast
                WHERE forecast.question_id = question.id AND forecast.reader_id = %(reader)s
                    AND forecast.superseded_at IS NULL AND NOT forecast.withdrawn
            ),
            'score', (
                SELECT {_json_object("score", Score, _same_names(("brier", "log_score")))}
                FROM {_table(Score)} AS score
                WHERE score.question_id = question.id AND score.reader_id = %(reader)s
            )
        )
        FROM {_table(Question)} AS question WHERE question.article_id = story.id
    )
)::text
FROM {_table(Article)} AS story
WHERE story.slug = %(slug)s
"""


@dataclass(frozen=True)
class Mine:
    """A story's reader panels as one reader sees them: the read distribution with their
    read marked, and the prediction panel's view for them (None without a question).
    ``crowd_revealed``: their forecast is what shows them the crowd, which the shared
    page keeps from readers who have not forecast."""

    article: Article
    reads: reads.Distribution
    view: questions.PredictionView | None
    crowd_revealed: bool = False

    def changes_by(self):
        """When this changes by the clock alone (the story is taken down, its question
        opens or closes), or None when only a write can change it."""
        question = self.view and self.view.question
        moments = [self.article.unpublish_at, question and question.next_change_at()]
        return min((moment for moment in moments if moment), default=None)


def for_reader(slug, reader_id):
    """What of the public story ``slug``'s panels is ``reader_id``'s own, or None when
    there is no such public story: one query (two with a standing forecast on an
    unresolved question, see above)."""
    alias = router.db_for_read(Read)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            LOOKUP,
            {
                "slug": slug,
                "reader": reader_id,
                "zone": timezone.get_current_timezone_name(),
                "shown_from": settings.FORECAST_REVEAL_MIN_FORECASTERS,
                "quorum": settings.CROWD_MIN_INDEPENDENT,
            },
        )
        row = cursor.fetchone()
    article = row and public_from_reader_write_row(alias, row[:-1])
    if not article:
        return None
    found = json.loads(row[-1])
    distribution = reads.distribution(found["tally"] or {}, *(found["read"] or ()))
    if found["question"] is None:
        return Mine(article, distribution, None)
    return _with_question(alias, article, distribution, found["question"])


def _with_question(alias, article, distribution, found):
    fields = found["fields"]
    values = [
        datetime.fromisoformat(fields[name]) if name in MOMENTS else fields[name]
        for name in QUESTION_FIELDS
    ]
    question = Question.from_db(alias, QUESTION_FIELDS, values)
    question.histogram = found["histogram"]
    question.article = article
    forecast, score = found["forecast"], found["score"]
    standing = None
    if forecast:
        made_at = datetime.fromisoformat(forecast["made_at"])
        standing = Forecast(question=question, probability=forecast["probability"], made_at=made_at)
    status = question.status
    shown_to_all = crowd.shown_to_everyone(question, status)
    visible = crowd.visible_to(question, status, has_forecast=standing is not None)
    threshold = settings.FORECAST_CHANGE_THRESHOLD
    view = questions.PredictionView(
        question,
        status,
        standing,
        Score(question=question, **score) if score else None,
        crowd_visible=visible,
        history=crowd.shown_points(_points(question, forecast and forecast["history"])),
        crowd_change=(
            changes.moved(forecast["median_then"], question.median, threshold)
            if forecast and visible
            else None
        ),
        meter_change=questions.meter_change(question, standing),
    )
    revealed = visible and not shown_to_all
    return Mine(article, distribution, view, crowd_revealed=revealed)


def _points(question, history):
    """The crowd's history from the lookup's JSON rows; [] where it was not read."""
    return [
        AggregatePoint(
            question=question,
            day=date.fromisoformat(day),
            **dict(zip(POINT_FIELDS[1:], values, strict=True)),
        )
        for day, *values in history or []
    ]
