"""Editors publish through the Django admin's own forms."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.admin_forms import WITHOUT_EVIDENCE, article_form, save_change_form
from tests.approvals import approve
from tests.factories import make_term, make_topic

pytestmark = pytest.mark.django_db


def test_editor_creates_and_publishes_a_story_that_reaches_the_front_page(client, editor):
    topic = make_topic(name="Animal behaviour")
    term = make_term(term="Bees", slug="bee")

    created = client.post(
        reverse("admin:articles_article_add"),
        article_form(topics=[topic.pk], glossary_terms=[term.pk]),
    )
    assert created.status_code == 302, created.context["adminform"].form.errors
    article = Article.objects.get(slug="bees-count-to-four")
    assert not client.get(reverse("articles:front")).context["lead"]  # a draft leads nothing
    assert '<a class="term" href="#term-bee">Bees</a> can count' in article.explanation_html
    approve(article)  # by a second editor (tests/editorial/test_review.py)

    published = save_change_form(
        client,
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form(topics=[topic.pk], glossary_terms=[term.pk], status="published")
        | WITHOUT_EVIDENCE,
    )
    assert published.status_code == 302

    front = client.get(reverse("articles:front"))
    assert front.context["lead"] == article
    assert "Bees learn to count to four" in front.content.decode()


def test_admin_list_searches_and_filters_stories(client, editor):
    response = client.get(reverse("admin:articles_article_changelist"), {"q": "bees"})
    assert response.status_code == 200
    response = client.get(reverse("admin:articles_article_changelist"), {"status__exact": "draft"})
    assert response.status_code == 200


def test_topics_and_terms_are_chosen_with_autocomplete(client, editor):
    make_topic(name="Seismology")
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "seis", "app_label": "articles", "model_name": "article", "field_name": "topics"},
    )
    assert [result["text"] for result in response.json()["results"]] == ["Seismology"]


def test_publishing_a_story_without_a_topic_is_refused_with_a_form_error(client, editor):
    response = client.post(reverse("admin:articles_article_add"), article_form(status="published"))
    assert response.status_code == 200
    assert "To publish, add at least one topic." in response.content.decode()
    assert not Article.objects.exists()


def test_readers_cannot_reach_the_admin(client):
    response = client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize(
    "explanation",
    ["[" * 5_000 + "x" + "]" * 5_000, "".join("    " * level + "- x\n" for level in range(100))],
    ids=["brackets", "nested-list"],
)
def test_deeply_nested_markdown_is_refused_with_a_form_error(client, editor, explanation):
    response = client.post(
        reverse("admin:articles_article_add"), article_form(explanation=explanation)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "more than 20 levels" in errors["explanation"][0]
    assert not Article.objects.exists()


def test_overlong_markdown_is_refused_with_a_form_error(client, editor):
    response = client.post(
        reverse("admin:articles_article_add"), article_form(technical="word " * 20_001)
    )
    assert response.status_code == 200
    assert "the limit is 100,000" in response.context["adminform"].form.errors["technical"][0]
    assert not Article.objects.exists()
