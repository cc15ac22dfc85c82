"""Each kind of event is noticed once, by its receiver or its job, and told to the right
followers: a question resolving (with each reader's score), its crowd moving past each
reader's threshold, its close coming, a story's score changing, a correction, a notice on
a cited work."""

from datetime import timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from articles.models import Correction
from notices import delivery, services, tasks
from notices.models import Event, Follow, Notification
from notices.wording import told
from predictions import services as predictions
from predictions.models import Forecast, Question
from tests.factories import (
    cite,
    make_article,
    make_criteria,
    make_meter,
    make_question,
    make_source,
)
from tests.notices.conftest import make_account
from trust.models import Assessment, Citation, ComponentScore
from trust.services import mark_citation, rescore_article

pytestmark = pytest.mark.django_db


def deliver_all():
    for event_id in delivery.undelivered_events():
        tasks.deliver_event.call_local(event_id)


def notices_of(account):
    return [
        told(notification)
        for notification in Notification.objects.filter(account=account).for_listing()
    ]


# A question resolves ----------------------------------------------------------------


def resolve(question, resolution="yes", **kwargs):
    return predictions.resolve_question(
        question=question, resolution=resolution, note="It happened.", **kwargs
    )


def test_a_resolution_is_one_event_told_to_each_follower_with_their_own_score(
    django_capture_on_commit_callbacks,
):
    question = make_question(text="Will it fly by 2030?")
    forecaster, watcher, stranger = make_account(), make_account(), make_account()
    Forecast.objects.create(
        question=question,
        reader_id=forecaster.reader_id,
        probability=80,
        made_at=question.opens_at + timedelta(hours=1),
    )
    services.follow(account=watcher, question=question)

    with django_capture_on_commit_callbacks(execute=True):
        resolve(question)
    with django_capture_on_commit_callbacks(execute=True):
        resolve(question)  # the same answer again is not news
    deliver_all()

    event = Event.objects.get(kind="resolved")
    assert [(task.name, task.args) for task in HUEY.pending()] == [("deliver_event", (event.pk,))]
    [mine] = notices_of(forecaster)
    assert mine.title == "Resolved: Will it fly by 2030?"
    assert "Your Brier score: 0.040" in mine.text
    assert "forecast of 80% at the close" in mine.text
    [theirs] = notices_of(watcher)
    assert "You had no forecast on it." in theirs.text
    assert notices_of(stranger) == []


def test_a_corrected_resolution_is_told_again_and_an_annulment_scores_nobody():
    question = make_question()
    account = make_account()
    services.follow(account=account, question=question)

    resolve(question, "yes")
    resolve(question, "annulled")
    deliver_all()

    newest, oldest = (notice.text for notice in notices_of(account))
    assert newest == "It was annulled: nobody is scored on it."
    assert oldest.startswith("It resolved “Yes”.")


def test_delivering_an_event_twice_tells_each_follower_once():
    question = make_question()
    account = make_account()
    services.follow(account=account, question=question)
    resolve(question)
    event = Event.objects.get()

    tasks.deliver_event.call_local(event.pk)
    tasks.deliver_event.call_local(event.pk)
    tasks.deliver_waiting_events.call_local()

    assert Notification.objects.filter(account=account).count() == 1


# The crowd moves --------------------------------------------------------------------

CROWD = [f"crowd-reader-{index}" for index in range(5)]


def crowd_at(question, probability):
    """Five readers from five addresses all say ``probability``: the crowd's median."""
    for index, reader_id in enumerate(CROWD):
        predictions.submit_forecast(
            question=question,
            reader_id=reader_id,
            probability=probability,
            origin=f"origin-{index}",
        )
    question.refresh_from_db()
    assert question.median == probability


def test_the_crowd_is_told_only_past_each_readers_threshold():
    question = make_question()
    crowd_at(question, 50)
    usual, keen = make_account(), make_account(threshold=5)
    services.follow(account=usual, question=question)
    services.follow(account=keen, question=question)

    crowd_at(question, 56)
    tasks.tell_crowd_moves.call_local()
    assert [n.text for n in notices_of(keen)] == [
        "The community forecast is now 56%, from 50% when you last heard of it."
    ]
    assert notices_of(usual) == []

    crowd_at(question, 60)  # 10 points from what the usual reader heard: not more than 10
    tasks.tell_crowd_moves.call_local()
    assert notices_of(usual) == []
    assert len(notices_of(keen)) == 1  # 4 points from the 56 it was told of

    crowd_at(question, 62)
    tasks.tell_crowd_moves.call_local()
    tasks.tell_crowd_moves.call_local()
    assert [n.text for n in notices_of(usual)] == [
        "The community forecast is now 62%, from 50% when you last heard of it."
    ]
    assert [n.title for n in notices_of(keen)][0].startswith("The crowd moved:")
    assert [n.text for n in notices_of(keen)][0] == (
        "The community forecast is now 62%, from 56% when you last heard of it."
    )
    assert Event.objects.filter(kind="crowd_moved").count() == 2


def test_forecasting_resets_the_crowd_a_reader_is_compared_with(account):
    question = make_question()
    crowd_at(question, 50)
    services.follow(account=account, question=question)
    crowd_at(question, 70)
    predictions.submit_forecast(question=question, reader_id=account.reader_id, probability=70)

    tasks.follow_forecast_questions.call_local()
    tasks.tell_crowd_moves.call_local()

    assert Follow.objects.get(account=account).crowd_seen == 70
    assert notices_of(account) == []


def test_a_crowd_still_hidden_tells_nobody(account, settings):
    question = make_question()
    settings.FORECAST_REVEAL_MIN_FORECASTERS = 6
    crowd_at(question, 50)
    services.follow(account=account, question=question)
    crowd_at(question, 90)

    tasks.tell_crowd_moves.call_local()

    assert notices_of(account) == []


# A question closes soon -------------------------------------------------------------


def test_a_followed_question_closing_within_two_days_is_told_once(account):
    now = timezone.now()
    soon = make_question(closes_at=now + timedelta(hours=47), text="Closing soon?")
    later = make_question(closes_at=now + timedelta(hours=49))
    unfollowed = make_question(closes_at=now + timedelta(hours=3))
    services.follow(account=account, question=soon)
    services.follow(account=account, question=later)

    tasks.tell_closing_soon.call_local()
    tasks.tell_closing_soon.call_local()

    [notice] = notices_of(account)
    assert notice.title == "Closing soon: Closing soon?"
    assert notice.text.startswith("Forecasts close on ")
    assert not Event.objects.filter(question=unfollowed).exists()
    assert Event.objects.filter(kind="closing_soon").count() == 1


# A story's score changes, a correction, a notice on a cited work --------------------


@pytest.fixture
def scored_story(db):
    criteria = make_criteria()
    story = make_article(headline="A scored story")
    source = make_source(meets=criteria)
    cite(story, source, title="The study it rests on")
    make_meter(story, values=[None, 60], weights=[50, 50])
    return story


def test_a_change_of_score_is_told_once_and_its_update_note_is_not_told_again(
    scored_story, account
):
    services.follow(account=account, article=scored_story)
    component = ComponentScore.objects.get(article=scored_story, value=60)
    component.value = 20
    component.save()

    rescore_article(article=scored_story, reason="A larger trial found less.")
    rescore_article(article=scored_story, reason="Nothing moved.")
    deliver_all()

    assert Correction.objects.filter(article=scored_story, kind="update").count() == 1
    [notice] = notices_of(account)
    assert notice.title == "Reality score changed: A scored story"
    assert notice.text.startswith("Its reality score went from 80 to 60.")
    assert "A larger trial found less." in notice.text


def test_a_change_of_stage_alone_is_told_as_the_update_it_posts(scored_story, account):
    services.follow(account=account, article=scored_story)
    Assessment.objects.filter(article=scored_story).update(stage=7)

    rescore_article(article=scored_story, reason="Phase II began.")
    deliver_all()

    [notice] = notices_of(account)
    assert notice.title == "Update: A scored story"
    assert not Event.objects.filter(kind="score_changed").exists()


def test_a_correction_is_told_once(scored_story, account):
    services.follow(account=account, article=scored_story)

    correction = Correction.objects.create(article=scored_story, note="The dose was 5 mg.")
    correction.save()
    deliver_all()

    [notice] = notices_of(account)
    assert (notice.title, notice.text) == ("Correction: A scored story", "The dose was 5 mg.")
    assert notice.path == scored_story.get_absolute_url() + "#corrections-heading"


def test_a_retraction_of_a_cited_work_is_told_once(scored_story, account):
    services.follow(account=account, article=scored_story)
    citation = Citation.objects.get(article=scored_story)

    for _ in range(2):
        mark_citation(
            citation=citation,
            status=Citation.Status.RETRACTED,
            note="Retracted for image manipulation.",
            reason="The study was retracted.",
        )
    deliver_all()

    kinds = sorted(Event.objects.values_list("kind", flat=True))
    assert kinds == ["citation_notice", "score_changed"]
    titles = [notice.title for notice in notices_of(account)]
    assert "Retraction of a work cited in “A scored story”" in titles
    notice = next(n for n in notices_of(account) if n.title.startswith("Retraction"))
    assert notice.text == "“The study it rests on”. Retracted for image manipulation."


def test_a_story_event_is_told_to_the_storys_followers_not_its_questions(scored_story):
    question = make_question(article=scored_story)
    story_follower, question_follower = make_account(), make_account()
    services.follow(account=story_follower, article=scored_story)
    services.follow(account=question_follower, question=question)

    Correction.objects.create(article=scored_story, note="A date was wrong.")
    resolve(Question.objects.get(pk=question.pk))
    deliver_all()

    assert [n.title for n in notices_of(story_follower)] == ["Correction: A scored story"]
    assert [n.title for n in notices_of(question_follower)] == [f"Resolved: {question.text}"]


def test_fixture_loads_are_not_news(scored_story, account):
    services.follow(account=account, article=scored_story)
    Correction(article=scored_story, note="Loaded.").save_base(raw=True)

    assert not Event.objects.exists()
