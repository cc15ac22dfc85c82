"""What would change our score: editors write one to three falsifiable statements per
story, in the story form beside the other evidence; readers see them under "Why this
score?", the API and its exports carry them, and saving them refreshes the kept page."""

import csv
import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, story_cache_key
from core import cache_purges
from tests import query_budgets
from tests.admin_forms import change_form_data, save_change_form
from tests.factories import (
    cite,
    make_article,
    make_criteria,
    make_meter,
    make_question,
    make_source,
)
from trust.models import FalsifiableStatement
from trust.selectors import statements_for

pytestmark = pytest.mark.django_db

HEADING = "What would change our score"
WHY = re.compile(r'<details class="meter__why">(.*?)</details>', re.S)
STATEMENTS = re.compile(r'<ul class="would-change__list">(.*?)</ul>', re.S)


@pytest.fixture
def scored():
    """A published, scored story citing one source."""
    article = make_article()
    cite(article, make_source(meets=make_criteria()))
    make_meter(article, values=[50, None], weights=[50, 50])
    return article


def state(article, *texts):
    for position, text in enumerate(texts, start=1):
        FalsifiableStatement.objects.create(article=article, text=text, position=position)


def shown(client, article):
    """The statements under "Why this score?" on the story's page, in order."""
    page = client.get(article.get_absolute_url()).content.decode()
    why = WHY.search(page)
    found = STATEMENTS.search(why[1]) if why else None
    if found is None:
        assert HEADING not in page
        return []
    assert f">{HEADING}</h3>" in why[1]
    return [html.unescape(text) for text in re.findall(r"<li>(.*?)</li>", found[1])]


def test_the_statements_are_shown_under_why_this_score_in_order(client, scored):
    state(scored, "Score up: a second lab replicates it.", "Score down: the trial stops early.")
    assert shown(client, scored) == [
        "Score up: a second lab replicates it.",
        "Score down: the trial stops early.",
    ]


def test_a_story_without_statements_shows_no_heading(client, scored):
    assert shown(client, scored) == []


def test_every_fixture_story_says_what_would_change_its_score(client, fixture_content):
    for story in Article.objects.published():
        statements = shown(client, story)
        assert 1 <= len(statements) <= FalsifiableStatement.LIMIT, story.slug
        assert all(text.startswith(("Score up: ", "Score down: ")) for text in statements)


def test_the_api_and_its_exports_carry_the_statements(client, scored):
    state(scored, "Score up: a second lab replicates it.", 'Score down: "<b>it fails</b>".')
    expected = ["Score up: a second lab replicates it.", 'Score down: "<b>it fails</b>".']
    document = client.get(reverse("api:story", args=[scored.slug])).json()["story"]
    assert document["score"]["what_would_change_our_score"] == expected
    inputs = client.get(reverse("api:story_inputs", args=[scored.slug])).json()["inputs"]
    assert inputs["score"]["what_would_change_our_score"] == expected
    rows = csv.DictReader(
        io.StringIO(
            client.get(reverse("api:story_inputs_csv", args=[scored.slug])).content.decode()
        )
    )
    assert [row["explanation"] for row in rows if row["part"] == "statement"] == expected
    page = client.get(scored.get_absolute_url()).content.decode()
    assert "<b>it fails</b>" not in page and "&lt;b&gt;it fails&lt;/b&gt;" in page


def test_statements_cost_the_story_page_and_the_api_no_query(
    client, scored, django_assert_num_queries
):
    state(scored, "One.", "Two.", "Three.")
    make_question(scored)
    with django_assert_num_queries(query_budgets.ARTICLE_PAGE):
        assert len(STATEMENTS.search(client.get(scored.get_absolute_url()).content.decode())[1])
    with django_assert_num_queries(query_budgets.API_STORY_INPUTS):
        inputs = client.get(reverse("api:story_inputs", args=[scored.slug])).json()["inputs"]
    assert inputs["score"]["what_would_change_our_score"] == ["One.", "Two.", "Three."]


def test_the_watch_reads_a_storys_statements_in_order(scored):
    state(scored, "First.", "Second.")
    FalsifiableStatement.objects.filter(text="First.").update(position=5)
    assert [statement.text for statement in statements_for(scored)] == ["Second.", "First."]
    assert statements_for(make_article()) == []


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def with_statements(data, *texts):
    """The change form's data with its statement rows filled with ``texts`` in order."""
    data = dict(data)
    for index, text in enumerate(texts):
        data[f"falsifiable_statements-{index}-text"] = text
        data[f"falsifiable_statements-{index}-position"] = str(index + 1)
    data["falsifiable_statements-TOTAL_FORMS"] = str(max(len(texts), 3))
    return data


def opened(client, article):
    """The story's change form as an editor opens it (a field without a value is not sent)."""
    return {
        name: values
        for name, values in change_form_data(client, change_url(article)).items()
        if values
    }


def test_an_editor_writes_up_to_three_statements_in_the_story_form(client, editor, scored):
    page = client.get(change_url(scored)).content.decode()
    assert "What would change our score (up to 3 statements" in page
    assert page.count('name="falsifiable_statements-') >= 3 * 2

    data = with_statements(opened(client, scored), "Score up: A.", "Score down: B.", "Score up: C.")
    response = save_change_form(client, change_url(scored), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert [s.text for s in statements_for(scored)] == [
        "Score up: A.",
        "Score down: B.",
        "Score up: C.",
    ]
    assert shown(Client(), scored) == ["Score up: A.", "Score down: B.", "Score up: C."]


def test_a_fourth_statement_is_refused_and_nothing_is_saved(client, editor, scored):
    data = with_statements(opened(client, scored), "A.", "B.", "C.", "D.")
    response = save_change_form(client, change_url(scored), data)
    assert response.status_code == 200
    assert (
        "A story has at most 3 statements of what would change its score. Remove one before "
        "adding another." in html.unescape(response.content.decode())
    )
    assert not FalsifiableStatement.objects.exists()


def test_a_statement_over_300_characters_is_refused(client, editor, scored):
    data = with_statements(opened(client, scored), "x" * 301)
    response = save_change_form(client, change_url(scored), data)
    assert response.status_code == 200
    assert "Ensure this value has at most 300 characters" in response.content.decode()


def test_removing_a_statement_through_the_form_leaves_the_others(client, editor, scored):
    state(scored, "A.", "B.")
    data = opened(client, scored)
    data["falsifiable_statements-0-DELETE"] = "on"
    assert save_change_form(client, change_url(scored), data).status_code == 302
    assert [s.text for s in statements_for(scored)] == ["B."]


def test_saving_statements_purges_the_story_and_its_kept_parts(
    client, editor, scored, settings, monkeypatch, django_capture_on_commit_callbacks
):
    url = scored.get_absolute_url()
    Client().get(url), Client().get(url)  # kept from its second drawing on
    assert shown(Client(), scored) == []
    settings.HTTP_CACHE_PURGE_URLS = ["http://127.0.0.1:9/"]
    purged = []
    monkeypatch.setattr(cache_purges, "send_purge", lambda keys, soft=False: purged.extend(keys))

    data = with_statements(opened(client, scored), "Score up: a phase 3 trial reports.")
    with django_capture_on_commit_callbacks(execute=True):
        assert save_change_form(client, change_url(scored), data).status_code == 302

    assert story_cache_key(scored.slug) in purged
    assert shown(Client(), scored) == ["Score up: a phase 3 trial reports."]


def test_a_new_statement_is_numbered_after_the_saved_ones(client, editor, scored):
    FalsifiableStatement.objects.create(article=scored, text="A.", position=4)
    data = opened(client, scored)
    assert data["falsifiable_statements-1-position"] == ["5"]
    data["falsifiable_statements-1-text"] = "B."
    assert save_change_form(client, change_url(scored), data).status_code == 302
    assert [(s.text, s.position) for s in statements_for(scored)] == [("A.", 4), ("B.", 5)]
