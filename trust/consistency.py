"""Every stored score of the trust app against the one recomputed from its rows.

``differences()`` reads the verdicts, citations and components once each and
recomputes with trust.rubric, as the services do: a source's trust from its criteria
verdicts, a story's source-trust component from the citations it stands on, and its reality
score from its components. ``manage.py check_consistency`` and the tests call it.
"""

from collections import defaultdict

from trust import rubric
from trust.models import Assessment, Citation, ComponentScore, CriterionResult, Source


def differences():
    """Human-readable lines, one per stored score that its rows do not give."""
    return [*source_differences(), *assessment_differences()]


def source_differences():
    verdicts = defaultdict(list)
    for source_id, weight, met in CriterionResult.objects.order_by().values_list(
        "source_id", "criterion__weight", "met"
    ):
        verdicts[source_id].append((weight, met))
    return _compare(
        "trust of source",
        Source.objects.order_by("slug").values_list("pk", "slug", "trust_score"),
        lambda pk: rubric.source_trust(verdicts[pk]),
        "its criteria verdicts give",
    )


def assessment_differences():
    citations = defaultdict(list)
    for article_id, *citation in (
        Citation.objects.filter(source__isnull=False)
        .order_by()
        .values_list("article_id", "source_id", "source__trust_score", "status")
    ):
        citations[article_id].append(citation)
    trusts = {article_id: rubric.lent_trusts(rows) for article_id, rows in citations.items()}
    components = defaultdict(list)
    found = []
    for article_id, slug, component, value, weight, from_sources in ComponentScore.objects.order_by(
        "article_id", "pk"
    ).values_list(
        "article_id",
        "article__slug",
        "component__slug",
        "value",
        "weight",
        "component__from_sources",
    ):
        components[article_id].append((value, weight))
        expected = rubric.sources_component(trusts.get(article_id, [])) if from_sources else value
        if value != expected:
            found.append(
                f"{component} of story {slug}: stored {value}, its cited sources give {expected}"
            )
    return found + _compare(
        "reality score of story",
        Assessment.objects.order_by("article__slug").values_list(
            "article_id", "article__slug", "score"
        ),
        lambda article_id: rubric.story_score(components[article_id]),
        "its components give",
    )


def _compare(what, stored_rows, recompute, basis):
    """A line for each (key, slug, stored value) row whose value ``recompute(key)`` is not."""
    found = []
    for key, slug, stored in stored_rows:
        expected = recompute(key)
        if stored != expected:
            found.append(f"{what} {slug}: stored {stored}, {basis} {expected}")
    return found
