"""Reads for the evidence panels: a story's meter, its sources, and the directory."""

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects

from articles.models import Article
from trust import history, rubric
from trust.models import Assessment, Citation, ComponentScore, ScoreChange, Source, band_of


@dataclass(frozen=True)
class MeterRow:
    score: ComponentScore
    contribution: int


@dataclass(frozen=True)
class Meter:
    """What "Why this score?" shows; the contributions add up to ``score``."""

    assessment: Assessment | None
    rows: list[MeterRow]
    score: int | None

    @property
    def band(self):
        return band_of(self.score, rubric.REALITY_BANDS)

    @property
    def missing_sources(self):
        return any(
            row.score.component.from_sources and row.score.value is None for row in self.rows
        )


@dataclass(frozen=True)
class SourceSummary:
    count: int
    average: int | None

    @property
    def band(self):
        return band_of(self.average, rubric.TRUST_BANDS)


def _load_evidence(article):
    """Fetch a story's evidence once (three queries); later calls reuse it."""
    prefetch_related_objects(
        [article],
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
        Prefetch("component_scores", queryset=ComponentScore.objects.select_related("component")),
    )


def assessment_of(article):
    try:
        return article.assessment
    except Assessment.DoesNotExist:
        return None


def reality_meter(article):
    _load_evidence(article)
    scores = list(article.component_scores.all())
    complete = scores and all(score.value is not None for score in scores)
    total, shares = (
        rubric.weighted_contributions([(s.value, s.weight) for s in scores])
        if complete
        else (None, [None] * len(scores))
    )
    rows = [MeterRow(score, share) for score, share in zip(scores, shares, strict=True)]
    return Meter(assessment=assessment_of(article), rows=rows, score=total)


def cited_sources(article):
    _load_evidence(article)
    return list(
        {citation.source.pk: citation.source for citation in article.citations.all()}.values()
    )


def source_summary(article):
    sources = cited_sources(article)
    average = rubric.mean(source.trust_score for source in sources)
    return SourceSummary(
        count=len(sources), average=None if average is None else rubric.round_half_up(average)
    )


def citations(article):
    _load_evidence(article)
    return article.citations.all()


def stories_citing(source):
    return (
        Article.objects.published()
        .filter(citations__source=source)
        .distinct()
        .for_listing()
        .latest_first()
    )


def source_directory(*, kind, ordering):
    sources = Source.objects.with_citation_counts().order_by(*ordering)
    return sources.filter(kind=kind) if kind else sources


CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 320, 100, 8


@dataclass(frozen=True)
class ScoreHistory:
    """ "How this score changed": the rows newest first and the chart's points."""

    changes: list[ScoreChange]
    points: list[tuple[float, float]]
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT

    @property
    def first(self):
        return self.changes[-1]

    @property
    def polyline(self):
        return " ".join(f"{x},{y}" for x, y in self.points)


def score_history(article):
    changes = list(ScoreChange.objects.filter(article=article).order_by("changed_at", "pk"))
    points = history.chart_points(
        [(change.changed_at.timestamp(), change.score) for change in changes],
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        pad=CHART_PAD,
    )
    return ScoreHistory(changes=changes[::-1], points=points)


def citations_with_notices(article):
    """The story's citations that carry a retraction, correction or concern notice."""
    return [citation for citation in citations(article) if citation.has_notice]
