"""The public calibration page: the meter's scores at the close against outcomes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from predictions import services
from predictions.models import AggregatePoint, Question
from tests import query_budgets
from tests.factories import make_article, make_meter, make_question
from trust.models import ComponentScore, ScoreChange
from trust.services import rescore_article

pytestmark = pytest.mark.django_db


def resolved_question(*, meter, happened, crowd=None, days_ago=10, published_days_ago=60):
    """A question closed ``days_ago`` on a story published (and so first scored, at
    ``meter``) ``published_days_ago``, resolved now."""
    now = timezone.now()
    article = make_article(published_at=now - timedelta(days=published_days_ago))
    make_meter(article, values=[meter], weights=[100])
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


def editor_moves_the_meter(article, value):
    """An editor's review: the story's one component set to ``value`` and the story
    rescored, which records the move in its score history (dated now)."""
    ComponentScore.objects.filter(article=article).update(value=value)
    rescore_article(article=article, reason="Reviewed.")
    return ScoreChange.objects.filter(article=article).latest("changed_at")


def calibration_claim(client):
    data = client.get(reverse("api:calibration_data")).json()["calibration"]
    [claim] = data["questions"]
    return claim, data


def test_the_score_at_the_close_is_the_last_move_before_it_not_a_later_one(client):
    question = resolved_question(meter=20, happened=True)
    # An editor's move eleven days ago, a day before the question closed.
    before_close = editor_moves_the_meter(question.article, 40)
    ScoreChange.objects.filter(pk=before_close.pk).update(
        changed_at=question.closes_at - timedelta(days=1)
    )
    # And one after the close, once the outcome was known: it must not count.
    editor_moves_the_meter(question.article, 95)

    claim, data = calibration_claim(client)
    assert claim["reality_score_at_close"] == 40
    assert claim["score_recorded_after_close"] is False
    assert data["meter_brier"] == pytest.approx(0.36)
    html = client.get(reverse("api:calibration")).content.decode()
    assert "<td>40</td>" in html and "calibration__flag" not in html


def test_a_move_recorded_a_moment_after_the_close_does_not_count(client):
    question = resolved_question(meter=70, happened=False)
    after_close = editor_moves_the_meter(question.article, 10)
    ScoreChange.objects.filter(pk=after_close.pk).update(
        changed_at=question.closes_at + timedelta(seconds=1)
    )
    claim, _ = calibration_claim(client)
    assert claim["reality_score_at_close"] == 70


def test_a_story_first_scored_after_the_close_is_flagged(client):
    question = resolved_question(meter=30, happened=True, published_days_ago=1)
    editor_moves_the_meter(question.article, 90)

    claim, _ = calibration_claim(client)
    # The earliest score on file stands in, not the latest, and the page says so.
    assert claim["reality_score_at_close"] == 30
    assert claim["score_recorded_after_close"] is True
    html = client.get(reverse("api:calibration")).content.decode()
    assert "earliest recorded score (or, with none on file, its current one)" in html


def test_fixture_stories_are_read_from_their_dated_history(client, fixture_content):
    resolved = Question.objects.public().filter(resolution__in=["yes", "no"]).count()
    html = client.get(reverse("api:calibration")).content.decode()
    assert f"Only {resolved} resolved questions so far." in html
    data = client.get(reverse("api:calibration_data")).json()["calibration"]
    claims = {q["question"]: q for q in data["questions"]}
    # LK-99's story moved from 14 to 10 in August 2023, before its question closed.
    assert claims["lk-99-samples-to-verification-committee-2023"]["reality_score_at_close"] == 10
    # The lecanemab story rose from 58 to 67 on 7 July 2023, two days after the close.
    medicare = claims["lecanemab-medicare-coverage-2023"]
    assert (medicare["reality_score_at_close"], medicare["score_recorded_after_close"]) == (
        58,
        False,
    )
    # Only the story published after its question closed has no score from before it.
    flagged = [slug for slug, claim in claims.items() if claim["score_recorded_after_close"]]
    assert flagged == ["lecanemab-traditional-approval-2023"]
    assert "earliest recorded score (or, with none on file, its current one)" in html
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
