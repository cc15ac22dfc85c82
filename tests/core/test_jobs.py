"""The job runner: huey's consumer, started as `make run` starts it, runs what is enqueued;
a request enqueues after its commit, and a Redis away costs it nothing."""

import logging
from datetime import timedelta

import pytest
import redis
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from core import jobs
from core.tasks import clear_expired_sessions
from tools import servers


def session(expires_in):
    store = SessionStore()
    store["who"] = "someone"
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def test_an_enqueued_job_runs_in_the_consumer_and_is_idempotent(job_runner):
    lapsed, live = session(timedelta(minutes=-1)), session(timedelta(days=1))

    clear_expired_sessions()

    assert servers.wait_for(lambda: not Session.objects.filter(pk=lapsed).exists(), 20)
    assert Session.objects.filter(pk=live).exists()
    clear_expired_sessions.call_local()
    assert list(Session.objects.values_list("pk", flat=True)) == [live]


def test_the_job_is_scheduled_daily():
    schedule = clear_expired_sessions.task_class().validate_datetime
    four_oh_five = timezone.now().replace(hour=4, minute=5, second=0, microsecond=0)
    assert schedule(four_oh_five)
    assert not schedule(four_oh_five + timedelta(minutes=1))


@pytest.mark.django_db
def test_a_request_enqueues_only_once_its_transaction_commits(django_capture_on_commit_callbacks):
    HUEY.flush()
    with django_capture_on_commit_callbacks() as waiting:
        jobs.enqueue_on_commit(clear_expired_sessions)
        assert HUEY.pending_count() == 0
    assert len(waiting) == 1
    waiting[0]()
    assert [task.name for task in HUEY.pending()] == ["clear_expired_sessions"]


@pytest.mark.django_db
def test_a_job_that_cannot_be_queued_costs_a_warning_not_the_request(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(HUEY.storage, "conn", redis.Redis(unix_socket_path="/nonexistent.sock"))
    with caplog.at_level(logging.WARNING, "core.jobs"):
        with django_capture_on_commit_callbacks(execute=True):
            jobs.enqueue_on_commit(clear_expired_sessions)
    assert "not queued" in caplog.text
