"""Writes with rules: scoring sources and stories. Admin and commands call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from core import httpcache
from trust import rubric
from trust.models import Assessment, ComponentScore, Criterion, Source, TrustScoreChange


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


@transaction.atomic
def rescore_source(*, source, reason):
    """Recompute a source's trust from its criteria; record a change; rescore its stories."""
    source = Source.objects.select_for_update().get(pk=source.pk)
    new_score = rubric.source_trust(source.results.values_list("criterion__weight", "met"))
    previous = source.score_changes.first()
    # History compares with the last recorded score, not the stored column, which a
    # raw fixture load resets: reloading fixtures must not invent a change.
    if previous is None or previous.new_score != new_score:
        TrustScoreChange.objects.create(
            source=source,
            old_score=previous.new_score if previous is not None else None,
            new_score=new_score,
            reason=reason,
        )
    elif new_score == source.trust_score:
        return source
    source.trust_score = new_score
    source.save(update_fields=["trust_score"])
    httpcache.purge("sources")
    for article in Article.objects.filter(citations__source=source).distinct():
        rescore_article(article=article)
    return source


@transaction.atomic
def rescore_all_sources(*, reason):
    """After the criteria themselves change, every source is scored again."""
    check_weights_sum_to_100([c.weight for c in Criterion.objects.all()], "criteria")
    for source in Source.objects.all():
        rescore_source(source=source, reason=reason)


@transaction.atomic
def rescore_article(*, article):
    """Recompute the source-trust components and the reality score of one story.

    The source-trust value is the mean trust of the distinct sources the story
    cites, rounded half up; with no sources it stays empty and so does the
    score, rather than pretending to a zero.
    """
    source_trusts = (
        Source.objects.filter(citations__article=article)
        .distinct()
        .values_list("trust_score", flat=True)
    )
    trust_value = rubric.sources_component(source_trusts)
    ComponentScore.objects.filter(article=article, component__from_sources=True).update(
        value=trust_value
    )
    rows = list(ComponentScore.objects.filter(article=article).values_list("value", "weight"))
    score = rubric.story_score(rows)
    Assessment.objects.filter(article=article).update(score=score, scored_at=timezone.now())
    httpcache.purge(f"story-{article.slug}", "sources")
    return score


def rescore_everything():
    """Scores from scratch: after loading fixtures, or to check stored values."""
    rescore_all_sources(reason="Scored against the criteria in force")
    for article in Article.objects.filter(assessment__isnull=False):
        rescore_article(article=article)
