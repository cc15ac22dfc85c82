"""Editors create questions on the story form and resolve them with confirmation."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from predictions import services
from predictions.models import Question, Score
from tests.admin_forms import save_change_form
from tests.factories import make_question

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()


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
        url,
        selection
        | {
            "confirm": "yes",
            "resolution": "yes",
            "note": "Approved on 1 May.",
            "resolved_on": TODAY,
        },
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


def test_the_resolve_confirmation_shows_forecasters_an_open_warning_and_asks_the_date(
    client, editor
):
    question = make_question()
    services.submit_forecast(question=question, reader_id="a", probability=20)
    services.submit_forecast(question=question, reader_id="b", probability=70)
    url = reverse("admin:predictions_question_changelist")
    selection = {"action": "resolve", "_selected_action": [question.pk]}

    text = client.post(url, selection).content.decode()
    assert "2 readers forecast this question" in text
    assert "Warning: this question is still open." in text
    assert 'name="resolved_on"' in text

    done = client.post(
        url,
        selection
        | {"confirm": "yes", "resolution": "no", "note": "Withdrawn.", "resolved_on": "2026-03-02"},
    )
    assert done.status_code == 302
    question.refresh_from_db()
    assert question.resolved_at.date().isoformat() == "2026-03-02"


def test_a_resolution_dated_in_the_future_is_refused(client, editor):
    question = make_question()
    response = client.post(
        reverse("admin:predictions_question_changelist"),
        {"action": "resolve", "_selected_action": [question.pk], "confirm": "yes",
         "resolution": "yes", "note": "Approved.", "resolved_on": "2999-01-01"},
    )  # fmt: skip
    assert "cannot be resolved on a day still to come" in response.content.decode()
    assert Question.objects.get().resolution == ""


def question_data(question, **overrides):
    return {
        "article": question.article_id,
        "text": question.text,
        "slug": question.slug,
        "criteria": question.criteria,
        "opens_at_0": question.opens_at.strftime("%Y-%m-%d"),
        "opens_at_1": question.opens_at.strftime("%H:%M:%S"),
        "closes_at_0": question.closes_at.strftime("%Y-%m-%d"),
        "closes_at_1": question.closes_at.strftime("%H:%M:%S"),
        "resolve_by": question.resolve_by.isoformat(),
        "change_reason": "",
    } | overrides


def test_changing_a_forecast_questions_text_warns_first_and_is_recorded(client, editor):
    question = make_question()
    services.submit_forecast(question=question, reader_id="a", probability=40)
    url = reverse("admin:predictions_question_change", args=[question.pk])
    assert "Warning: 1 reader forecast this question." in client.get(url).content.decode()

    new_text = "Will it happen by 2031?"
    refused = save_change_form(client, url, question_data(question, text=new_text))
    assert refused.status_code == 200
    assert "1 reader forecast this question: to change its text" in refused.content.decode()
    assert Question.objects.get().text == question.text

    saved = save_change_form(
        client,
        url,
        question_data(question, text=new_text, change_reason="The agency moved the date."),
    )
    assert saved.status_code == 302
    latest = Question.objects.get().history.first()
    assert latest.text == new_text
    assert latest.history_change_reason == "Changed after forecasts: The agency moved the date."
    assert latest.history_user == editor


def test_a_question_nobody_has_forecast_changes_freely(client, editor):
    question = make_question()
    url = reverse("admin:predictions_question_change", args=[question.pk])
    saved = save_change_form(client, url, question_data(question, text="Will it by 2031?"))
    assert saved.status_code == 302


def test_the_question_slug_fills_itself_from_the_text_on_the_story_form(client, editor):
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    attribute = re.search(r'data-prepopulated-fields="([^"]*)"', html).group(1)
    fields = {field["id"]: field for field in json.loads(unescape(attribute))}
    assert fields["#id_question-0-slug"]["dependency_ids"] == ["#id_question-0-text"]
    assert fields["#id_slug"]["dependency_ids"] == ["#id_headline"]
