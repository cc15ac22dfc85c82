"""Writes with rules: scoring sources and stories. Admin and commands call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from articles.models import Article, Correction, story_cache_key
from core import httpcache
from trust import history, rubric
from trust.models import (
    Assessment,
    Citation,
    ComponentScore,
    Criterion,
    ScoreChange,
    Source,
    TrustScoreChange,
)


def citation_problems(article):
    """Publish checklist: a story rests on at least one cited work."""
    if article.citations.exists():
        return []
    return ["To publish, cite at least one source (or publish without evidence, saying why)."]


def meter_problems(article):
    """Publish checklist: the reality meter is complete, so the story has a score."""
    if Assessment.objects.filter(article=article, score__isnull=False).exists():
        return []
    return [
        "To publish, complete the reality meter: an evidence stage, a horizon and a value "
        "for every component (or publish without evidence, saying why)."
    ]


def check_weights_sum_to_100(weights, what):
    total = sum(weights)
    if weights and total != 100:
        raise ValidationError(
            f"The {what} weights add up to {total}; they must add up to exactly 100."
        )


def first_score_time(source):
    """When a source's first score is dated: now, or the publication of the earliest story
    citing it when that is earlier. Scoring content loaded with its stories (the fixtures)
    is not news: those stories' first scores, dated at their publication
    (record_score_change), already counted this source's trust."""
    now = timezone.now()
    cited_since = Citation.objects.filter(source=source).aggregate(
        earliest=Min("article__published_at")
    )["earliest"]
    return min(now, cited_since) if cited_since else now


@transaction.atomic
def rescore_source(*, source, reason, rescore_stories=True):
    """Recompute a source's trust from its criteria; record a change; rescore its stories
    (unless the caller rescores every story once itself)."""
    source = Source.objects.select_for_update().get(pk=source.pk)
    new_score = rubric.source_trust(source.results.values_list("criterion__weight", "met"))
    previous = source.score_changes.first()
    # History compares with the last recorded score, not the stored column, which a
    # raw fixture load resets: reloading fixtures must not invent a change.
    if previous is None or previous.new_score != new_score:
        TrustScoreChange.objects.create(
            source=source,
            changed_at=first_score_time(source) if previous is None else timezone.now(),
            old_score=previous.new_score if previous is not None else None,
            new_score=new_score,
            reason=reason,
        )
    elif new_score == source.trust_score:
        return source
    old_score = previous.new_score if previous is not None else None
    source.trust_score = new_score
    source.save(update_fields=["trust_score"])
    httpcache.purge("sources")
    story_reason = (
        reason
        if old_score is None
        else f"{source.name}'s trust went from {old_score} to {new_score}: {reason}"
    )
    if rescore_stories:
        for article in Article.objects.filter(citations__source=source).distinct():
            rescore_article(article=article, reason=story_reason)
    return source


@transaction.atomic
def rescore_all_sources(*, reason):
    """After the criteria themselves change, every source is scored again, then every
    story once (so a story's history gets one entry for the change, not one a source)."""
    check_weights_sum_to_100([c.weight for c in Criterion.objects.all()], "criteria")
    for source in Source.objects.all():
        rescore_source(source=source, reason=reason, rescore_stories=False)
    for article in Article.objects.filter(assessment__isnull=False):
        rescore_article(article=article, reason=reason)


@transaction.atomic
def rescore_article(*, article, reason="Evidence reviewed by an editor"):
    """Recompute the source-trust components and the reality score of one story, and
    record in its score history what moved and why.

    The source-trust value is the mean of what the distinct cited sources lend the
    story (trust.rubric.lent_trusts: a retracted work lends nothing); with no
    citations it stays empty and so does the score, rather than pretending to a zero.
    """
    citations = Citation.objects.filter(article=article).values_list(
        "source_id", "source__trust_score", "status"
    )
    trust_value = rubric.sources_component(rubric.lent_trusts(citations))
    ComponentScore.objects.filter(article=article, component__from_sources=True).update(
        value=trust_value
    )
    rows = list(ComponentScore.objects.filter(article=article).values_list("value", "weight"))
    score = rubric.story_score(rows)
    Assessment.objects.filter(article=article).update(score=score, scored_at=timezone.now())
    if record_score_change(article=article, reason=reason) is not None:
        # Every card shows the score: the listings change with it.
        httpcache.purge("stories")
    httpcache.purge(story_cache_key(article.slug), "sources")
    return score


def meter_state(article):
    """The story's meter as trust.history compares it: every value with its label."""
    assessment = Assessment.objects.filter(article=article).first()
    components = ComponentScore.objects.filter(article=article).select_related("component")
    citations = Citation.objects.filter(article=article).select_related("source")
    return {
        "score": assessment.score if assessment else None,
        "stage": [assessment.stage, assessment.get_stage_display()] if assessment else None,
        "components": {c.component.slug: [c.component.name, c.value] for c in components},
        "sources": {c.source.slug: [c.source.name, c.source.trust_score] for c in citations},
        "citations": {str(c.pk): [c.title, c.status] for c in citations},
    }


def record_score_change(*, article, reason):
    """Add a row to the story's score history if its meter moved since the last one.

    A first record is dated at the story's publication when that is earlier (scoring
    a story loaded with the fixtures is not news). A later move of a public story
    also adds a dated update to its corrections box, which moves its "Updated" time.
    Returns the new row, or None when nothing moved.
    """
    state = meter_state(article)
    last = ScoreChange.objects.filter(article=article).order_by("changed_at", "pk").last()
    if last is not None and last.state is None:
        # A row loaded from fixtures: the state it names, if it names this one.
        if (last.score, last.stage) == (state["score"], (state["stage"] or [None])[0]):
            last.state = state
            last.save(update_fields=["state"])
            return None
        previous = {"score": last.score}
    else:
        previous = None if last is None else last.state
    if previous == state:
        return None
    now = timezone.now()
    first = last is None
    published = article.published_at
    change = ScoreChange.objects.create(
        article=article,
        changed_at=min(now, published) if first and published else now,
        score=state["score"],
        stage=(state["stage"] or [None])[0],
        reason="First scored" if first else reason[:300],
        changes=history.changes(previous, state),
        state=state,
    )
    if not first and article.is_public:
        Correction.objects.create(
            article=article,
            kind=Correction.Kind.UPDATE,
            made_at=now,
            note=f"The evidence moved ({'; '.join(change.changes)}). {reason}",
        )
    return change


def rescore_everything():
    """Scores from scratch: after loading fixtures, or to check stored values."""
    rescore_all_sources(reason="Scored against the rubric in force")


@transaction.atomic
def mark_citation(*, citation, status, notice_date=None, note="", url="", reason):
    """Record a publisher's notice on a cited work (retraction, correction, expression of
    concern, or none) and rescore its story, whose history gets ``reason``.

    Returns True when the citation changed. The story's page and the listings are
    purged by the rescore.
    """
    if status not in Citation.Status.values:
        raise ValidationError(f"“{status}” is not a publication status.")
    citation = Citation.objects.select_for_update().get(pk=citation.pk)
    notice = {
        "status": status,
        "status_date": notice_date,
        "status_note": note[:400],
        "status_url": url[:500],
    }
    if all(getattr(citation, name) == value for name, value in notice.items()):
        return False
    for name, value in notice.items():
        setattr(citation, name, value)
    citation.full_clean()
    citation.save(update_fields=list(notice))
    rescore_article(article=citation.article, reason=reason)
    return True
