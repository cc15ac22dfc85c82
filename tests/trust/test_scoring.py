"""Scores follow their inputs: sources from criteria, stories from components and sources."""

import pytest

from tests.factories import cite, make_article, make_criteria, make_meter, make_source
from trust import services
from trust.models import CriterionResult, TrustScoreChange

pytestmark = pytest.mark.django_db


def test_a_source_scores_the_weights_of_the_criteria_it_meets():
    heavy, light = make_criteria((60, 40))
    assert make_source(meets=[heavy]).trust_score == 60
    assert make_source(meets=[heavy, light]).trust_score == 100
    assert make_source().trust_score == 0


def test_score_changes_are_kept_as_history_with_the_reason():
    heavy, light = make_criteria((60, 40))
    source = make_source(meets=[heavy])
    CriterionResult.objects.filter(source=source, criterion=light).update(met=True)

    services.rescore_source(source=source, reason="Now publishes its data")
    services.rescore_source(source=source, reason="Nothing changed")

    history = list(source.score_changes.values_list("old_score", "new_score", "reason"))
    assert history == [(60, 100, "Now publishes its data"), (None, 60, "First scored")]


def test_reality_score_is_the_weighted_sum_with_source_trust_computed():
    heavy, light = make_criteria((60, 40))
    article = make_article()
    cite(article, make_source(meets=[heavy, light]))  # 100
    cite(article, make_source(meets=[heavy]))  # 60 -> mean 80

    assessment = make_meter(article, values=[50, None], weights=[50, 50])

    assert assessment.score == 65  # 25 + 40
    assert article.component_scores.get(component__from_sources=True).value == 80


def test_a_source_counts_once_however_often_it_is_cited():
    heavy, _ = make_criteria((60, 40))
    article = make_article()
    strong, weak = make_source(meets=[heavy]), make_source()
    cite(article, strong)
    cite(article, strong)
    cite(article, weak)
    make_meter(article, values=[None], weights=[100])
    assert article.component_scores.get().value == 30  # mean of 60 and 0


def test_changing_a_sources_criteria_rescores_every_story_citing_it():
    heavy, light = make_criteria((60, 40))
    source = make_source(meets=[heavy])
    first, second = make_article(), make_article()
    for article in (first, second):
        cite(article, source)
        make_meter(article, values=[None], weights=[100])

    CriterionResult.objects.filter(source=source, criterion=light).update(met=True)
    services.rescore_source(source=source, reason="Reviewed")

    for article in (first, second):
        article.assessment.refresh_from_db()
        assert article.assessment.score == 100


def test_changing_a_criterions_weight_rescores_all_sources():
    heavy, light = make_criteria((60, 40))
    source = make_source(meets=[heavy])
    heavy.weight, light.weight = 70, 30
    heavy.save()
    light.save()

    services.rescore_all_sources(reason="Weights revised")

    source.refresh_from_db()
    assert source.trust_score == 70
    assert TrustScoreChange.objects.filter(source=source, reason="Weights revised").exists()


def test_a_story_without_sources_is_not_scored_rather_than_scored_zero():
    make_criteria()
    article = make_article()
    assessment = make_meter(article, values=[80, None], weights=[50, 50])
    assert assessment.score is None
