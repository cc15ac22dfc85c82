"""Every Markdown field an editor fills refuses crafted text with a form error, never a 500."""

import pytest
from django.urls import reverse

from articles.models import GlossaryTerm
from predictions.models import Question
from tests.admin_forms import article_form, rows

pytestmark = pytest.mark.django_db

TOO_DEEP = "[" * 30 + "x" + "]" * 30


def test_a_glossary_definition_too_deeply_nested_is_a_form_error(client, editor):
    response = client.post(
        reverse("admin:articles_glossaryterm_add"),
        {"term": "Qubit", "slug": "qubit", "aliases": "", "definition": TOO_DEEP},
    )
    assert response.status_code == 200
    assert "more than 20 levels" in response.content.decode()
    assert not GlossaryTerm.objects.exists()


def test_question_criteria_too_long_are_a_form_error(client, editor):
    data = article_form() | rows(
        "question",
        {
            "text": "Will bees count to five by 2030?",
            "slug": "bees-five",
            "criteria": "x" * 100_001,
            "opens_at_0": "2026-01-01",
            "opens_at_1": "00:00",
            "closes_at_0": "2030-01-01",
            "closes_at_1": "00:00",
            "resolve_by": "2030-06-01",
            "resolution": "",
        },
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "the limit is 100,000" in response.content.decode()
    assert not Question.objects.exists()
