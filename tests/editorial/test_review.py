"""Review before publishing: a story is sent to an editor, who approves it or asks for
changes with a comment; publishing needs a current approval by someone other than its
last author, unless a superuser gives a reason; editorial comments never reach readers."""

import html
import os
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles import reviews, services
from articles.models import Article, EditorialComment, ReviewDecision, ReviewRequest
from tests.admin_forms import change_form_data, save_change_form
from tests.factories import make_article

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-editor-password"
CHANGELIST = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def review_url(article, action):
    return reverse(f"admin:articles_article_review_{action}", args=[article.pk])


def log_in(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def desk():
    """Two editors made by the documented command, alice and bea, each logged in."""
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": PASSWORD}):
        for username in ("alice", "bea"):
            call_command("create_editor", username, stdout=StringIO())
    return log_in("alice"), log_in("bea")


def users(*names):
    found = get_user_model().objects.in_bulk(names, field_name="username")
    return [found[name] for name in names]


@pytest.fixture
def draft(desk):
    """A complete draft whose words alice wrote."""
    (alice,) = users("alice")
    story = make_article(
        status=Article.Status.DRAFT,
        published_at=None,
        published_without_evidence=True,
        without_evidence_reason="The trial's data come out next week.",
    )
    story.headline, story._history_user = "Bees learn to count to four", alice
    story.save()
    return story


def send(client, story, reviewer="", note=""):
    data = {"review-send-reviewer": reviewer, "review-send-note": note}
    return client.post(review_url(story, "send"), data, follow=True)


def decide(client, story, verdict, comment="", read_version=None):
    version = reviews.latest_version(story) if read_version is None else read_version
    data = {
        "review-decide-verdict": verdict,
        "review-decide-comment": comment,
        "review-decide-read_version": version,
    }
    return client.post(review_url(story, "decide"), data, follow=True)


def publish_on_form(client, story, **extra):
    data = change_form_data(client, change_url(story)) | {"status": "published"} | extra
    return client.post(change_url(story), data, follow=True)


def text_of(response):
    return html.unescape(response.content.decode())


def test_sending_for_review_puts_the_story_in_review_asked_of_a_named_editor(desk, draft):
    alice, bea = desk
    (bea_user,) = users("bea")
    response = send(alice, draft, reviewer=bea_user.pk, note="Is the sugar reward clear?")

    assert "Sent for review to bea: the story is In review." in text_of(response)
    draft.refresh_from_db()
    assert draft.status == Article.Status.IN_REVIEW
    request = ReviewRequest.objects.get()
    assert (request.reviewer, request.status) == (bea_user, ReviewRequest.Status.OPEN)
    assert draft.history.first().history_change_reason == "Sent for review to bea"
    assert "In review — asked of bea by alice" in text_of(response)
    assert "Is the sugar reward clear?" in text_of(response)

    listed = text_of(bea.get(CHANGELIST))
    assert "In review — asked of bea" in listed
    waiting = {client: text_of(client.get(CHANGELIST, {"review": "mine"})) for client in desk}
    assert draft.headline in waiting[bea] and draft.headline not in waiting[alice]


def test_sending_again_replaces_the_open_request_and_any_editor_may_answer(desk, draft):
    alice, bea = desk
    (bea_user,) = users("bea")
    send(alice, draft, reviewer=bea_user.pk)
    send(alice, draft)  # to any editor

    statuses = list(ReviewRequest.objects.values_list("status", "reviewer"))
    assert statuses == [("withdrawn", bea_user.pk), ("open", None)]
    assert "In review — asked of any editor" in text_of(alice.get(CHANGELIST))
    assert draft.headline in text_of(bea.get(CHANGELIST, {"review": "mine"}))


def test_asking_for_changes_needs_a_comment_and_puts_the_story_back_to_draft(desk, draft):
    alice, bea = desk
    send(alice, draft)

    refused = decide(bea, draft, "changes", comment="  ")
    assert "Say which changes you ask for in the comment." in text_of(refused)
    assert not ReviewDecision.objects.exists()

    response = decide(bea, draft, "changes", comment="Name the maze in the first paragraph.")
    assert "Changes asked: the story is back to Draft." in text_of(response)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert ReviewRequest.objects.get().status == ReviewRequest.Status.ANSWERED
    page = text_of(alice.get(change_url(draft)))
    assert "bea</strong> asked for changes" in page
    assert "Name the maze in the first paragraph." in page
    assert "Changes asked by bea" in text_of(alice.get(CHANGELIST))
    reason = draft.history.first().history_change_reason
    assert reason == "Changes asked: Name the maze in the first paragraph."


def test_the_last_author_cannot_approve_their_own_words(desk, draft):
    alice, _ = desk
    send(alice, draft)
    page = text_of(alice.get(change_url(draft)))
    assert 'id="review-decide"' not in page
    assert "You wrote its latest words, so another editor reviews them." in page

    forged = decide(alice, draft, "approved")
    assert "You wrote its latest words, so another editor reviews them." in text_of(forged)
    assert not ReviewDecision.objects.exists()


def test_an_approval_goes_stale_when_the_words_change_after_it(desk, draft):
    alice, bea = desk
    send(alice, draft)
    assert "Approved: the story may be published" in text_of(decide(bea, draft, "approved"))
    assert reviews.approval_problems(draft) == []
    approved = draft.history.first()
    assert (approved.history_change_reason, approved.history_user.username) == ("Approved", "bea")
    page = text_of(alice.get(change_url(draft)))
    assert 'checklist__item--done">Approved by an editor other than the last author' in page

    # A save that leaves the words as they were keeps the approval.
    data = change_form_data(alice, change_url(draft))
    save_change_form(alice, change_url(draft), data | {"slug": "bees-renamed"})
    assert reviews.approval_problems(draft) == []

    data = change_form_data(alice, change_url(draft))
    save_change_form(alice, change_url(draft), data | {"dek": "Bees picked four shapes."})
    assert reviews.approval_problems(draft) == [
        "Its words changed after bea approved them: to publish, an editor other than alice "
        "(who wrote its latest words) must approve it."
    ]
    assert "Approved by bea, words changed since" in text_of(alice.get(CHANGELIST))


def test_a_decision_on_words_changed_since_it_was_opened_is_refused(desk, draft):
    alice, bea = desk
    opened = reviews.latest_version(draft)
    data = change_form_data(alice, change_url(draft))
    save_change_form(alice, change_url(draft), data | {"headline": "Bees count to five"})

    response = decide(bea, draft, "approved", read_version=opened)
    assert "Its words were changed by alice after you opened it" in text_of(response)
    assert not ReviewDecision.objects.exists()


def test_publishing_without_an_approval_is_refused_on_the_form_and_by_the_action(desk, draft):
    alice, bea = desk
    message = (
        "To publish, an editor other than alice (who wrote its latest words) must approve "
        "it: send it for review."
    )
    response = publish_on_form(alice, draft)
    assert f"Saved, not published: {message}" in text_of(response)
    action = {"action": "publish", "_selected_action": [draft.pk]}
    response = alice.post(CHANGELIST, action, follow=True)
    assert f"“{draft.headline}” was not published: {message}" in text_of(response)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT

    send(alice, draft)
    decide(bea, draft, "approved")
    response = publish_on_form(alice, draft)
    assert response.status_code == 200 and "not published" not in text_of(response)
    draft.refresh_from_db()
    assert draft.is_public
    assert not ReviewRequest.objects.filter(status=ReviewRequest.Status.OPEN).exists()
    assert Client().get(draft.get_absolute_url()).status_code == 200


def test_the_action_publishes_an_approved_story(desk, draft):
    alice, bea = desk
    decide(bea, draft, "approved")
    response = alice.post(
        CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert f"“{draft.headline}” is published." in text_of(response)


def test_asking_for_changes_after_an_approval_withdraws_it(desk, draft):
    _, bea = desk
    decide(bea, draft, "approved")
    decide(bea, draft, "changes", comment="On second reading: the numbers are off.")
    assert reviews.approval_problems(draft) == [
        "Changes asked by bea: to publish, an editor other than alice (who wrote its "
        "latest words) must approve it."
    ]


@pytest.fixture
def chief(desk):
    get_user_model().objects.create_superuser("chief", "chief@example.org", PASSWORD)
    return log_in("chief")


def test_a_superuser_publishes_without_approval_only_with_a_reason_kept_in_history(chief, draft):
    response = publish_on_form(chief, draft)
    assert "Saved, not published: To publish, an editor other than alice" in text_of(response)

    reason = "Embargo lifted early; review follows."
    response = publish_on_form(chief, draft, publish_override_reason=reason)
    draft.refresh_from_db()
    assert draft.is_public
    latest = draft.history.first()
    assert latest.history_change_reason == f"Published without approval: {reason}"
    assert latest.history_user.username == "chief"
    page = text_of(chief.get(change_url(draft)))
    assert "Published without approval (chief," in page and f"“{reason}”" in page
    history = text_of(chief.get(reverse("admin:articles_article_history", args=[draft.pk])))
    assert f"Published without approval: {reason}" in history


def test_an_editor_cannot_override_and_the_service_says_so(desk, draft):
    alice, _ = desk
    page = text_of(alice.get(change_url(draft)))
    assert "publish_override_reason" not in page
    response = publish_on_form(alice, draft, publish_override_reason="I am sure.")
    assert "Saved, not published: To publish, an editor other than alice" in text_of(response)

    (alice_user,) = users("alice")
    with pytest.raises(Exception, match="Only a superuser may publish a story without"):
        services.publish(article=draft, by=alice_user, override_reason="I am sure.")
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_comments_are_kept_with_the_story_on_the_desk(desk, draft):
    alice, bea = desk
    response = bea.post(
        review_url(draft, "comment"), {"review-comment-text": "Check the n=12 claim."}, follow=True
    )
    assert "Comment added." in text_of(response)
    assert "Check the n=12 claim." in text_of(alice.get(change_url(draft)))
    refused = bea.post(review_url(draft, "comment"), {"review-comment-text": ""}, follow=True)
    assert "Add a comment (editors only): This field is required." in text_of(refused)
    assert EditorialComment.objects.count() == 1


SECRET = "Desk-only remark 7f3a: the second source is shaky."


def test_editorial_comments_never_reach_readers(desk, client):
    _, bea = desk
    story = make_article(headline="Bees learn to count to four")
    bea.post(review_url(story, "comment"), {"review-comment-text": SECRET})
    decide(bea, story, "changes", comment=SECRET)  # refused (published), so nothing kept
    assert EditorialComment.objects.filter(text=SECRET).exists()

    slug = story.slug
    for url in [
        story.get_absolute_url(),
        "/",
        reverse("api:story", args=[slug]),
        reverse("api:stories"),
        reverse("articles:feed_rss"),
        reverse("articles:feed_atom"),
        reverse("articles:search") + "?q=shaky+source",
        reverse("articles:search") + "?q=bees",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        assert b"7f3a" not in body, url
    # Editors previewing the story on the site do not see it either.
    assert "7f3a" not in text_of(bea.get(story.get_absolute_url()))


def test_forged_review_posts_are_refused_cleanly(desk, draft):
    alice, bea = desk
    other = make_article(status=Article.Status.DRAFT, published_at=None)

    assert bea.get(review_url(draft, "decide")).status_code == 405
    missing = reverse("admin:articles_article_review_decide", args=[987654])
    assert bea.post(missing, {"review-decide-verdict": "approved"}).status_code == 404

    # The version of another story is no version of this one.
    response = decide(bea, draft, "approved", read_version=reviews.latest_version(other))
    assert "That version is not one of this story's." in text_of(response)
    for forged in ["not-a-number", "99999999999999999999"]:
        response = decide(bea, draft, "approved", read_version=forged)
        assert response.status_code == 200 and "The version you read:" in text_of(response)
    response = decide(bea, draft, "publish-it")
    assert "Select a valid choice." in text_of(response)

    reader = get_user_model().objects.create_user("reader", password=PASSWORD)
    response = log_in(reader.username).post(review_url(draft, "send"), {})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = send(alice, draft, reviewer=reader.pk)
    assert "Ask: Select a valid choice." in text_of(response)
    (alice_user,) = users("alice")
    assert "Ask: Select a valid choice." in text_of(send(alice, draft, reviewer=alice_user.pk))

    # Staff outside the editors' group do not reach the admin at all.
    staff = get_user_model().objects.create_user("intern", password=PASSWORD, is_staff=True)
    response = log_in(staff.username).post(review_url(draft, "comment"), {})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    csrf_checked = Client(enforce_csrf_checks=True)
    csrf_checked.force_login(users("bea")[0])
    assert csrf_checked.post(review_url(draft, "comment"), {}).status_code == 403

    assert not ReviewDecision.objects.exists() and not ReviewRequest.objects.exists()
    assert not EditorialComment.objects.exists()


def test_a_published_story_is_not_sent_for_review(desk):
    alice, _ = desk
    story = make_article()
    response = send(alice, story)
    assert 'id="review-send"' not in text_of(response)
    assert "A published story is not sent for review" in text_of(response)
