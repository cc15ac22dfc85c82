"""The story form as an editor works at it: sections in reading order, every error at
the top linked to its field, no deleting shared objects from inside a story."""

import re

import pytest
from django.urls import reverse

from articles.models import Article
from tests.admin_forms import article_form, rows
from tests.factories import make_article, make_criteria, make_source, make_topic
from trust.models import MeterComponent

pytestmark = pytest.mark.django_db

ADD = "admin:articles_article_add"


@pytest.fixture
def components():
    stage = MeterComponent.objects.create(
        name="Evidence stage", slug="evidence-stage", description="Ladder.", default_weight=60
    )
    trust = MeterComponent.objects.create(
        name="Source trust", slug="source-trust", description="Mean.", default_weight=40,
        from_sources=True, position=1,
    )  # fmt: skip
    return stage, trust


def section_headings(html):
    return re.findall(r'<h2 class="desk-section__heading"[^>]*>([^<]+)</h2>', html)


def test_the_story_form_is_in_sections_in_reading_order(client, editor):
    html = client.get(reverse(ADD)).content.decode()
    assert section_headings(html) == ["Story", "Evidence", "Question", "Publishing"]
    # Each section folds: its heading is the summary of a details element, open at first.
    assert html.count('<details class="desk-section__body" open>') == 4
    assert html.count('<summary class="desk-section__summary"><h2') == 4
    nav = re.search(r'<nav class="desk-nav".*?</nav>', html, re.S).group(0)
    assert re.findall(r'href="#(section-[a-z]+)"', nav) == [
        "section-story", "section-evidence", "section-question", "section-publishing",
    ]  # fmt: skip
    # Each inline sits in its section: citations under Evidence, the question under Question.
    evidence = html.index('id="section-evidence"')
    question = html.index('id="section-question"')
    publishing = html.index('id="section-publishing"')
    assert evidence < html.index('id="citations-group"') < question
    assert question < html.index('id="question-group"') < publishing
    assert publishing < html.index('id="corrections-group"')


def test_a_wrong_weight_sum_is_summarised_at_the_top_linked_to_the_components(
    client, editor, components
):
    stage, trust = components
    data = article_form(topics=[make_topic().pk]) | rows(
        "component_scores",
        {"component": stage.pk, "value": "40", "weight": "65", "rationale": "Phase I."},
        {"component": trust.pk, "value": "", "weight": "40", "rationale": "Computed."},
    )
    response = client.post(reverse(ADD), data)

    assert response.status_code == 200
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert html.index("error-summary") < html.index('id="section-story"')
    assert 'href="#component_scores-group"' in summary
    assert "add up to 105; they must add up to exactly 100" in summary
    assert not Article.objects.exists()


def test_field_errors_of_the_story_and_of_inline_rows_link_to_their_fields(client, editor):
    source = make_source(criteria=make_criteria())
    data = article_form(headline="") | rows(
        "citations",
        {"position": "1", "title": "A paper", "source": source.pk, "kind": "primary",
         "doi": "doi:10.1/x", "url": "", "published_on": "", "note": "", "status": "standing"},
    )  # fmt: skip
    html = client.post(reverse(ADD), data).content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert '<a href="#id_headline"><strong>Headline</strong>: This field is required.' in summary
    assert 'href="#id_citations-0-doi"' in summary
    assert "<strong>Citations, row 1: DOI</strong>: " in summary


def test_the_form_without_errors_has_no_summary(client, editor):
    article = make_article()
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert b"error-summary" not in html


def test_shared_sources_and_components_cannot_be_deleted_from_inside_a_story(
    client, editor, components
):
    html = client.get(reverse(ADD)).content.decode()
    assert 'id="delete_id_citations-__prefix__-source"' not in html
    assert 'id="delete_id_component_scores-__prefix__-component"' not in html
    # Adding and changing them from the story stays possible.
    assert 'id="add_id_citations-__prefix__-source"' in html
    assert 'id="change_id_component_scores-__prefix__-component"' in html


def rubric_rows(components, **values):
    """The component rows as the add form proposes them, with the editor's values."""
    return rows(
        "component_scores",
        *[
            {"component": c.pk, "weight": str(c.default_weight), "value": values.get(c.slug, ""),
             "rationale": ""}
            for c in components
        ],
    )  # fmt: skip


def test_a_new_story_starts_with_the_rubrics_components_at_their_default_weights(
    client, editor, components
):
    stage, trust = components
    html = client.get(reverse(ADD)).content.decode()
    assert 'name="component_scores-TOTAL_FORMS" value="2"' in html
    for index, component in enumerate(components):
        select = re.search(
            rf'<select name="component_scores-{index}-component".*?</select>', html, re.S
        ).group(0)
        assert re.search(
            rf'value="{component.pk}" selected data-default-weight="{component.default_weight}"',
            select,
        )
        weight = f'name="component_scores-{index}-weight" value="{component.default_weight}"'
        assert weight in html


def test_proposed_rows_are_saved_once_the_editor_fills_one(client, editor, components):
    stage, trust = components
    source = make_source(criteria=make_criteria(), meets=[])
    data = (
        article_form(topics=[make_topic().pk])
        | rubric_rows(components, **{"evidence-stage": "50"})
        | rows("citations", {"position": "1", "title": "A trial", "source": source.pk,
                             "kind": "primary", "url": "", "doi": "", "published_on": "",
                             "note": "", "status": "standing"})
    )  # fmt: skip
    response = client.post(reverse(ADD), data)

    assert response.status_code == 302
    article = Article.objects.get()
    saved = dict(article.component_scores.values_list("component__slug", "weight"))
    assert saved == {"evidence-stage": 60, "source-trust": 40}  # the untouched trust row too


def test_untouched_proposed_rows_leave_a_draft_without_a_meter(client, editor, components):
    response = client.post(reverse(ADD), article_form() | rubric_rows(components))
    assert response.status_code == 302
    assert not Article.objects.get().component_scores.exists()


def test_a_new_source_lists_every_criterion_and_needs_a_note_on_each(client, editor):
    criteria = make_criteria((50, 30, 20))
    add = reverse("admin:trust_source_add")
    html = client.get(add).content.decode()
    assert 'name="results-TOTAL_FORMS" value="3"' in html
    assert html.count("Evidence (required)") >= 1
    source = {"name": "A journal", "slug": "a-journal", "kind": "journal",
              "home_url": "https://journal.example.org/", "description": ""}  # fmt: skip
    results = [{"criterion": c.pk, "note": ""} for c in criteria]

    refused = client.post(add, source | rows("results", *results) | rows("score_changes"))
    assert refused.status_code == 200
    assert refused.content.decode().count("Criterion results, row") == 3

    results = [{"criterion": c.pk, "note": "Checked.", "met": "on"} for c in criteria[:2]] + [
        {"criterion": criteria[2].pk, "note": "Not peer reviewed."}
    ]
    saved = client.post(add, source | rows("results", *results) | rows("score_changes"))
    assert saved.status_code == 302
    from trust.models import Source

    assert Source.objects.get().trust_score == 80
