"""The synthetic forecasts: each question's forecasts, aggregate, daily history and scores.

Planned in pure Python (on a thread, while PostgreSQL indexes the stories) with the
functions the predictions services use: aggregation.replay for the community
forecast and its history, scoring.score_readers for resolved questions.
"""

import json
import random
import time
from datetime import timedelta

from django.utils import timezone

from predictions import aggregation, scoring
from predictions.models import AggregatePoint, Forecast, Question, Score
from predictions.services.crowd import origin_key
from tools.bench.bulk import BulkLoad, apportion
from tools.bench.stories import READER_PREFIX, SLUG_PREFIX

QUESTION_FIELDS = (
    "id article slug text criteria criteria_html opens_at closes_at resolve_by resolution "
    "resolution_note resolved_at forecasters median lower_quartile upper_quartile histogram"
).split()
FORECAST_FIELDS = ["question", "reader_id", "probability", "withdrawn", "made_at", "superseded_at"]
POINT_FIELDS = ["question", "day", "forecasters", "median", "lower_quartile", "upper_quartile"]
RESOLVED_SHARE = 0.05


class Forecasts(BulkLoad):
    def _plan_forecasts(self, total, question_ids, seed):
        """Every question with its forecasts, aggregate, daily history and scores, as rows."""
        started = time.monotonic()
        rng = random.Random(seed + 1)  # its own: this runs beside the main thread
        readers = max(1_000, total // 5)
        # Resolved questions draw on a small pool, so that readers have track records.
        resolved_readers = max(50, readers // 50)
        old_enough = self.now - timedelta(days=120)
        questions, forecasts, points, scores = [], [], [], []
        counts = apportion(total, self.popularity)
        for n, ((article, opens), pk, count) in enumerate(
            zip(self.published, question_ids, counts, strict=True), start=1
        ):
            resolved = opens < old_enough and rng.random() < RESOLVED_SHARE
            if resolved:
                closes = opens + timedelta(days=90)
                window, pool = (opens, closes - timedelta(minutes=1)), resolved_readers
            else:
                closes = self.now + timedelta(days=rng.randint(180, 1500))
                window, pool = (opens, self.now - timedelta(minutes=1)), readers
            lean = rng.randint(5, 95)
            rows = _question_forecasts(rng, pk, count, window, pool, lean)
            result, history = _replay(rows)
            outcome = ""
            if resolved:
                outcome = "yes" if rng.random() * 100 < lean else "no"
                scores += _scores(pk, rows, opens, closes, outcome == "yes")
            forecasts += rows
            points += [(pk, day, *point) for day, point in history]
            questions.append(
                (
                    pk,
                    article,
                    f"{SLUG_PREFIX}question-{n:05d}",
                    f"Will synthetic claim {n:05d} hold up by {closes.year}?",
                    "Synthetic criteria: resolves yes if the made-up claim holds.",
                    "<p>Synthetic criteria: resolves yes if the made-up claim holds.</p>",
                    opens,
                    closes,
                    (closes + timedelta(days=30)).date(),
                    outcome,
                    "Synthetic resolution." if resolved else "",
                    closes + timedelta(days=7) if resolved else None,
                    result.forecasters,
                    result.median,
                    result.lower_quartile,
                    result.upper_quartile,
                    json.dumps(result.histogram),
                )
            )
        return questions, forecasts, points, scores, time.monotonic() - started

    def _write_forecasts(self, planned):
        questions, forecasts, points, scores, seconds = planned.result()
        self._say(f"    (planned in {seconds:.1f} s on a thread)")
        self._copy(Question, QUESTION_FIELDS, questions)
        # Oldest first per question, so that primary keys follow made_at as in real use.
        self._copy(Forecast, FORECAST_FIELDS, forecasts)
        self._copy(AggregatePoint, POINT_FIELDS, points)
        self._copy(
            Score, ["question", "reader_id", "brier", "log_score", "final_probability"], scores
        )

    # ------------------------------------------------------------------ statistics


def _question_forecasts(rng, question, count, window, pool, lean):
    """One question's forecasts as rows, oldest first; a reader's newer one ends the older.

    Readers come in bursts on a dozen or so days, mostly soon after the story appears,
    which keeps the daily history short; a quarter are updates, a few of them withdrawals.
    """
    opens, window_end = window
    if count == 0 or window_end <= opens:
        return []
    span = window_end - opens
    bursts = sorted(opens + span * rng.random() ** 2 for _ in range(min(count, 12)))
    times = sorted(
        min(window_end, rng.choice(bursts) + timedelta(hours=6) * rng.random())
        for _ in range(count)
    )
    for index in range(1, count):  # strictly increasing: ties would blur the order
        times[index] = max(times[index], times[index - 1] + timedelta(microseconds=1))
    fresh = iter(rng.sample(range(pool), min(pool, count)))
    rows, last_row, acted = [], {}, []
    for made_at in times:
        reader = next(fresh, None) if not acted or rng.random() >= 0.25 else None
        if reader is None:
            reader = rng.choice(acted)
        else:
            acted.append(reader)
        reader_id = f"{READER_PREFIX}{reader:07d}"
        previous = last_row.get(reader_id)
        withdraw = previous is not None and not rows[previous][3] and rng.random() < 0.1
        if previous is not None:
            rows[previous][5] = made_at
        probability = None if withdraw else min(99, max(1, round(rng.gauss(lean, 15))))
        last_row[reader_id] = len(rows)
        rows.append([question, reader_id, probability, withdraw, made_at, None])
    return rows


def _replay(rows):
    """The stored aggregate and its daily history, as services.replay_history makes them."""
    # The synthetic forecasts have no origin: each counts for its reader, as the site's
    # own demo forecasts do.
    by_day = aggregation.replay(
        (reader_id, origin_key("", reader_id), probability, timezone.localdate(made_at))
        for _, reader_id, probability, _, made_at, _ in rows
    )
    history = [
        (day, (point.forecasters, point.median, point.lower_quartile, point.upper_quartile))
        for day, point in by_day.items()
    ]
    return aggregation.latest(by_day), history


def _scores(question, rows, opens, closes, happened):
    """Each reader's time-averaged score, as services.resolve_question computes it."""
    scores = scoring.score_readers(
        (
            (reader_id, probability, made_at, superseded_at)
            for _, reader_id, probability, _, made_at, superseded_at in rows
        ),
        opens_at=opens,
        closes_at=closes,
        happened=happened,
    )
    return [
        (question, reader_id, result.brier, result.log_score, result.final_probability)
        for reader_id, result in scores.items()
    ]
