"""An editor drafts, previews, schedules, publishes and corrects a story in the admin."""

import os
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.admin_forms import WITHOUT_EVIDENCE, article_form, rows, save_change_form
from tests.approvals import approve
from tests.factories import make_article, make_term, make_topic

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def when(moment):
    """Run as if the clock said ``moment`` (for the site's notion of now)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_the_editors_group_has_content_permissions_and_nothing_on_users():
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    assert {"change_article", "add_source", "change_question", "add_correction"} <= codenames
    assert {"view_historicalarticle", "view_trustscorechange"} <= codenames
    assert not {c for c in codenames if c.endswith(("_user", "_group", "_permission"))}
    assert not {c for c in codenames if c.endswith(("_read", "_forecast", "_score"))}


def test_create_editor_makes_a_staff_member_of_the_editors_group():
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": "correct-horse-battery-9"}):
        call_command("create_editor", "ada", email="ada@example.org", stdout=StringIO())
    ada = User.objects.get(username="ada")
    assert ada.is_staff and not ada.is_superuser
    assert ada.groups.filter(name="Editors").exists()
    assert ada.check_password("correct-horse-battery-9")


def test_create_editor_refuses_a_weak_password():
    with (
        mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": "123"}),
        pytest.raises(CommandError, match="too short"),
    ):
        call_command("create_editor", "weak", stdout=StringIO())
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.parametrize(
    ("make_user", "reaches_admin"),
    [
        (lambda: User.objects.create_user("reader", password="pw-reader-123456"), False),
        (
            lambda: User.objects.create_user("staff", password="pw-staff-123456", is_staff=True),
            False,
        ),
        (lambda: User.objects.create_superuser("root", password="pw-root-123456"), True),
    ],
)
def test_only_editors_and_superusers_reach_the_admin(client, make_user, reaches_admin):
    user = make_user()
    client.force_login(user)
    response = client.get(reverse("admin:articles_article_changelist"))
    assert (response.status_code == 200) is reaches_admin


def test_an_editor_reaches_the_admin(client, editor):
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 200


def test_drafts_may_be_incomplete_but_cannot_be_published(client, editor):
    draft = article_form(explanation="", technical="", status="draft")
    assert client.post(reverse("admin:articles_article_add"), draft).status_code == 302

    article = Article.objects.get()
    refused = save_change_form(client, change_url(article), draft | {"status": "published"})
    text = refused.content.decode()
    assert "To publish, add the explanation." in text
    assert "To publish, add the technical deep dive." in text
    assert "To publish, add at least one topic." in text
    assert Article.objects.get().status == "draft"


def test_the_full_editorial_flow(client, editor, django_capture_on_commit_callbacks):
    topic = make_topic(name="Astronomy")
    term = make_term(term="Exoplanet", slug="exoplanet")
    data = (
        article_form(
            topics=[topic.pk], glossary_terms=[term.pk], explanation="An exoplanet was found."
        )
        | WITHOUT_EVIDENCE
    )

    # Draft, then review.
    client.post(reverse("admin:articles_article_add"), data)
    article = Article.objects.get()
    save_change_form(client, change_url(article), data | {"status": "in_review"})
    assert Article.objects.get().state == "In review"
    approve(article)  # by a second editor (tests/editorial/test_review.py)

    # Preview: editors see it with a banner, never cached; readers get a 404.
    preview = client.get(article.get_absolute_url())
    assert preview.status_code == 200
    assert "Preview — not published." in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]
    reader = client.__class__()
    assert reader.get(article.get_absolute_url()).status_code == 404

    # Schedule for tomorrow: still hidden, then live by itself at that time.
    tomorrow = timezone.now() + timedelta(days=1)
    save_change_form(
        client,
        change_url(article),
        data
        | {
            "status": "published",
            "published_at_0": tomorrow.strftime("%Y-%m-%d"),
            "published_at_1": tomorrow.strftime("%H:%M:%S"),
        },
    )
    article.refresh_from_db()
    assert article.state == "Scheduled"
    assert reader.get(article.get_absolute_url()).status_code == 404
    with when(tomorrow + timedelta(minutes=1)):
        live = reader.get(article.get_absolute_url())
        front = reader.get(reverse("articles:front"))
    assert live.status_code == 200 and "Preview" not in live.content.decode()
    assert front.context["lead"] == article

    # A correction: shown in a box, and the story's updated time moves.
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - timedelta(days=3),
        updated_at=timezone.now() - timedelta(days=3),
    )
    before = Article.objects.get().updated_at
    with django_capture_on_commit_callbacks(execute=True):  # the save's purges
        save_change_form(
            client,
            change_url(article),
            data
            | {"status": "published"}
            | rows(
                "corrections",
                {
                    "kind": "correction",
                    "note": "The star is 40 light years away, not 4.",
                    "made_at_0": timezone.now().strftime("%Y-%m-%d"),
                    "made_at_1": timezone.now().strftime("%H:%M:%S"),
                },
            ),
        )
    page = reader.get(article.get_absolute_url()).content.decode()
    assert "Corrections and updates" in page
    assert "The star is 40 light years away, not 4." in page
    assert Article.objects.get().updated_at > before


def test_history_records_who_changed_what_and_compares_versions(client, editor):
    topic = make_topic()
    data = article_form(topics=[topic.pk])
    client.post(reverse("admin:articles_article_add"), data)
    article = Article.objects.get()
    save_change_form(
        client, change_url(article), data | {"headline": "Bees learn to count to five"}
    )

    versions = list(article.history.order_by("history_date"))
    assert [v.headline for v in versions[-2:]] == [
        "Bees learn to count to four",
        "Bees learn to count to five",
    ]
    assert versions[-1].history_user == editor

    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert history.status_code == 200 and "Compare two versions" in history.content.decode()
    compare = client.get(
        reverse("admin:articles_article_history_compare", args=[article.pk]),
        {"old": versions[0].history_id, "new": versions[-1].history_id},
    )
    text = compare.content.decode()
    assert "Bees learn to count to four" in text and "Bees learn to count to five" in text
    assert '<th scope="row">Headline</th>' in text  # the field's label, not its name


def test_sources_and_questions_keep_history_too(editor):
    from tests.factories import make_criteria, make_question, make_source

    make_criteria()
    source = make_source(name="A journal")
    source.name = "A renamed journal"
    source.save()
    question = make_question()
    question.text = "Will it happen by 2031?"
    question.save()
    assert [v.name for v in source.history.order_by("history_date")][::2] == [
        "A journal",
        "A renamed journal",
    ]  # between them, the first scoring
    assert question.history.count() == 2


def test_renaming_a_published_story_keeps_its_old_link(client, editor):
    article = make_article(slug="old-name")
    data = article_form(
        slug="old-name",
        status="published",
        topics=[article.topics.get().pk],
        headline=article.headline,
    )
    save_change_form(client, change_url(article), data | {"slug": "new-name"})

    response = client.__class__().get("/articles/old-name/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/new-name/"


def test_the_markdown_preview_uses_the_public_pipeline(client, editor):
    term = make_term(term="Quasar", slug="quasar")
    response = client.post(
        reverse("admin:articles_article_markdown_preview"),
        {
            "source": "A **quasar**! <script>alert(1)</script>",
            "section": "explanation",
            "terms": [str(term.pk)],
        },
    )
    html = response.json()["html"]
    assert '<a class="term" href="#term-quasar">quasar</a>' in html
    assert "<script" not in html


def test_readers_cannot_use_the_markdown_preview(client):
    response = client.post(reverse("admin:articles_article_markdown_preview"), {"source": "x"})
    assert response.status_code == 302


def test_a_correction_moves_the_stories_updated_time_and_shows_in_the_header(client):
    from articles.models import Correction

    article = make_article(published_at=timezone.now() - timedelta(days=10))
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(days=10))
    made = timezone.now() - timedelta(days=1)
    Correction.objects.create(article=article, kind="update", note="Phase 3 began.", made_at=made)

    assert Article.objects.get(pk=article.pk).updated_at == made
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'Updated <time datetime="{made.strftime("%Y-%m-%dT%H:%M:%S%z")}"' in html
    assert "Update, " in html and "Phase 3 began." in html


def test_the_markdown_preview_refuses_crafted_text_with_a_json_error(client, editor):
    url = reverse("admin:articles_article_markdown_preview")
    for source in ["[" * 8_000 + "x" + "]" * 8_000, ">" * 1_000 + " x", "x" * 100_001]:
        response = client.post(url, {"source": source, "section": "explanation"})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]
