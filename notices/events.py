"""Recording what happened to a story or a question, once.

Receivers (notices/signals.py) call these inside the transaction that made the change,
so an event exists exactly when its cause was committed; the periodic jobs
(notices/tasks.py) call ``closing_soon``. Each event is named by a natural key (what
happened, to what, and the moment or row that says so), unique in the database: the same
happening seen twice, by a second save or a job run again, is recorded once. Each
function returns the new event, or None when there is nothing new to tell.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from articles.models import Article, Correction
from notices.models import Event, Follow
from predictions.models import Question
from trust.models import Citation, ScoreChange

NOTE_LENGTH = 1000
CLOSING_SOON = timedelta(hours=48)
NOTICE_STATUSES = {
    Citation.Status.RETRACTED,
    Citation.Status.CONCERN,
    Citation.Status.CORRECTED,
}


def _record(*, kind, key, article_id, question_id=None, payload):
    event, created = Event.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "article_id": article_id,
            "question_id": question_id,
            "payload": payload,
        },
    )
    return event if created else None


def _is_public(article_id):
    return Article.objects.filter(Article.published_q(), pk=article_id).exists()


def question_resolved(question, previous_resolution):
    """A question resolved, or its resolution was corrected (another event). Saving the
    same resolution again is not news."""
    if not question.resolution or question.resolved_at is None:
        return None
    if question.resolution == previous_resolution:
        return None
    return _record(
        kind=Event.Kind.RESOLVED,
        key=f"resolved:{question.pk}:{question.resolution}:{question.resolved_at.isoformat()}",
        article_id=question.article_id,
        question_id=question.pk,
        payload={
            "resolution": question.resolution,
            "note": question.resolution_note[:NOTE_LENGTH],
        },
    )


def score_change_key(change):
    return f"score-changed:{change.pk}"


def score_changed(change):
    """A row of the story's score history whose score differs from the row before it (a
    first score, or a change of stage alone, is not a change of score)."""
    before = (
        ScoreChange.objects.filter(article_id=change.article_id)
        .filter(
            Q(changed_at__lt=change.changed_at) | Q(changed_at=change.changed_at, pk__lt=change.pk)
        )
        .order_by("-changed_at", "-pk")
        .values("score")
        .first()
    )
    if before is None or before["score"] == change.score or not _is_public(change.article_id):
        return None
    return _record(
        kind=Event.Kind.SCORE_CHANGED,
        key=score_change_key(change),
        article_id=change.article_id,
        payload={"from": before["score"], "to": change.score, "reason": change.reason},
    )


def _told_with_a_score_change(correction):
    """The update note trust writes beside a change of the score (trust/services.py,
    record_score_change: the same moment): the score's event already tells it."""
    if correction.kind != Correction.Kind.UPDATE:
        return False
    change = ScoreChange.objects.filter(
        article_id=correction.article_id, changed_at=correction.made_at
    ).first()
    return change is not None and Event.objects.filter(key=score_change_key(change)).exists()


def correction_posted(correction):
    """A correction or an update note on a public story."""
    if _told_with_a_score_change(correction) or not _is_public(correction.article_id):
        return None
    return _record(
        kind=Event.Kind.CORRECTION,
        key=f"correction:{correction.pk}",
        article_id=correction.article_id,
        payload={"kind": correction.kind, "note": correction.note[:NOTE_LENGTH]},
    )


def citation_notice(citation, previous_status):
    """A cited work now carries a retraction, a correction or an expression of concern
    (an editor's change, or an accepted finding of the citation watch: both save the
    citation)."""
    if citation.status == previous_status or citation.status not in NOTICE_STATUSES:
        return None
    if not _is_public(citation.article_id):
        return None
    return _record(
        kind=Event.Kind.CITATION_NOTICE,
        key=f"citation-notice:{citation.pk}:{citation.status}:{citation.status_date or ''}",
        article_id=citation.article_id,
        payload={
            "status": citation.status,
            "title": citation.title,
            "note": citation.status_note,
        },
    )


def closing_soon(*, now=None):
    """Open questions someone follows that close within CLOSING_SOON: the new events."""
    now = now or timezone.now()
    followed = Follow.objects.active().filter(question=OuterRef("pk"))
    questions = (
        Question.objects.open_now(now)
        .filter(closes_at__lte=now + CLOSING_SOON)
        .filter(Exists(followed))
        .only("pk", "article_id", "closes_at")
    )
    made = (
        _record(
            kind=Event.Kind.CLOSING_SOON,
            key=f"closing-soon:{question.pk}:{question.closes_at.isoformat()}",
            article_id=question.article_id,
            question_id=question.pk,
            payload={"closes_at": question.closes_at.isoformat()},
        )
        for question in questions
    )
    return [event for event in made if event is not None]
