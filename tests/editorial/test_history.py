"""A story's history in editors' words: labels, a word diff of long text, what inline
changes (a correction) did, and a compare page that opens on two different versions."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.admin_forms import article_form, rows, save_change_form
from tests.factories import make_term, make_topic

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def story(client, editor):
    """A draft saved twice through the form: the second time with a longer explanation."""
    data = article_form(topics=[make_topic().pk], glossary_terms=[make_term().pk])
    data["explanation"] = (
        "Honeybees trained with sugar rewards learned to pick the card showing four shapes "
        "rather than three, even when the shapes changed size and colour."
    )
    client.post(reverse("admin:articles_article_add"), data)
    article = Article.objects.get()
    edited = data | {
        "explanation": data["explanation"].replace("four shapes", "four small shapes"),
        "status": "in_review",
    }
    save_change_form(client, change_url(article), edited)
    return article, edited


def test_compare_opens_on_the_two_latest_different_versions(client, story):
    article, _ = story
    compare = client.get(reverse("admin:articles_article_history_compare", args=[article.pk]))
    text = compare.content.decode()
    assert "These two versions are the same" not in text
    assert "2 fields changed" in text


def test_compare_uses_labels_and_a_word_diff_of_long_text(client, story):
    article, _ = story
    text = client.get(
        reverse("admin:articles_article_history_compare", args=[article.pk])
    ).content.decode()
    assert '<th scope="row">Status</th>' in text
    assert "Draft</pre>" in text and "In review</pre>" in text  # choice labels, not values
    assert '<th scope="row">Explanation</th>' in text
    assert "four <ins>small</ins> shapes" in text
    assert "1 word added, 0 removed" in text
    assert "status</th>" not in text


def test_the_history_list_says_what_changed_without_none(client, story):
    article, _ = story
    text = client.get(reverse("admin:articles_article_history", args=[article.pk])).content
    text = text.decode()
    assert "None" not in re.sub(r"<script.*?</script>", "", text, flags=re.S)
    assert "<strong>Explanation</strong>: +1 / −0 words" in text
    assert "<strong>Status</strong>: Draft → In review" in text
    assert text.count("The earliest version recorded") == 1


def test_adding_a_correction_is_recorded_in_the_storys_history(client, story):
    article, data = story
    now = timezone.now()
    save_change_form(
        client,
        change_url(article),
        data
        | rows(
            "corrections",
            {"kind": "correction", "note": "The bees were honeybees, not bumblebees.",
             "made_at_0": now.strftime("%Y-%m-%d"), "made_at_1": now.strftime("%H:%M:%S")},
        ),
    )  # fmt: skip
    latest = article.history.first()
    assert latest.history_change_reason == (
        "Added correction: “The bees were honeybees, not bumblebees.”"
    )
    listing = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "Added correction: “The bees were honeybees" in listing.content.decode()


def test_an_old_version_is_shown_but_never_saved_back_over_newer_work(client, story):
    article, edited = story
    oldest = article.history.order_by("history_id").first()
    url = reverse("admin:articles_article_simple_history", args=[article.pk, oldest.history_id])

    shown = client.get(url)
    posted = client.post(url, edited | {"explanation": oldest.explanation})

    assert shown.status_code == 200
    assert "Revert" not in shown.content.decode()
    assert posted.status_code == 403
    article.refresh_from_db()
    assert "four small shapes" in article.explanation
