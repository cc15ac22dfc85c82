"""Restoring an old version of a story: a new version with the editor's reason, the
story's words only (never its status or publish time), refused over a change saved
since, and reaching readers like any save."""

import re
from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from articles.models import Article, story_cache_key
from tests.admin_forms import (
    WITHOUT_EVIDENCE,
    article_form,
    change_form_data,
    save_change_form,
)
from tests.approvals import approve
from tests.core.test_activity_purges import PurgeRecorder
from tests.factories import make_author, make_topic

pytestmark = pytest.mark.django_db

FIRST = {
    "headline": "Bees learn to count to four",
    "explanation": "Honeybees trained with sugar rewards learned to pick the card with four "
    "shapes.\n\n### Why it matters\n\nCounting was thought to need a large brain.",
}
SECOND = {
    "headline": "Bees count to five, a new study says",
    "explanation": "Honeybees trained with sugar rewards learned to pick the card with five "
    "shapes.\n\n### Why it matters\n\nCounting was thought to need a large brain.",
}


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def restore_url(article, version):
    return reverse("admin:articles_article_history_restore", args=[article.pk, version.pk])


def page_form(client, url):
    """The restore page's form fields, as the page gives them."""
    html = client.get(url).content.decode()
    token = re.search(r'name="loaded_version" value="([^"]*)"', html).group(1)
    return {"loaded_version": token}


@pytest.fixture
def story(client, editor):
    """A published story saved twice through the form: the first version, then the second."""
    data = article_form(topics=[make_topic().pk]) | WITHOUT_EVIDENCE | FIRST
    client.post(reverse("admin:articles_article_add"), data)
    article = Article.objects.get()
    approve(article)
    save_change_form(client, change_url(article), data | {"status": "published"})
    save_change_form(client, change_url(article), data | {"status": "published"} | SECOND)
    article.refresh_from_db()
    first = article.history.order_by("history_date").first()
    return article, first, data | {"status": "published"}


def test_the_restore_page_says_what_changes_what_stays_and_asks_why(client, story):
    article, first, _ = story
    html = client.get(restore_url(article, first)).content.decode()

    assert "2 fields would change" in html
    assert '<th scope="row">Headline</th>' in html
    assert '<pre class="history-compare__value">Bees count to five, a new study says</pre>' in html
    assert '<ins><span class="visually-hidden">added: </span>four</ins>' in html
    assert "Everything else stays as it is now: slug, topics, glossary terms" in html
    assert "status, publish time" in html
    assert "A restore never publishes, unpublishes or reschedules anything." in html
    assert '<label for="id_reason">Why restore this version:</label>' in html


def test_restoring_saves_the_old_words_as_a_new_version_with_the_reason(client, editor, story):
    article, first, _ = story
    published_at = article.published_at
    versions = article.history.count()
    form = page_form(client, restore_url(article, first))

    response = client.post(restore_url(article, first), form | {"reason": "Five was a typo."})

    assert response.status_code == 302 and response.url == change_url(article)
    article.refresh_from_db()
    assert article.headline == FIRST["headline"] and article.explanation == FIRST["explanation"]
    assert "four" in article.explanation_html  # rendered again, as any save does
    assert (article.status, article.published_at) == ("published", published_at)
    latest = article.history.first()
    assert article.history.count() == versions + 1
    assert latest.history_user == editor
    assert re.fullmatch(
        r"Restored the version of \d+ \w{3} \d{4} \d\d:\d\d: Five was a typo\.",
        latest.history_change_reason,
    )
    logged = LogEntry.objects.filter(object_id=str(article.pk)).first()
    assert logged.get_change_message() == "Changed Headline and Explanation."
    page = client.get(change_url(article)).content.decode()
    assert "Restored the version of" in page and "Everything else stays as it was." in page
    listing = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "Five was a typo." in listing.content.decode()


def test_a_restore_needs_a_reason(client, story):
    article, first, _ = story
    form = page_form(client, restore_url(article, first))

    response = client.post(restore_url(article, first), form | {"reason": "  "})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    article.refresh_from_db()
    assert article.headline == SECOND["headline"]


def test_a_restore_over_a_change_saved_since_is_refused_then_can_be_made(client, alice, story):
    article, first, data = story
    url = restore_url(article, first)
    form = page_form(client, url)  # I open the restore page
    save_change_form(alice, change_url(article), data | SECOND | {"byline": "Alice Desk"})

    refused = client.post(url, form | {"reason": "Back to four."})

    html = refused.content.decode()
    assert refused.status_code == 200
    changed = r"This story was changed by alice at \d\d:\d\d after you opened it: Byline"
    assert re.search(changed, html)
    article.refresh_from_db()
    assert article.headline == SECOND["headline"] and article.byline == "Alice Desk"
    # The refused page carries the version it now shows: restoring from it restores.
    again = re.search(r'name="loaded_version" value="([^"]*)"', html).group(1)
    assert again != form["loaded_version"]
    assert 'value="Back to four."' in html  # the reason is kept
    client.post(url, {"loaded_version": again, "reason": "Back to four."})
    article.refresh_from_db()
    assert article.headline == FIRST["headline"] and article.byline == "Test Desk"


def test_a_form_opened_before_a_restore_is_refused_when_saved_after_it(client, alice, story):
    article, first, _ = story
    mine = change_form_data(client, change_url(article))
    form = page_form(alice, restore_url(article, first))
    alice.post(restore_url(article, first), form | {"reason": "Five was a typo."})

    refused = client.post(change_url(article), mine | {"dek": "A new standfirst."})

    assert refused.status_code == 200
    said = refused.content.decode()
    assert re.search(r"This story was changed by alice at \d\d:\d\d after you opened it", said)
    article.refresh_from_db()
    assert article.headline == FIRST["headline"] and article.dek != "A new standfirst."


def test_a_version_missing_what_a_published_story_needs_is_not_restored(client, story):
    article, _, data = story
    save_change_form(client, change_url(article), data | SECOND | {"status": "draft", "dek": ""})
    without_dek = article.history.first()
    save_change_form(client, change_url(article), data | SECOND | {"status": "draft"})
    approve(article)
    save_change_form(client, change_url(article), data | SECOND)
    article.refresh_from_db()
    assert article.status == "published" and article.dek

    form = page_form(client, restore_url(article, without_dek))
    refused = client.post(restore_url(article, without_dek), form | {"reason": "Test."})

    assert "To publish, add a standfirst." in refused.content.decode()
    article.refresh_from_db()
    assert article.dek == data["dek"]


def test_a_version_that_reads_as_the_current_one_offers_nothing_to_restore(client, story):
    article, _, _ = story
    current = article.history.first()
    html = client.get(restore_url(article, current)).content.decode()
    assert "there is nothing to restore" in html
    assert 'name="reason"' not in html


@pytest.fixture
def recorder(settings):
    """The HTTP cache, as far as purges go: a server recording each PURGE it is sent."""
    recorder = PurgeRecorder()
    settings.HTTP_CACHE_PURGE_URLS = [recorder.url]
    yield recorder
    recorder.server.shutdown()


def test_restoring_purges_the_storys_pages_once_it_commits(
    client, story, recorder, django_capture_on_commit_callbacks
):
    article, first, _ = story
    form = page_form(client, restore_url(article, first))

    with django_capture_on_commit_callbacks() as on_commit:
        client.post(restore_url(article, first), form | {"reason": "Five was a typo."})
        assert recorder.purges == []  # nothing leaves the cache before the save commits

    for callback in on_commit:
        callback()
    assert any({"stories", story_cache_key(article.slug)} <= keys for keys in recorder.purges)
    page = Client().get(article.get_absolute_url()).content.decode()
    assert FIRST["headline"] in page and "card with four" in page


def test_only_editors_can_restore(client, story):
    article, first, _ = story
    url = restore_url(article, first)
    reader = User.objects.create_user("reader", password="a-long-reader-password")
    signed_in = Client()
    signed_in.force_login(reader)

    for someone in (Client(), signed_in):
        assert someone.get(url).status_code == 302  # to the editors' log-in page
        assert someone.post(url, {"reason": "No."}).status_code == 302
    article.refresh_from_db()
    assert article.headline == SECOND["headline"]


def test_a_version_of_another_story_or_none_is_not_found(client, story):
    article, first, _ = story
    other = Article.objects.create(headline="Another", slug="another")
    other_version = other.history.first()
    assert client.get(restore_url(article, other_version)).status_code == 404
    missing = reverse("admin:articles_article_history_restore", args=[article.pk, 999999])
    assert client.get(missing).status_code == 404
    assert client.get(restore_url(other, first)).status_code == 404


def test_a_version_naming_an_author_deleted_since_is_not_restored(client, editor, story):
    article, _, data = story
    author = make_author(name="Ann Reporter")
    save_change_form(client, change_url(article), data | SECOND | {"author": str(author.pk)})
    with_author = article.history.first()
    save_change_form(client, change_url(article), data | FIRST | {"author": ""})
    author.delete()

    form = page_form(client, restore_url(article, with_author))
    refused = client.post(restore_url(article, with_author), form | {"reason": "Test."})

    assert refused.status_code == 200
    assert "This version's author has been deleted since" in unescape(refused.content.decode())
    article.refresh_from_db()
    assert article.headline == FIRST["headline"] and article.author is None
