"""Editorial writes with rules: publishing, unpublishing, pinning the lead, renaming."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import extensions, publishing_times, reviews
from articles.extensions import PublishCheck
from articles.models import Article, ArticleRedirect
from core import httpcache


def picture_problems(article):
    """Pictures saved past the form (a fixture, an import) may lack what the form asks."""
    return [
        f"To publish, give the picture “{image.picture.original.name}” alt text, a caption, "
        "a credit and a licence."
        for image in article.images.select_related("picture")
        if not all(text.strip() for text in (image.caption, *image.picture.described))
    ]


PICTURE_CHECK = PublishCheck(
    "Alt text, caption, credit and licence on every picture", picture_problems
)


def publish_checklist(article, *, approval=True):
    """Each checklist item as (label, problems, waived), for the editor's form."""
    own = article.publication_problems(topic_count=article.topics.count())
    items = [("The story: headline, standfirst, byline, both sections, a topic", own, False)]
    if approval:
        items.append((reviews.APPROVAL_LABEL, reviews.approval_problems(article), False))
    for check in [PICTURE_CHECK, *extensions.publish_checks()]:
        waived = check.evidence and article.published_without_evidence
        items.append((check.label, [] if waived else check.problems(article), waived))
    return items


def publication_problems(article, *, approval=True):
    checklist = publish_checklist(article, approval=approval)
    return [problem for _, problems, _ in checklist for problem in problems]


@transaction.atomic
def publish(*, article, at=None, by=None, override_reason=""):
    """Publish now, or schedule for ``at``; refused until the checklist passes, approval
    included (articles/reviews.py), which the superuser ``by`` may waive with a reason."""
    if article.published_without_evidence and not article.without_evidence_reason.strip():
        raise ValidationError("To publish without evidence, say why (readers see the reason).")
    approval, override = reviews.publish_gate(
        article=article, by=by, override_reason=override_reason
    )
    problems = approval + publication_problems(article, approval=False)
    # Under an embargo, no time means when it ends (articles/publishing_times.py).
    now = timezone.now()
    goes_out = publishing_times.when_published(
        asked=at or article.published_at, embargo_until=article.embargo_until, now=now
    )
    problems = problems + publishing_times.publishing_problems(
        published_at=goes_out,
        unpublish_at=article.unpublish_at,
        embargo_until=article.embargo_until,
        now=now,
    )
    if problems:
        raise ValidationError(problems)
    reviews.published(article=article, by=by, override_reason=override)
    article.status = Article.Status.PUBLISHED
    article.published_at = goes_out
    article.save(update_fields=["status", "published_at", "updated_at"])
    return article


@transaction.atomic
def unpublish(*, article):
    """Back to draft: readers get a 404 again, editors can still preview it."""
    article.status = Article.Status.DRAFT
    article.is_lead = False
    article.save(update_fields=["status", "is_lead", "updated_at"])
    return article


@transaction.atomic
def pin_lead(*, article):
    """Make ``article`` the front page's lead; the story pinned before is unpinned.

    A pin is placement, not an edit: it leaves the stories' updated times alone.
    """
    if not article.is_public:
        raise ValidationError("Only a published story can lead the front page.")
    Article.objects.filter(is_lead=True).exclude(pk=article.pk).update(is_lead=False)
    Article.objects.filter(pk=article.pk).update(is_lead=True)
    article.is_lead = True
    httpcache.purge("stories")
    return article


@transaction.atomic
def unpin_lead(*, article):
    """The newest story leads again."""
    Article.objects.filter(pk=article.pk).update(is_lead=False)
    article.is_lead = False
    httpcache.purge("stories")
    return article


def keep_old_link(*, article, old_slug):
    """After a published story's slug changes, its old URL redirects to the new one."""
    if old_slug == article.slug:
        return
    ArticleRedirect.objects.filter(old_slug=article.slug).delete()
    ArticleRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": article})
