"""A story's history in editors' words: labels, long text compared by its paragraphs and
headings, no change listed that nobody made, what inline changes (a correction) did, and
a compare page that opens on two different versions."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.admin_forms import article_form, change_form_data, rows, save_change_form
from tests.approvals import approve
from tests.factories import make_article, make_author, make_term, make_topic

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
    assert 'four <ins><span class="visually-hidden">added: </span>small</ins> shapes' in text
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


def test_a_save_that_changes_nothing_shown_lists_no_change(client, story):
    """Publishing stamps the time with microseconds; the form saves whole seconds."""
    article, _ = story
    Article.objects.filter(pk=article.pk).update(
        published_without_evidence=True, without_evidence_reason="Breaking news."
    )
    approve(article)
    services.publish(article=Article.objects.get(pk=article.pk))
    url = change_url(article)
    client.post(url, change_form_data(client, url))  # as it stands

    article.refresh_from_db()
    published, saved_again = article.history.order_by("-history_date")[:2][::-1]
    assert published.published_at.microsecond and not saved_again.published_at.microsecond
    listing = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    history = re.search(r'<table id="change-history".*?</table>', listing.content.decode(), re.S)
    newest, publishing = re.findall(r"<tr>.*?</tr>", history.group(0), re.S)[1:3]
    assert "No field changed" in newest and "Publish time" not in newest
    assert "<strong>Publish time</strong>: (empty) → " in publishing
    compare = client.get(
        reverse("admin:articles_article_history_compare", args=[article.pk]),
        {"old": published.history_id, "new": saved_again.history_id},
    ).content.decode()
    assert "These two versions read the same" in compare


LONG_EXPLANATION = "\n\n".join(
    [
        "### What happened",
        "Honeybees trained with sugar rewards learned to pick the card with four shapes.",
        "Forty bees took part over two summers in a meadow near the laboratory.",
        "### Why it matters",
        "Counting was thought to need a large brain; a bee's has a million neurons.",
        "Other insects may count too, and nobody has looked.",
    ]
)


def test_compare_shows_only_the_changed_passage_with_its_neighbours(client, editor):
    data = article_form(topics=[make_topic().pk], explanation=LONG_EXPLANATION)
    client.post(reverse("admin:articles_article_add"), data)
    article = Article.objects.get()
    edited = LONG_EXPLANATION.replace("a million neurons", "about a million neurons")
    save_change_form(client, change_url(article), data | {"explanation": edited})

    text = client.get(
        reverse("admin:articles_article_history_compare", args=[article.pk])
    ).content.decode()

    assert "1 word added, 0 removed" in text
    assert "3 unchanged paragraphs or headings not shown" in text
    assert "### Why it matters" in text  # the passage before the change
    assert "Other insects may count too" in text  # and after it
    assert '<span class="history-diff__tag">Changed paragraph</span>' in text
    assert "Forty bees took part" not in text and "sugar rewards" not in text


def test_the_history_list_links_each_version_and_offers_to_restore_the_older_ones(client, story):
    article, _ = story
    versions = list(article.history.order_by("-history_date"))
    text = client.get(reverse("admin:articles_article_history", args=[article.pk])).content
    text = text.decode()
    for version in versions:
        url = reverse("admin:articles_article_simple_history", args=[article.pk, version.pk])
        assert f'href="{url}"' in text
    restore = [
        reverse("admin:articles_article_history_restore", args=[article.pk, version.history_id])
        for version in versions
    ]
    assert restore[0] not in text and "The current version" in text
    assert all(url in text for url in restore[1:])
    version_page = client.get(
        reverse("admin:articles_article_simple_history", args=[article.pk, versions[1].history_id])
    ).content.decode()
    assert f'<a class="button" href="{restore[1]}">Restore this version…</a>' in version_page
    assert "Nothing on this page can be saved." in version_page


def test_the_history_and_compare_pages_cost_the_same_however_many_versions(client, editor):
    """Each version names its author and the story it follows up: no query per version."""
    counts = {}
    for versions in (3, 12):
        article = make_article(author=make_author(), follows_up=make_article())
        for number in range(versions):
            article.headline = f"Bees count to {number}"
            article.explanation = f"Paragraph {number} of a long explanation. " * 5
            article.save()
        for page in ("history", "history_compare"):
            url = reverse(f"admin:articles_article_{page}", args=[article.pk])
            client.get(url)  # the caches of content types and sessions filled
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[page, versions] = len(queries)
    assert counts["history", 3] == counts["history", 12] <= 15
    assert counts["history_compare", 3] == counts["history_compare", 12] <= 12
