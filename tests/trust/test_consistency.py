"""The trust consistency check: scored rows pass, every tampered score shows."""

import pytest
from django.db.models import F

from tests.factories import cite, make_article, make_criteria, make_meter, make_source
from trust import consistency
from trust.models import Assessment, ComponentScore, Source


@pytest.fixture
def scored(db):
    first, second = make_criteria((60, 40))
    sources = [make_source(meets=[first]), make_source(meets=[first, second]), make_source()]
    stories = []
    for cited in (sources[:2], sources[1:], [sources[0], sources[0]]):
        story = make_article()
        for source in cited:
            cite(story, source)
        make_meter(story, values=[None, 40, 90], weights=[30, 30, 40])
        stories.append(story)
    make_meter(make_article(), values=[None, 50], weights=[50, 50])  # no sources: unscored
    return {"sources": sources, "stories": stories}


def test_scores_written_by_the_services_are_consistent(scored, django_assert_max_num_queries):
    assert Assessment.objects.filter(score__isnull=False).count() == 3
    with django_assert_max_num_queries(5):
        assert consistency.differences() == []


def tamper_trust(scored):
    Source.objects.filter(pk=scored["sources"][2].pk).update(trust_score=10)


def tamper_component(scored):
    ComponentScore.objects.filter(
        article=scored["stories"][0], component__from_sources=True
    ).update(value=F("value") + 10)


def tamper_score(scored):
    Assessment.objects.filter(article=scored["stories"][1]).update(score=F("score") - 1)


@pytest.mark.parametrize(
    ("tamper", "reported"),
    [
        # The source's stories follow their stored sources, so its wrong trust shows twice.
        (tamper_trust, ["trust of source", "component-0 of story"]),
        # The component is wrong, and the score made from it no longer follows.
        (tamper_component, ["component-0 of story", "reality score of story"]),
        (tamper_score, ["reality score of story"]),
    ],
)
def test_every_kind_of_tampered_score_is_reported(scored, tamper, reported):
    tamper(scored)
    found = consistency.differences()
    assert len(found) == len(reported), found
    assert all(line.startswith(prefix) for line, prefix in zip(found, reported, strict=True))
