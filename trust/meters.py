"""The story's reality meter over time, for the hook in articles/meters.py: each story's
score history (trust.ScoreChange) as readings, oldest first."""

from collections import defaultdict

from articles.meters import Reading
from trust.models import ScoreChange


def score_readings(story_ids):
    """{story id: [Reading, …]} for the given stories, in one query."""
    readings = defaultdict(list)
    for change in (
        ScoreChange.objects.filter(article_id__in=story_ids)
        .only("article_id", "changed_at", "score")
        .order_by("article_id", "changed_at", "pk")
    ):
        band = change.band
        readings[change.article_id].append(
            Reading(at=change.changed_at, score=change.score, band=band.label if band else "")
        )
    return dict(readings)
