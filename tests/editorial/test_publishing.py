"""The publish checklist, its recorded "publish without evidence" override, and the
lead story editors pin."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, Picture
from tests.admin_forms import (
    WITHOUT_EVIDENCE,
    article_form,
    change_form_data,
    rows,
    save_change_form,
)
from tests.approvals import approve
from tests.factories import make_article, make_criteria, make_picture, make_source, make_topic
from trust.models import MeterComponent

pytestmark = pytest.mark.django_db

ADD = "admin:articles_article_add"
CHANGELIST = "admin:articles_article_changelist"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def evidence():
    """POST rows for a complete meter and one citation, on a two-component rubric."""
    stage = MeterComponent.objects.create(
        name="Evidence stage", slug="evidence-stage", description="Ladder.", default_weight=60
    )
    trust = MeterComponent.objects.create(
        name="Source trust", slug="source-trust", description="Mean.", default_weight=40,
        from_sources=True, position=1,
    )  # fmt: skip
    criteria = make_criteria()
    source = make_source(criteria=criteria, meets=criteria)
    return (
        rows("assessment", {"stage": "6", "horizon": "5-10", "horizon_note": ""})
        | rows(
            "component_scores",
            {"component": stage.pk, "value": "45", "weight": "60", "rationale": "Phase I."},
            {"component": trust.pk, "value": "", "weight": "40", "rationale": ""},
        )
        | rows("citations", {"position": "1", "title": "The trial", "source": source.pk,
                             "kind": "primary", "url": "", "doi": "", "published_on": "",
                             "note": "", "status": "standing"})
    )  # fmt: skip


def test_a_story_without_evidence_is_saved_but_not_published(client, editor):
    response = client.post(
        reverse(ADD), article_form(topics=[make_topic().pk], status="published"), follow=True
    )
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    text = response.content.decode()
    assert "Saved, not published: To publish, an editor other than editor" in text
    assert "To publish, cite at least one source" in text
    assert "To publish, complete the reality meter" in text
    assert client.__class__().get(article.get_absolute_url()).status_code == 404

    checklist = client.get(change_url(article)).content.decode()
    assert 'checklist__item--missing">At least one citation' in checklist
    assert 'checklist__item--done">The story' in checklist


def test_a_story_with_its_evidence_on_the_same_form_is_published(client, editor, evidence):
    client.post(reverse(ADD), article_form(topics=[make_topic().pk]) | evidence)
    article = Article.objects.get()
    approve(article)
    data = change_form_data(client, change_url(article)) | {"status": "published"}
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert article.assessment.score == 67  # 45 × 0.6 + 100 × 0.4
    assert client.__class__().get(article.get_absolute_url()).status_code == 200


def test_publishing_needs_a_standfirst_and_a_byline(client, editor, evidence):
    data = article_form(topics=[make_topic().pk], status="published", dek="", byline="")
    response = client.post(reverse(ADD), data | evidence)
    text = response.content.decode()
    assert "To publish, add a standfirst." in text and "To publish, add a byline." in text
    assert not Article.objects.exists()


def test_the_override_needs_a_reason_and_readers_see_not_yet_assessed(client, editor):
    data = article_form(topics=[make_topic().pk], status="published")
    refused = client.post(reverse(ADD), data | {"published_without_evidence": "on"})
    assert "Say why this story goes out without its evidence" in refused.content.decode()
    assert not Article.objects.exists()

    drafted = client.post(reverse(ADD), data | WITHOUT_EVIDENCE | {"status": "draft"})
    assert drafted.status_code == 302
    article = Article.objects.get()
    approve(article)
    assert save_change_form(client, change_url(article), data | WITHOUT_EVIDENCE).status_code == 302
    article.refresh_from_db()
    assert article.is_public
    page = client.__class__().get(article.get_absolute_url()).content.decode()
    assert "Not yet assessed." in page
    assert "Breaking news; the sources follow within the day." in page
    recorded = article.history.filter(published_without_evidence=True).first()
    assert recorded.history_user == editor


def test_the_list_action_refuses_too(client, editor):
    draft = make_article(status=Article.Status.DRAFT)
    approve(draft)
    response = client.post(
        reverse(CHANGELIST), {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "was not published: To publish, cite at least one source" in response.content.decode()
    assert Article.objects.get().status == Article.Status.DRAFT


def pin(client, article):
    return client.post(
        reverse(CHANGELIST), {"action": "pin_lead", "_selected_action": [article.pk]}, follow=True
    )


def test_editors_pin_the_lead_story_and_one_pin_replaces_another(client, editor):
    older = make_article(published_at=timezone.now() - timedelta(days=3))
    middle = make_article(published_at=timezone.now() - timedelta(days=2))
    newest = make_article()
    assert client.get(reverse("articles:front")).context["lead"] == newest

    assert "now leads the front page" in pin(client, older).content.decode()
    front = client.get(reverse("articles:front")).context
    assert front["lead"] == older
    assert older not in front["latest"]

    pin(client, middle)
    assert client.get(reverse("articles:front")).context["lead"] == middle
    assert list(Article.objects.filter(is_lead=True)) == [middle]
    assert Article.objects.get(pk=middle.pk).updated_at == middle.updated_at  # not an edit

    client.post(reverse(CHANGELIST), {"action": "unpin_lead", "_selected_action": [middle.pk]})
    assert client.get(reverse("articles:front")).context["lead"] == newest


def test_an_unpublished_story_cannot_be_pinned(client, editor):
    draft = make_article(status=Article.Status.DRAFT)
    assert "Only a published story can lead" in pin(client, draft).content.decode()
    assert not Article.objects.filter(is_lead=True).exists()


def test_a_picture_without_alt_text_holds_back_publishing(client, editor, evidence):
    article = make_article(status=Article.Status.DRAFT)
    picture = make_picture(article)
    Picture.objects.filter(pk=picture.picture_id).update(alt=" ")
    assert any("alt text" in problem for problem in services.publication_problems(article))
    page = client.get(change_url(article)).content.decode()
    assert "Alt text, caption, credit and licence on every picture" in page
    described = "A chart of the trial's relapse rates."
    Picture.objects.filter(pk=picture.picture_id).update(alt=described)
    assert not any("alt text" in problem for problem in services.publication_problems(article))
