"""Review by email, through a real SMTP server (and, where it says so, the real job
runner): the editor a story is asked of by name is told once, the editor who asked is
told once of the answer, and nobody else; a job or sweep run again tells nothing twice."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from articles import review_mail, reviews, tasks
from articles.models import Article, ReviewDecision, ReviewRequest
from core.absolute_urls import absolute
from tests.factories import make_article
from tools import servers

JOB_SECONDS = 30


def make_editor(username, *, email=None):
    """A staff user; ``<username>@example.org`` unless ``email`` is given ("" for none)."""
    address = f"{username}@example.org" if email is None else email
    return get_user_model().objects.create_user(username, address, is_staff=True)


def make_draft(headline="Bees learn to count to four"):
    return make_article(status=Article.Status.DRAFT, published_at=None, headline=headline)


def change_link(article):
    return absolute(reverse("admin:articles_article_change", args=[article.pk]))


def text_of(message):
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def decide(article, *, by, verdict, comment=""):
    return reviews.decide(
        article=article,
        by=by,
        verdict=verdict,
        comment=comment,
        read_version=reviews.latest_version(article),
    )


def told(model, pk):
    return model.objects.get(pk=pk).told_at is not None


# Through the job runner ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_named_reviewer_is_told_once_by_the_job_runner(mail_server, request):
    request.getfixturevalue("job_runner")  # started after the mail server, to mail it
    alice, bea = make_editor("alice"), make_editor("bea")
    story = make_draft()

    sent = reviews.send_for_review(
        article=story, by=alice, reviewer=bea, note="Is the sugar reward clear?"
    )

    assert servers.wait_for(lambda: len(mail_server.messages) == 1, JOB_SECONDS)
    [message] = mail_server.messages
    assert message["To"] == "bea@example.org"
    assert message["Subject"] == "Review asked: Bees learn to count to four"
    text = text_of(message)
    assert "alice asks you to review this story" in text
    assert "Their note:\nIs the sugar reward clear?" in text
    assert change_link(story) in text.split()
    assert servers.wait_for(lambda: told(ReviewRequest, sent.pk), JOB_SECONDS)

    # The job again, in the runner, and the sweep as if long after: nothing more.
    again = tasks.tell_review_request(sent.pk)
    assert again.get(blocking=True, timeout=JOB_SECONDS) == 0
    assert review_mail.tell_untold(now=timezone.now() + timedelta(hours=1)) == 0
    assert len(mail_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_approving_and_asking_for_changes_each_tell_the_asker_once(mail_server, request):
    request.getfixturevalue("job_runner")
    alice, bea = make_editor("alice"), make_editor("bea")
    story = make_draft()

    reviews.send_for_review(article=story, by=alice, reviewer=bea)
    assert servers.wait_for(lambda: len(mail_server.messages) == 1, JOB_SECONDS)
    changes = decide(story, by=bea, verdict="changes", comment="Say how many bees were tested.")
    assert servers.wait_for(lambda: len(mail_server.messages) == 2, JOB_SECONDS)
    reviews.send_for_review(article=story, by=alice, reviewer=bea)
    assert servers.wait_for(lambda: len(mail_server.messages) == 3, JOB_SECONDS)
    approval = decide(story, by=bea, verdict="approved", comment="Clear now.")
    assert servers.wait_for(lambda: len(mail_server.messages) == 4, JOB_SECONDS)

    asked, changes_mail, asked_again, approval_mail = mail_server.messages
    assert [m["To"] for m in (asked, asked_again)] == ["bea@example.org"] * 2
    assert changes_mail["To"] == approval_mail["To"] == "alice@example.org"
    assert changes_mail["Subject"] == "Changes asked: Bees learn to count to four"
    assert approval_mail["Subject"] == "Approved: Bees learn to count to four"
    changes_text, approval_text = text_of(changes_mail), text_of(approval_mail)
    assert "bea reviewed the story you sent for review" in changes_text
    assert "Verdict: Changes asked" in changes_text
    assert "Their comment:\nSay how many bees were tested." in changes_text
    assert "Verdict: Approved" in approval_text
    assert "Their comment:\nClear now." in approval_text
    assert change_link(story) in changes_text.split()
    assert change_link(story) in approval_text.split()

    for decision in (changes, approval):
        again = tasks.tell_review_decision(decision.pk)
        assert again.get(blocking=True, timeout=JOB_SECONDS) == 0
    assert len(mail_server.messages) == 4


# The rules, with the jobs run here -------------------------------------------------


@pytest.mark.django_db
def test_a_request_to_any_editor_sends_no_mail(mail_server):
    alice = make_editor("alice")
    make_editor("bea")

    sent = reviews.send_for_review(article=make_draft(), by=alice, reviewer=None, note="Anyone?")

    assert tasks.tell_review_request.call_local(sent.pk) == 0
    assert told(ReviewRequest, sent.pk)
    assert review_mail.tell_untold(now=timezone.now() + timedelta(hours=1)) == 0
    assert mail_server.messages == []


@pytest.mark.django_db
def test_an_answer_to_any_editor_tells_the_asker(mail_server):
    alice, bea = make_editor("alice"), make_editor("bea")
    story = make_draft()
    reviews.send_for_review(article=story, by=alice, reviewer=None)

    decision = decide(story, by=bea, verdict="approved")

    assert tasks.tell_review_decision.call_local(decision.pk) == 1
    [message] = mail_server.messages
    assert (message["To"], message["Subject"]) == (
        "alice@example.org",
        "Approved: " + story.headline,
    )
    assert "Their comment" not in text_of(message)


@pytest.mark.django_db
def test_a_request_without_a_note_says_none(mail_server):
    alice, bea = make_editor("alice"), make_editor("bea")

    sent = reviews.send_for_review(article=make_draft(), by=alice, reviewer=bea)

    assert tasks.tell_review_request.call_local(sent.pk) == 1
    assert "note" not in text_of(mail_server.messages[0])


@pytest.mark.django_db
def test_a_reviewer_without_an_address_gets_no_mail_and_the_review_goes_on(mail_server):
    alice, bea = make_editor("alice"), make_editor("bea", email="")
    story = make_draft()

    sent = reviews.send_for_review(article=story, by=alice, reviewer=bea, note="Please.")
    assert tasks.tell_review_request.call_local(sent.pk) == 0
    assert told(ReviewRequest, sent.pk)
    decision = decide(story, by=bea, verdict="changes", comment="Name the lab.")
    assert tasks.tell_review_decision.call_local(decision.pk) == 1

    [message] = mail_server.messages
    assert message["To"] == "alice@example.org"
    assert "Name the lab." in text_of(message)


@pytest.mark.django_db
def test_an_asker_without_an_address_or_who_decides_is_not_told(mail_server):
    alice, bea = make_editor("alice", email=""), make_editor("bea")
    first, second = make_draft(), make_draft("Ants farm fungi")

    reviews.send_for_review(article=first, by=alice, reviewer=bea)
    by_bea = decide(first, by=bea, verdict="approved")
    reviews.send_for_review(article=second, by=bea, reviewer=None)
    by_the_asker = decide(second, by=bea, verdict="approved")

    assert tasks.tell_review_decision.call_local(by_bea.pk) == 0
    assert tasks.tell_review_decision.call_local(by_the_asker.pk) == 0
    assert told(ReviewDecision, by_bea.pk) and told(ReviewDecision, by_the_asker.pk)
    assert mail_server.messages == []


@pytest.mark.django_db
def test_a_request_replaced_before_its_job_ran_is_not_told(mail_server):
    alice, bea, carl = make_editor("alice"), make_editor("bea"), make_editor("carl")
    story = make_draft()

    first = reviews.send_for_review(article=story, by=alice, reviewer=bea)
    second = reviews.send_for_review(article=story, by=alice, reviewer=carl)

    assert tasks.tell_review_request.call_local(first.pk) == 0
    assert tasks.tell_review_request.call_local(second.pk) == 1
    assert [m["To"] for m in mail_server.messages] == ["carl@example.org"]


@pytest.mark.django_db
def test_the_sweep_tells_what_an_enqueue_missed_once_it_is_a_minute_old(mail_server, travel):
    alice, bea = make_editor("alice"), make_editor("bea")
    story = make_draft()
    now = timezone.now()
    sent = reviews.send_for_review(article=story, by=alice, reviewer=bea)
    decision = decide(story, by=bea, verdict="changes", comment="Shorter, please.")

    assert tasks.tell_untold_reviews.call_local() == 0  # the enqueued jobs' turn
    travel(now + timedelta(minutes=2))
    assert tasks.tell_untold_reviews.call_local() == 1  # the request was answered first
    assert tasks.tell_untold_reviews.call_local() == 0

    assert [m["To"] for m in mail_server.messages] == ["alice@example.org"]
    assert told(ReviewRequest, sent.pk) and told(ReviewDecision, decision.pk)


@pytest.mark.django_db
def test_a_mail_server_away_leaves_it_untold_for_the_sweep(mail_server, settings, travel):
    alice, bea = make_editor("alice"), make_editor("bea")
    sent = reviews.send_for_review(article=make_draft(), by=alice, reviewer=bea)
    working = settings.EMAIL_PORT
    settings.EMAIL_PORT = servers.free_port()

    with pytest.raises(OSError):
        tasks.tell_review_request.call_local(sent.pk)
    assert not told(ReviewRequest, sent.pk)

    settings.EMAIL_PORT = working
    travel(timezone.now() + timedelta(minutes=2))
    assert tasks.tell_untold_reviews.call_local() == 1
    assert tasks.tell_untold_reviews.call_local() == 0
    assert [m["To"] for m in mail_server.messages] == ["bea@example.org"]


@pytest.mark.django_db
def test_without_mail_configured_nothing_is_sent_nor_left_waiting(settings, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    # Were a mail built, its link would stop the job: no SITE_URL outside development.
    settings.SITE_URL, settings.DEVELOPMENT = "", False
    alice, bea = make_editor("alice"), make_editor("bea")
    story = make_draft()
    sent = reviews.send_for_review(article=story, by=alice, reviewer=bea)
    decision = decide(story, by=bea, verdict="approved")

    assert tasks.tell_review_request.call_local(sent.pk) == 0
    assert tasks.tell_review_decision.call_local(decision.pk) == 0
    assert told(ReviewRequest, sent.pk) and told(ReviewDecision, decision.pk)
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_the_job_is_queued_only_once_the_send_commits():
    alice, bea = make_editor("alice"), make_editor("bea")
    story = make_draft()
    HUEY.flush()

    with pytest.raises(RuntimeError), transaction.atomic():
        reviews.send_for_review(article=story, by=alice, reviewer=bea)
        assert HUEY.pending_count() == 0
        raise RuntimeError("the request fails after sending")
    assert HUEY.pending_count() == 0
    assert not ReviewRequest.objects.exists()

    with transaction.atomic():
        sent = reviews.send_for_review(article=story, by=alice, reviewer=bea)
        assert HUEY.pending_count() == 0
    [job] = HUEY.pending()
    assert (job.name, job.args) == ("tell_review_request", (sent.pk,))


@pytest.mark.django_db
def test_a_hostile_headline_stays_in_its_subject(mail_server):
    alice, bea = make_editor("alice"), make_editor("bea")
    story = make_draft("Bees\r\nBcc: eve@example.org\n\nFree  <b>honey</b>\u2028today")

    sent = reviews.send_for_review(article=story, by=alice, reviewer=bea)
    assert tasks.tell_review_request.call_local(sent.pk) == 1
    decision = decide(story, by=bea, verdict="approved")
    assert tasks.tell_review_decision.call_local(decision.pk) == 1

    asked, approved = mail_server.messages
    flat = "Bees Bcc: eve@example.org Free <b>honey</b> today"
    assert asked["Subject"] == f"Review asked: {flat}"
    assert approved["Subject"] == f"Approved: {flat}"
    for message, raw in zip(mail_server.messages, mail_server.raw, strict=True):
        assert message["Bcc"] is None
        headers = raw.split(b"\r\n\r\n")[0].replace(b"\r\n ", b" ").replace(b"\r\n\t", b" ")
        assert not any(line.lower().startswith(b"bcc") for line in headers.split(b"\r\n"))
        assert "<b>honey</b>" in text_of(message)  # plain text: nothing escaped


def test_a_long_headline_is_cut_to_the_subjects_length():
    cut = review_mail.subject("Review asked", "A very long headline " * 20)
    assert len(cut) == review_mail.SUBJECT_LENGTH
    assert cut.startswith("Review asked: A very long headline") and cut.endswith("…")
