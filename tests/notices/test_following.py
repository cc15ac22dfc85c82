"""Following a story or a question: from the shared pages (a plain form, the same bytes for
everyone, refused from other sites), automatically by forecasting, and unfollowing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.signals import reader_joined
from notices import tasks
from notices.models import Follow, SweepMark
from predictions.models import Forecast
from tests.factories import make_article, make_question
from tests.notices.conftest import make_account, signed_in

pytestmark = pytest.mark.django_db


def follow_url(target):
    if hasattr(target, "text"):
        return reverse("notices:follow_question", args=[target.slug])
    return reverse("notices:follow_story", args=[target.slug])


def test_an_account_follows_a_question_from_its_page_and_sees_it_on_its_settings(reader, account):
    question = make_question(text="Will the trial report by 2027?")

    page = Client().get(question.get_absolute_url())
    assert f'action="{follow_url(question)}"'.encode() in page.content
    response = reader.post(follow_url(question), follow=True)

    assert response.redirect_chain[-1][0] == reverse("notices:settings")
    assert "You now follow “Will the trial report by 2027?”" in response.content.decode()
    follow = Follow.objects.get(account=account)
    assert (follow.question, follow.reason, follow.following) == (question, "chosen", True)
    assert "Will the trial report by 2027?" in response.content.decode()


def test_following_twice_is_following_once(reader, account):
    story = make_article(headline="A story to follow")

    reader.post(follow_url(story))
    again = reader.post(follow_url(story), follow=True)

    assert Follow.objects.filter(account=account, article=story).count() == 1
    assert "You already follow “A story to follow”" in again.content.decode()


def test_the_story_page_offers_the_follow_form_to_everyone_alike(client):
    story = make_article()

    first, second = client.get(story.get_absolute_url()), Client().get(story.get_absolute_url())

    assert f'action="{follow_url(story)}"'.encode() in first.content
    assert first.content == second.content
    assert "public" in first["Cache-Control"]


def test_a_reader_without_an_account_is_told_plainly_that_following_needs_one(client):
    question = make_question()

    response = client.post(follow_url(question))

    assert response.status_code == 403
    assert "Following needs an account" in response.content.decode()
    assert reverse("accounts:create").encode() in response.content
    assert "no-store" in response["Cache-Control"]
    assert not Follow.objects.exists()


def test_the_shared_pages_follow_form_needs_no_csrf_token(account):
    """The page is the same for everyone, so its form carries no token (core/crossorigin.py)."""
    question = make_question()
    strict = signed_in(account, enforce_csrf_checks=True)

    response = strict.post(follow_url(question), HTTP_SEC_FETCH_SITE="same-origin")

    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    assert Follow.objects.get(account=account).question == question


def test_a_follow_sent_from_another_site_is_refused(reader, account):
    question = make_question()

    response = reader.post(follow_url(question), HTTP_SEC_FETCH_SITE="cross-site")

    assert response.status_code == 403
    assert not Follow.objects.exists()


@pytest.mark.parametrize("method", ["get", "put"])
def test_following_takes_only_a_post(reader, method):
    question = make_question()

    assert getattr(reader, method)(follow_url(question)).status_code == 405


def test_an_unknown_or_unpublished_target_is_404(reader):
    draft = make_article(status="draft")

    assert reader.post(follow_url(draft)).status_code == 404
    assert reader.post(reverse("notices:follow_question", args=["no-such"])).status_code == 404


def test_forecasting_through_the_site_follows_the_question_for_an_account(reader, account):
    question = make_question()

    response = reader.post(
        reverse("predictions:forecast", args=[question.slug]), {"probability": 30}
    )
    assert response.status_code == 302
    tasks.follow_forecast_questions.call_local()

    follow = Follow.objects.get(account=account)
    assert (follow.question, follow.reason) == (question, "forecast")
    assert follow.forecast_seen_at == Forecast.objects.get(reader_id=account.reader_id).made_at


def test_forecasting_without_an_account_follows_nothing(client):
    question = make_question()

    client.post(reverse("predictions:forecast", args=[question.slug]), {"probability": 30})
    tasks.follow_forecast_questions.call_local()

    assert not Follow.objects.exists()


def test_an_unfollowed_question_stays_unfollowed_when_forecast_again(reader, account):
    question = make_question()
    forecast_url = reverse("predictions:forecast", args=[question.slug])
    reader.post(forecast_url, {"probability": 30})
    tasks.follow_forecast_questions.call_local()
    follow = Follow.objects.get(account=account)

    response = reader.post(reverse("notices:unfollow"), {"id": follow.pk}, follow=True)
    assert "You no longer follow it." in response.content.decode()
    reader.post(forecast_url, {"probability": 60})
    tasks.follow_forecast_questions.call_local()

    follow.refresh_from_db()
    assert follow.following is False


def test_a_forecast_stored_through_the_orm_follows_at_once(account):
    question = make_question()

    Forecast.objects.create(question=question, reader_id=account.reader_id, probability=40)

    assert Follow.objects.get(account=account).question == question


def test_questions_an_anonymous_reader_forecast_are_followed_when_it_joins_an_account(
    client, account
):
    question = make_question()
    client.post(reverse("predictions:forecast", args=[question.slug]), {"probability": 30})
    anonymous = Forecast.objects.get().reader_id

    reader_joined.send(
        sender=Account, anonymous_reader_id=anonymous, account_reader_id=account.reader_id
    )

    assert Follow.objects.get(account=account).question == question


def test_the_forecast_sweep_moves_its_mark_only_past_forecasts_old_enough(account):
    """A forecast sends no signal (bulk_create here, one SQL statement on the site): the
    sweep reads what came since its mark, and keeps a young forecast for the next run, in
    case one with a lower id commits after it."""
    question, other = make_question(), make_question()
    now = timezone.now()
    old, young = Forecast.objects.bulk_create(
        [
            Forecast(question=question, reader_id=account.reader_id, probability=20,
                     made_at=now - timedelta(minutes=2)),
            Forecast(question=other, reader_id=account.reader_id, probability=70, made_at=now),
        ]
    )  # fmt: skip

    tasks.follow_forecast_questions.call_local()
    tasks.follow_forecast_questions.call_local()

    assert sorted(Follow.objects.values_list("question_id", flat=True)) == sorted(
        [question.pk, other.pk]
    )
    assert SweepMark.objects.get().position == old.pk


def test_unfollowing_someone_elses_follow_changes_nothing(reader):
    question = make_question()
    stranger = make_account()
    theirs = Follow.objects.create(account=stranger, question=question)

    response = reader.post(reverse("notices:unfollow"), {"id": theirs.pk}, follow=True)

    assert "You do not follow that" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.following is True


def test_unfollowing_needs_the_csrf_token(account):
    question = make_question()
    follow = Follow.objects.create(account=account, question=question)
    strict = signed_in(account, enforce_csrf_checks=True)

    assert strict.post(reverse("notices:unfollow"), {"id": follow.pk}).status_code == 403
    follow.refresh_from_db()
    assert follow.following is True
