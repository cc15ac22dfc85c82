"""An editor sets a story's times both ways: when it is taken down, and the embargo before
which it may not be public, on the story form, by the list's action and through the
publish service (articles/services.py, articles/publishing_times.py)."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from articles.publishing_times import said
from tests.admin_forms import change_form_data
from tests.approvals import approve
from tests.factories import make_article

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def split(name, moment):
    """The admin's date and time boxes of ``name`` holding ``moment`` (None: empty)."""
    if moment is None:
        return {f"{name}_0": "", f"{name}_1": ""}
    local = timezone.localtime(moment)
    return {f"{name}_0": local.strftime("%Y-%m-%d"), f"{name}_1": local.strftime("%H:%M:%S")}


def minute(moment):
    """``moment`` to the whole minute, as an editor types it and the form keeps it."""
    return moment.replace(second=0, microsecond=0)


# Stories here go out before their evidence is in, so that the checklist they pass is
# the story's own and the times'.
READY = {
    "published_without_evidence": True,
    "without_evidence_reason": "Embargoed results; the sources follow.",
}


def embargoed_draft(until):
    """An approved draft, ready to publish, under an embargo that ends ``until``."""
    story = make_article(
        status=Article.Status.DRAFT, published_at=None, embargo_until=until, **READY
    )
    approve(story)
    return story


def save_form(client, story, **fields):
    data = change_form_data(client, change_url(story)) | fields
    return client.post(change_url(story), data, follow=True)


def errors_of(response):
    form = response.context["adminform"].form
    return {name: list(messages) for name, messages in form.errors.items()}


# The publish service


def test_an_embargoed_story_published_with_no_time_is_scheduled_for_the_embargos_end(
    client, travel
):
    ends = minute(timezone.now() + timedelta(hours=2))
    story = embargoed_draft(ends)

    services.publish(article=story)

    story.refresh_from_db()
    assert story.published_at == ends and story.state == "Scheduled"
    assert client.get(story.get_absolute_url()).status_code == 404
    travel(ends - timedelta(seconds=1))
    assert client.get(story.get_absolute_url()).status_code == 404
    travel(ends)
    assert client.get(story.get_absolute_url()).status_code == 200
    assert story.headline in client.get(reverse("articles:front")).content.decode()


def test_publishing_before_the_embargo_ends_is_refused_by_the_service():
    ends = timezone.now() + timedelta(hours=2)
    story = embargoed_draft(ends)

    with pytest.raises(ValidationError) as refused:
        services.publish(article=story, at=ends - timedelta(minutes=1))

    assert f"The embargo ends {said(ends)}" in " ".join(refused.value.messages)
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT and story.published_at is None


def test_an_ended_embargo_lets_the_story_out_at_once():
    story = embargoed_draft(timezone.now() - timedelta(minutes=1))
    services.publish(article=story)
    assert story.is_public and story.state == "Published"


def test_a_story_whose_takedown_time_has_passed_is_not_published_again():
    story = make_article(
        published_at=timezone.now() - timedelta(days=2),
        unpublish_at=timezone.now() - timedelta(days=1),
        **READY,
    )
    services.unpublish(article=story)
    approve(story)

    with pytest.raises(ValidationError) as refused:
        services.publish(article=story)

    assert "Its takedown time" in refused.value.messages[0]
    assert "has passed" in refused.value.messages[0]


def test_the_database_refuses_times_in_the_wrong_order():
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(published_at=now, unpublish_at=now - timedelta(minutes=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(published_at=now, embargo_until=now + timedelta(minutes=1))


def test_a_published_story_saved_without_a_time_under_an_embargo_goes_out_when_it_ends():
    ends = timezone.now() + timedelta(hours=1)
    story = make_article(published_at=None, embargo_until=ends)
    assert story.published_at == ends and story.state == "Scheduled"


# The story form


def test_the_publishing_section_offers_both_times_with_their_help(client, editor):
    story = make_article()
    page = client.get(change_url(story)).content.decode()
    assert 'name="unpublish_at_0"' in page and 'name="embargo_until_0"' in page
    assert "Take down at" in page and "Embargo ends" in page
    assert "Readers stop seeing the story at this time, by itself" in page
    assert "The story may not be public before this time." in page
    assert "A takedown time ends it" in page


def test_a_takedown_before_the_publish_time_is_a_form_error(client, editor):
    now = timezone.now()
    story = make_article(published_at=now - timedelta(hours=1))

    response = save_form(
        client, story, **split("unpublish_at", now - timedelta(hours=2)), status="published"
    )

    assert response.status_code == 200
    errors = errors_of(response)
    assert list(errors) == ["unpublish_at"]
    assert errors["unpublish_at"][0].startswith("Take the story down after it goes out (")
    story.refresh_from_db()
    assert story.unpublish_at is None


def test_a_publish_time_before_the_embargo_ends_is_a_form_error(client, editor):
    ends = minute(timezone.now() + timedelta(hours=3))
    story = embargoed_draft(None)

    response = save_form(
        client,
        story,
        **split("embargo_until", ends),
        **split("published_at", ends - timedelta(hours=1)),
        status="published",
    )

    errors = errors_of(response)
    assert errors["published_at"] == [
        f"The embargo ends {said(ends)}: set a publish time at or after it, or leave it "
        "empty and the story goes out when the embargo ends."
    ]
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT and story.embargo_until is None


def test_publishing_an_embargoed_story_on_the_form_schedules_it_for_the_embargos_end(
    client, editor
):
    ends = minute(timezone.now() + timedelta(hours=3))
    story = embargoed_draft(ends)

    response = save_form(client, story, **split("published_at", None), status="published")

    assert response.status_code == 200 and "not published" not in response.content.decode()
    story.refresh_from_db()
    assert story.published_at == ends and story.state == "Scheduled"


def test_a_takedown_time_on_the_form_takes_the_story_down_by_itself(client, editor, travel):
    story = make_article()
    down = minute(timezone.now() + timedelta(hours=1))

    save_form(client, story, **split("unpublish_at", down))

    story.refresh_from_db()
    assert story.unpublish_at == down and story.state == "Published"
    travel(down)
    assert Article.objects.get(pk=story.pk).state == "Taken down"


def test_the_list_of_stories_says_which_are_scheduled_and_which_taken_down(client, editor):
    now = timezone.now()
    make_article(headline="Already gone", unpublish_at=now - timedelta(minutes=1))
    make_article(headline="Coming later", published_at=now + timedelta(hours=1))
    make_article(headline="Out now", unpublish_at=now + timedelta(hours=1))

    rows = client.get(CHANGELIST).content.decode().split("<tr")[1:]

    def state_of(headline):
        row = next(row for row in rows if headline in row)
        return re.search(r'<td class="field-state">([^<]*)</td>', row).group(1)

    assert state_of("Already gone") == "Taken down"
    assert state_of("Coming later") == "Scheduled"
    assert state_of("Out now") == "Published"


# The list's action


def test_the_publish_action_schedules_an_embargoed_story_and_says_so(client, editor):
    ends = minute(timezone.now() + timedelta(hours=5))
    story = embargoed_draft(ends)

    response = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [story.pk]}, follow=True
    )

    assert f"“{story.headline}” is scheduled." in response.content.decode()
    story.refresh_from_db()
    assert story.published_at == ends


def test_the_publish_action_refuses_a_time_before_the_embargo(client, editor):
    ends = timezone.now() + timedelta(hours=5)
    story = embargoed_draft(ends)
    # Set past the form (an import): the action still refuses it, in words.
    Article.objects.filter(pk=story.pk).update(published_at=None)
    story.refresh_from_db()

    response = client.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [story.pk]},
        follow=True,
    )
    assert "is scheduled" in response.content.decode()

    services.unpublish(article=story)
    approve(story)
    with pytest.raises(ValidationError):
        services.publish(article=story, at=ends - timedelta(seconds=1))
