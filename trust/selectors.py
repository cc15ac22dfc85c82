"""Reads for the evidence panels: a story's meter, its sources, and the directory."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.utils import timezone

from articles.models import Article, Correction
from trust import rubric, study_rubric
from trust.models import (
    Assessment,
    Citation,
    ComponentScore,
    FalsifiableStatement,
    ScoreChange,
    Source,
    band_of,
)


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
    # What the cited works propose for the evidence stage (trust/study_rubric.py), and
    # the statements that would change the score ("What would change our score").
    study_proposal: study_rubric.Proposal | None = None
    statements: tuple[str, ...] = ()

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
    """The story's assessment, fetched with the texts of its falsifiable statements in
    the same query (``statement_texts``), unless it was fetched already."""
    statements = FalsifiableStatement.objects.filter(article=OuterRef("article")).order_by(
        "position", "pk"
    )
    with_statements = Assessment.objects.annotate(
        statement_texts=ArraySubquery(statements.values("text"))
    )
    prefetch_related_objects([article], Prefetch("assessment", queryset=with_statements))
    try:
        return article.assessment
    except Assessment.DoesNotExist:
        return None


def statements_for(article):
    """The story's falsifiable statements ("What would change our score"), in order: what
    the citation watch compares its findings with. One query."""
    return list(FalsifiableStatement.objects.filter(article=article).order_by("position", "pk"))


def _statement_texts(article, assessment):
    """What the page shows under "Why this score?": nothing for a story not assessed, and
    what came with the assessment unless it was fetched without them."""
    if assessment is None:
        return ()
    texts = getattr(assessment, "statement_texts", None)
    if texts is None:
        texts = [statement.text for statement in statements_for(article)]
    return tuple(texts)


def study_works(citations):
    """The cited works as the study rule reads them (trust/study_rubric.py)."""
    return [
        study_rubric.Work(
            design=citation.study_design,
            participants=citation.participants,
            peer_review=citation.peer_review,
            status=citation.status,
        )
        for citation in citations
    ]


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
    assessment = assessment_of(article)
    return Meter(
        assessment=assessment,
        rows=rows,
        score=total,
        study_proposal=study_rubric.propose(study_works(article.citations.all())),
        statements=_statement_texts(article, assessment),
    )


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


@dataclass(frozen=True)
class ScoreHistory:
    """ "How this score changed": the rows, newest first."""

    changes: list[ScoreChange]

    @property
    def first(self):
        return self.changes[-1]


def score_history(article):
    changes = list(ScoreChange.objects.filter(article=article).order_by("changed_at", "pk"))
    return ScoreHistory(changes=changes[::-1])


def citations_with_notices(article):
    """The story's citations that carry a retraction, correction or concern notice."""
    return [citation for citation in citations(article) if citation.has_notice]


# The notices a cited source can carry, gravest first: the order the strip flags them in.
NOTICE_ORDER = (rubric.RETRACTED, rubric.CONCERN, rubric.CORRECTED)


@dataclass(frozen=True)
class Glance:
    """The evidence at a glance, drawn in the story's header: the meter, its sources in
    brief, the notices its cited sources carry (each status once, gravest first) and
    whether the story itself has been corrected."""

    meter: Meter
    sources: SourceSummary
    notices: list[str]
    corrected: bool


def glance(article):
    """Read from what the evidence panels and the story's corrections load anyway, so the
    strip adds no query to the whole story's page."""
    statuses = {citation.status for citation in citations_with_notices(article)}
    return Glance(
        meter=reality_meter(article),
        sources=source_summary(article),
        notices=[status for status in NOTICE_ORDER if status in statuses],
        corrected=any(
            correction.kind == Correction.Kind.CORRECTION
            for correction in article.corrections.all()
        ),
    )


MOVES_WEEK = timedelta(days=7)
# Enough to find a handful of moves among first scorings (one per new story).
MOVES_LOOKED_AT = 50


@dataclass(frozen=True)
class EvidenceMoves:
    """The front page's "evidence that moved this week": public stories' score changes,
    newest first, each with the story and ``before`` (the score it moved from). The moves
    of the last seven days when there are any (``this_week``), else the latest ones."""

    changes: list[ScoreChange]
    this_week: bool

    @property
    def shown_until(self):
        """When the oldest of this week's moves leaves the week, and the list with it."""
        return self.changes[-1].changed_at + MOVES_WEEK if self.this_week else None


def evidence_moves(limit=5, now=None):
    """One query. A story's first scoring is no move: a change counts when a scored change
    came before it. Only the latest MOVES_LOOKED_AT changes are looked at, so the query
    costs one pass over the table's narrow rows, not a look-up per row."""
    now = now or timezone.now()
    public = ScoreChange.objects.filter(Article.published_q(prefix="article__"))
    latest = public.order_by("-changed_at", "-pk").values("pk")[:MOVES_LOOKED_AT]
    earlier = ScoreChange.objects.filter(
        article=OuterRef("article"), changed_at__lt=OuterRef("changed_at")
    ).order_by("-changed_at")
    moves = list(
        ScoreChange.objects.filter(pk__in=Subquery(latest))
        .annotate(before=Subquery(earlier.values("score")[:1]))
        .filter(before__isnull=False)
        .select_related("article")
        .only("changed_at", "score", "reason", "article__slug", "article__headline")
        .order_by("-changed_at", "-pk")[:limit]
    )
    this_week = [change for change in moves if change.changed_at > now - MOVES_WEEK]
    return EvidenceMoves(changes=this_week or moves, this_week=bool(this_week))
