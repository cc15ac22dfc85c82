"""A reader's activity moving to another reader id: an anonymous browser's joining the
account signed in there (accounts.signals.reader_joined), and an account's going to a
fresh id linked to no one when the account is deleted (accounts.signals.account_deleted).

Everything predictions keeps by reader id moves: reads, forecasts, scores. When both
readers hold something one reader may have only once, the rule is:

- a story read by both keeps the account's own read; the browser's is withdrawn, so
  the story's tally and its topics' interest count the person once;
- forecasts keep both histories, and only one forecast stands per question: the newer
  of the two standing ones; the older is superseded at the newer one's time;
- scores on resolved questions are recomputed from the joined forecasts, as
  resolution scores them (predictions/services/editorial.py).

The questions whose forecasts moved are marked stale, so their crowds are recomputed
(predictions/services/settling.py), and the pages that show them follow. Runs in the
transaction of the account's sign-in or deletion.
"""

from django.db import transaction
from django.dispatch import receiver

from accounts.signals import account_deleted, reader_joined
from articles.models import story_cache_key
from core import activity_purges, personal_answers
from predictions import cache_keys, scoring
from predictions.models import Forecast, Question, Read, Score
from predictions.services import crowd, settling
from predictions.services.reads import withdraw_read


def _join_reads(anonymous, account):
    """Move the browser's reads to the account; the number moved."""
    held = set(Read.objects.filter(reader_id=account).values_list("article_id", flat=True))
    for read in Read.objects.filter(reader_id=anonymous, article_id__in=held).select_related(
        "article"
    ):
        withdraw_read(article=read.article, reader_id=anonymous)
    return Read.objects.filter(reader_id=anonymous).update(reader_id=account)


def _end_older_standing(anonymous, account):
    """Where both readers have a standing forecast on a question, end the older one at
    the newer one's time."""
    standing = Forecast.objects.filter(superseded_at__isnull=True)
    mine = {f.question_id: f for f in standing.filter(reader_id=account)}
    for theirs in standing.filter(reader_id=anonymous, question_id__in=mine):
        older, newer = sorted((theirs, mine[theirs.question_id]), key=lambda f: (f.made_at, f.pk))
        Forecast.objects.filter(pk=older.pk).update(superseded_at=newer.made_at)


def _rescore(question_ids, reader_id):
    """Score ``reader_id`` again on those of the questions that are resolved and scored."""
    for question in Question.objects.filter(pk__in=question_ids).resolved():
        Score.objects.filter(question=question, reader_id=reader_id).delete()
        if not question.is_scored:
            continue
        scores = scoring.score_readers(
            question.forecasts.filter(reader_id=reader_id)
            .order_by("made_at", "pk")
            .values_list("reader_id", "probability", "made_at", "superseded_at"),
            opens_at=question.opens_at,
            closes_at=question.closes_at,
            happened=question.resolution == Question.Resolution.YES,
        )
        if reader_id in scores:
            result = scores[reader_id]
            Score.objects.create(
                question=question,
                reader_id=reader_id,
                brier=result.brier,
                log_score=result.log_score,
                final_probability=result.final_probability,
            )


def _crowds_moved(question_ids):
    """The questions' crowds are stale: recompute them soon, and their pages after."""
    crowd.mark_stale(question_ids)
    transaction.on_commit(settling.settler.wake)
    questions = Question.objects.filter(pk__in=question_ids).values_list("slug", "article__slug")
    activity_purges.purge_soon(
        cache_keys.CROWD,
        *(cache_keys.question(slug) for slug, _ in questions),
        *(story_cache_key(story) for _, story in questions),
    )


@receiver(reader_joined, dispatch_uid="predictions.joining.reader_joined")
def join_reader(sender, anonymous_reader_id, account_reader_id, **kwargs):
    """Move the browser's activity to the account: {"reads": n, "forecasts": m}."""
    reads = _join_reads(anonymous_reader_id, account_reader_id)
    moved = Forecast.objects.filter(reader_id=anonymous_reader_id)
    question_ids = set(moved.values_list("question_id", flat=True))
    forecasts = moved.filter(withdrawn=False).count()
    _end_older_standing(anonymous_reader_id, account_reader_id)
    moved.update(reader_id=account_reader_id)
    Score.objects.filter(reader_id=anonymous_reader_id).delete()
    _rescore(question_ids, account_reader_id)
    if question_ids:
        _crowds_moved(question_ids)
    personal_answers.renew_reader(anonymous_reader_id)
    personal_answers.renew_reader(account_reader_id)
    return {"reads": reads, "forecasts": forecasts}


@receiver(account_deleted, dispatch_uid="predictions.joining.account_deleted")
def forget_reader(sender, reader_id, anonymous_reader_id, **kwargs):
    """Keep the deleted account's reads and forecasts in the tallies and crowds, under an
    id linked to no one (the privacy page says why)."""
    Read.objects.filter(reader_id=reader_id).update(reader_id=anonymous_reader_id)
    Forecast.objects.filter(reader_id=reader_id).update(reader_id=anonymous_reader_id)
    Score.objects.filter(reader_id=reader_id).update(reader_id=anonymous_reader_id)
    personal_answers.renew_reader(reader_id)
    return {}
