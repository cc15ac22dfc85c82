"""Editors create questions on the story form and resolve them with confirmation."""

import pytest
from django.urls import reverse

from predictions import services
from predictions.models import Question, Score
from tests.factories import make_question

pytestmark = pytest.mark.django_db


def test_resolving_asks_for_confirmation_then_scores(client, editor):
    question = make_question()
    services.submit_forecast(question=question, reader_id="r", probability=90)
    url = reverse("admin:predictions_question_changelist")
    selection = {"action": "resolve", "_selected_action": [question.pk]}

    confirm_page = client.post(url, selection)
    assert confirm_page.status_code == 200
    assert "Yes, resolve and score" in confirm_page.content.decode()
    assert Question.objects.get().resolution == ""

    done = client.post(
        url, selection | {"confirm": "yes", "resolution": "yes", "note": "Approved on 1 May."}
    )
    assert done.status_code == 302
    question.refresh_from_db()
    assert (question.resolution, question.resolution_note) == ("yes", "Approved on 1 May.")
    assert Score.objects.get().brier == pytest.approx(0.01)


def test_resolution_without_a_choice_is_asked_again(client, editor):
    question = make_question()
    response = client.post(
        reverse("admin:predictions_question_changelist"),
        {"action": "resolve", "_selected_action": [question.pk], "confirm": "yes", "note": ""},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Question.objects.get().resolution == ""


def test_a_reserved_slug_is_refused(client, editor):
    question = make_question()
    question.slug = "me"
    with pytest.raises(Exception, match="taken by a page"):
        question.full_clean()
