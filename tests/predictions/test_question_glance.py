"""The story's question beside the story on wide screens (the header_strip slot), and a
question edited anywhere reaching the story's page at once."""

import pytest
from django.test import Client

from tests.factories import make_article, make_question

pytestmark = pytest.mark.django_db


def story_page(article, query=""):
    return Client().get(article.get_absolute_url() + query).content.decode()


def test_the_rail_names_the_question_and_leads_to_the_forecast():
    question = make_question(text="Will a second lab reproduce the result by 2027?")
    html = story_page(question.article)
    rail = html.split('class="story__glance"', 1)[1].split("</header>", 1)[0]
    assert "The question readers forecast" in rail
    assert "Will a second lab reproduce the result by 2027?" in rail
    assert 'href="#forecast">Forecast it</a>' in rail
    # No crowd figures in the editorial part: the forecast panel shows those.
    assert "forecasters" not in rail


def test_a_part_read_alone_leads_to_the_forecast_on_the_whole_story():
    question = make_question()
    rail = story_page(question.article, "?part=technical").split('class="story__glance"', 1)[1]
    assert f'href="{question.article.get_absolute_url()}#forecast">Forecast it</a>' in rail


def test_a_story_without_a_question_shows_none():
    assert "The question readers forecast" not in story_page(make_article())


def test_a_question_edited_in_its_own_admin_shows_on_the_kept_page(
    django_capture_on_commit_callbacks,
):
    question = make_question(text="Will it replicate?")
    for _ in range(3):  # drawn twice, then served from its kept parts
        assert "Will it replicate?" in story_page(question.article)
    with django_capture_on_commit_callbacks(execute=True):
        question.text = "Will an independent lab replicate it?"
        question.save()
    assert "Will an independent lab replicate it?" in story_page(question.article)
