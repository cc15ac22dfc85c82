"""The public calibration page: the meter's scores at the close against outcomes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from predictions import services
from predictions.models import AggregatePoint, Question
from tests import query_budgets
from tests.factories import make_article, make_meter, make_question
from trust.models import Assessment, ComponentScore
from trust.services import rescore_article

pytestmark = pytest.mark.django_db


def resolved_question(*, meter, happened, crowd=None, days_ago=10):
    article = make_article()
    make_meter(article, values=[meter], weights=[100])
    now = timezone.now()
    question = make_question(
        article,
        opens_at=now - timedelta(days=days_ago + 30),
        closes_at=now - timedelta(days=days_ago),
    )
    if crowd is not None:
        AggregatePoint.objects.create(
            question=question,
            day=question.closes_at.date(),
            forecasters=8,
            median=crowd,
        )
    services.resolve_question(
        question=question,
        resolution=Question.Resolution.YES if happened else Question.Resolution.NO,
        note="Decided.",
    )
    return question


def test_page_shows_meter_crowd_and_baseline_brier_with_n_and_a_caveat(client):
    resolved_question(meter=80, happened=True, crowd=90)
    resolved_question(meter=30, happened=False, crowd=40)
    response = client.get(reverse("api:calibration"))
    html = response.content.decode()
    assert response.status_code == 200
    # (0.2² + 0.3²) / 2 = 0.065; crowd (0.1² + 0.4²) / 2 = 0.085; baseline 0.25.
    assert 'data-score="meter">0.065<' in html
    assert 'data-score="crowd">0.085<' in html
    assert 'data-score="baseline">0.250<' in html
    assert "Only 2 resolved questions so far." in html
    assert '<svg class="chart__svg"' in html and "calibration__point" in html
    assert "<td>80–89</td><td>1</td><td>80</td><td>100%</td>" in html
    assert "public" in response["Cache-Control"]


def test_the_score_at_the_close_counts_not_a_later_rescore(client):
    question = resolved_question(meter=20, happened=True)
    # A version of the assessment recorded before the close, as an editor's save makes.
    assessment = Assessment.objects.get(article=question.article)
    assessment._history_date = question.closes_at - timedelta(days=1)
    assessment.save()
    score = ComponentScore.objects.get(article=question.article)
    score.value = 95
    score.save()
    rescore_article(article=question.article)
    data = client.get(reverse("api:calibration_data")).json()["calibration"]
    [claim] = data["questions"]
    assert claim["reality_score_at_close"] == 20
    assert claim["score_recorded_after_close"] is False
    assert data["meter_brier"] == pytest.approx(0.64)


def test_a_story_scored_only_after_the_close_is_flagged(client, fixture_content):
    resolved = Question.objects.public().filter(resolution__in=["yes", "no"]).count()
    html = client.get(reverse("api:calibration")).content.decode()
    assert f"Only {resolved} resolved questions so far." in html
    assert "earliest recorded score (or, with none on file, its current one)" in html
    data = client.get(reverse("api:calibration_data")).json()["calibration"]
    scores = {q["question"]: q["reality_score_at_close"] for q in data["questions"]}
    assert scores["lk-99-confirmed-by-end-of-2023"] == 10
    assert data["n"] == resolved and data["baseline_brier"] == 0.25


def test_no_resolved_questions_says_so(client):
    make_question()
    html = client.get(reverse("api:calibration")).content.decode()
    assert "No question has resolved yes or no yet" in html


def test_calibration_query_count_does_not_grow_with_questions(client, django_assert_num_queries):
    for index in range(6):
        resolved_question(meter=10 * index, happened=index % 2 == 0, crowd=50)
    with django_assert_num_queries(query_budgets.CALIBRATION_PAGE):
        client.get(reverse("api:calibration"))
