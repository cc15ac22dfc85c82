"""Review before publishing: the rules.

A story is sent for review to a named editor, or to any editor; an editor answers by
approving it or by asking for changes, with a comment. Publishing needs a current
approval: the latest decision on the story approves it, its words (``WORDS``) are still
as the approving editor read them, and that editor is not the story's last author, who
wrote its latest words (the history user of the newest version whose words changed). A
superuser may publish without one, with a reason that the story's history keeps.

Each request, decision and publication by override is kept in the story's history too,
with its reason; editorial comments stay with the story, on the desk only. A named
reviewer is told of a request by email, and the editor who asked of a decision, by a job
enqueued on commit (articles/review_mail.py).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import MD5, Concat, Lag
from django.utils import timezone

from articles import tasks
from articles.models import Article, EditorialComment, ReviewDecision, ReviewRequest
from core.jobs import enqueue_on_commit

# What an approval approves: the story's words. Its status, times, topics and pictures
# may change after it without making it stale.
WORDS = ("headline", "dek", "byline", "explanation", "technical")
# simple-history keeps 100 characters of a reason; the prefix takes 28 of them.
OVERRIDE_PREFIX = "Published without approval: "
OVERRIDE_REASON_LENGTH = 100 - len(OVERRIDE_PREFIX)
APPROVAL_LABEL = "Approved by an editor other than the last author"


def words_digest(prefix=""):
    """The story's words as one digest, computed by the database (a story's history rows
    carry the same columns, so the expression reads both)."""
    parts = []
    for name in WORDS:
        parts += [models.F(prefix + name), models.Value("\x1f")]
    return MD5(Concat(*parts, output_field=models.TextField()))


@dataclass(frozen=True)
class WordsChange:
    """The newest version of a story whose words changed: its history entry and author."""

    version: int
    author_id: int | None
    author: str
    at: object


def last_words_change(article):
    """The newest history entry that changed the story's words (its first entry counts),
    or None for a story with no history (loaded as fixture content)."""
    order = [models.F("history_date").asc(), models.F("history_id").asc()]
    versions = (
        article.history.annotate(
            words=words_digest(),
            words_before=models.Window(Lag(words_digest()), order_by=order),
        )
        .values("history_id", "history_user_id", "history_user__username", "history_date")
        .order_by("-history_date", "-history_id")
    )
    # Filtering on a window runs it over every version first, then keeps the changes.
    row = versions.filter(
        models.Q(words_before__isnull=True) | ~models.Q(words=models.F("words_before"))
    ).first()
    if row is None:
        return None
    return WordsChange(
        row["history_id"],
        row["history_user_id"],
        row["history_user__username"] or "",
        row["history_date"],
    )


def latest_version(article):
    """The story's newest history entry, as the form an editor reads carries it."""
    return (
        article.history.order_by("-history_date", "-history_id")
        .values_list("history_id", flat=True)
        .first()
    )


def current_digest(article):
    return Article.objects.filter(pk=article.pk).values_list(words_digest(), flat=True).get()


def editors():
    """Active staff who may change stories: those a story can be sent to."""
    permission = Permission.objects.filter(
        codename="change_article", content_type__app_label="articles"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            models.Q(is_superuser=True)
            | models.Q(groups__permissions__in=permission)
            | models.Q(user_permissions__in=permission)
        )
        .distinct()
        .order_by("username")
    )


@dataclass(frozen=True)
class Approval:
    """Where the story stands on approval: the latest decision, whether it still holds,
    and who wrote the latest words."""

    decision: ReviewDecision | None
    words: WordsChange | None
    stale: bool

    @property
    def current(self):
        return (
            self.decision is not None
            and self.decision.verdict == ReviewDecision.Verdict.APPROVED
            and not self.stale
            and not self.by_last_author
        )

    @property
    def by_last_author(self):
        return (
            self.decision is not None
            and self.words is not None
            and self.words.author_id is not None
            and self.decision.decided_by_id == self.words.author_id
        )


def approval(article):
    decision = (
        article.review_decisions.select_related("decided_by").order_by("-decided_at", "-pk").first()
    )
    stale = decision is not None and decision.words_digest != current_digest(article)
    return Approval(decision, last_words_change(article), stale)


def _who(user):
    return user.get_username() if user else "an editor since removed"


def approval_problems(article):
    """What the story lacks of an approval, in plain sentences (empty when it has one)."""
    state = approval(article)
    if state.current:
        return []
    other = (
        f"an editor other than {state.words.author} (who wrote its latest words)"
        if state.words and state.words.author
        else "an editor"
    )
    decision = state.decision
    if decision is None:
        asked = article.status == Article.Status.IN_REVIEW
        return [f"To publish, {other} must approve it{'.' if asked else ': send it for review.'}"]
    by = _who(decision.decided_by)
    if decision.verdict == ReviewDecision.Verdict.CHANGES:
        return [f"Changes asked by {by}: to publish, {other} must approve it."]
    if state.stale:
        return [f"Its words changed after {by} approved them: to publish, {other} must approve it."]
    return [f"Approved by its last author, {by}: to publish, {other} must approve it."]


def _record(article, *, by, reason):
    """A history entry for a review event that changes none of the story's fields."""
    article._history_user = by
    article._change_reason = reason[:100]
    Article.history.bulk_history_create([article], update=True, default_user=by)


def _locked(article):
    """The story, locked and read afresh, so that review events take turns with saves."""
    return Article.objects.select_for_update(no_key=True).get(pk=article.pk)


def _set_status(article, status, *, by, reason):
    article.status = status
    article._history_user = by
    article._change_reason = reason[:100]
    article.save(update_fields=["status"])


def open_request(article):
    return (
        article.review_requests.filter(status=ReviewRequest.Status.OPEN)
        .select_related("asked_by", "reviewer")
        .first()
    )


@transaction.atomic
def send_for_review(*, article, by, reviewer=None, note=""):
    """Ask ``reviewer`` (or any editor, if None) to review the story: it is "In review"
    until answered. A request still open is withdrawn in favour of this one."""
    article = _locked(article)
    if article.status == Article.Status.PUBLISHED:
        raise ValidationError("A published story is not sent for review: unpublish it first.")
    if reviewer is not None and reviewer == by:
        raise ValidationError("Send it to another editor: you cannot review it yourself.")
    now = timezone.now()
    article.review_requests.filter(status=ReviewRequest.Status.OPEN).update(
        status=ReviewRequest.Status.WITHDRAWN, closed_at=now
    )
    request = ReviewRequest.objects.create(
        article=article, asked_by=by, reviewer=reviewer, note=note.strip(), asked_at=now
    )
    enqueue_on_commit(tasks.tell_review_request, request.pk)
    whom = reviewer.get_username() if reviewer else "any editor"
    _set_status(article, Article.Status.IN_REVIEW, by=by, reason=f"Sent for review to {whom}")
    return request


def decision_problems(article, *, by):
    """Why ``by`` cannot approve the story or ask for changes now (sentences)."""
    if article.status == Article.Status.PUBLISHED:
        return ["The story is published: a review answers a story before it is published."]
    words = last_words_change(article)
    if words and words.author_id == by.pk:
        return ["You wrote its latest words, so another editor reviews them."]
    return []


@transaction.atomic
def decide(*, article, by, verdict, read_version, comment=""):
    """Record ``by``'s decision on the story as they read it at history entry
    ``read_version``. Asking for changes needs a comment and puts the story back to
    Draft; either answers the open request."""
    article = _locked(article)
    comment = comment.strip()
    if verdict not in ReviewDecision.Verdict.values:
        raise ValidationError("Approve it or ask for changes.")
    if verdict == ReviewDecision.Verdict.CHANGES and not comment:
        raise ValidationError("Say which changes you ask for in the comment.")
    problems = decision_problems(article, by=by)
    if problems:
        raise ValidationError(problems)
    if read_version is not None and not article.history.filter(history_id=read_version).exists():
        raise ValidationError("That version is not one of this story's.")
    words = last_words_change(article)
    if words and (read_version is None or words.version > read_version):
        raise ValidationError(
            f"Its words were changed by {words.author or 'someone'} after you opened it: "
            "read the story again before you decide."
        )
    request = open_request(article)
    decision = ReviewDecision.objects.create(
        article=article,
        request=request,
        verdict=verdict,
        comment=comment,
        decided_by=by,
        read_version=read_version,
        words_digest=current_digest(article),
    )
    enqueue_on_commit(tasks.tell_review_decision, decision.pk)
    if request is not None:
        request.status, request.closed_at = ReviewRequest.Status.ANSWERED, decision.decided_at
        request.save(update_fields=["status", "closed_at"])
    if verdict == ReviewDecision.Verdict.CHANGES:
        _set_status(article, Article.Status.DRAFT, by=by, reason=f"Changes asked: {comment}")
    else:
        _record(article, by=by, reason=f"Approved{': ' + comment if comment else ''}")
    return decision


@transaction.atomic
def add_comment(*, article, by, text):
    text = text.strip()
    if not text:
        raise ValidationError("Write the comment first.")
    return EditorialComment.objects.create(article=article, author=by, text=text)


def publish_gate(*, article, by=None, override_reason=""):
    """For services.publish: what stops the story's publication for want of an approval,
    and the reason to record when a superuser publishes without one (else "")."""
    if article.status == Article.Status.PUBLISHED:
        return [], ""  # published already: publishing again changes nothing
    problems = approval_problems(article)
    reason = override_reason.strip()
    if not problems or not reason:
        return problems, ""
    refusals = override_problems(by=by, reason=reason)
    return refusals, "" if refusals else reason


def published(*, article, by=None, override_reason=""):
    """For services.publish, as it publishes: close the open request, and keep a
    superuser's reason to publish without approval in the history."""
    article.review_requests.filter(status=ReviewRequest.Status.OPEN).update(
        status=ReviewRequest.Status.WITHDRAWN, closed_at=timezone.now()
    )
    if override_reason:
        article._change_reason = f"{OVERRIDE_PREFIX}{override_reason}"[:100]
    if by is not None:
        article._history_user = by


def override_problems(*, by, reason):
    """Why ``by`` may not publish without approval, giving ``reason``."""
    if by is None or not by.is_superuser:
        return ["Only a superuser may publish a story without an approval."]
    if not reason:
        return ["To publish without an approval, give the reason (the history keeps it)."]
    if len(reason) > OVERRIDE_REASON_LENGTH:
        return [f"Say why in at most {OVERRIDE_REASON_LENGTH} characters."]
    return []


def last_override(article):
    """The history entry of the story's latest publication without approval, or None."""
    return (
        article.history.filter(history_change_reason__startswith=OVERRIDE_PREFIX)
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )


@dataclass(frozen=True)
class Entry:
    """One line of a story's review thread."""

    at: object
    who: str
    kind: str  # "request", "approved", "changes", "comment"
    text: str
    whom: str = ""


def thread(article):
    """The story's requests, decisions and comments, oldest first."""
    entries = [
        Entry(
            request.asked_at,
            _who(request.asked_by),
            "request",
            request.note,
            request.reviewer.get_username() if request.reviewer else "any editor",
        )
        for request in article.review_requests.select_related("asked_by", "reviewer")
    ]
    entries += [
        Entry(decision.decided_at, _who(decision.decided_by), decision.verdict, decision.comment)
        for decision in article.review_decisions.select_related("decided_by")
    ]
    entries += [
        Entry(comment.made_at, _who(comment.author), "comment", comment.text)
        for comment in article.editorial_comments.select_related("author")
    ]
    return sorted(entries, key=lambda entry: entry.at)


def waiting_for(user):
    """Stories waiting for ``user``'s review, as a filter: asked of them by name, or of any
    editor by someone else."""
    asked = ReviewRequest.objects.filter(
        article=models.OuterRef("pk"), status=ReviewRequest.Status.OPEN
    ).filter(models.Q(reviewer=user) | (models.Q(reviewer=None) & ~models.Q(asked_by=user)))
    return models.Exists(asked)
