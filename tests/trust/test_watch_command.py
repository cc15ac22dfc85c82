"""The watch as editors and the job runner start it: manage.py watch_citations, and the
nightly huey job (trust/tasks.py), both against the Crossref-compatible server."""

from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from huey.contrib.djhuey import HUEY
from huey.exceptions import RetryTask

from tests.factories import cite, make_article, make_source
from tests.trust import crossref_server as served
from trust import tasks
from trust.models import Citation, WatchFinding

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("watch_citations", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def cited(crossref_server):
    """Two stories: one citing the retracted lutetium-hydride paper, one a preprint."""
    lutetium = cite(make_article(slug="lutetium"), make_source(), doi=served.RETRACTED)
    preprint = cite(make_article(slug="bat-virus"), make_source(), doi=served.PREPRINT)
    return lutetium, preprint


def test_the_command_prints_a_plain_summary_and_twice_finds_nothing_new(cited):
    lutetium, preprint = cited
    assert run() == (
        "Looked up 2 works cited 2 times; 2 new findings for the editors; 0 lookups failed.\n"
        f"  Retraction: {lutetium}\n"
        f"  Preprint now published: {preprint}\n"
    )
    assert run().startswith("Looked up 2 works cited 2 times; 0 new findings")
    assert WatchFinding.objects.count() == 2


def test_the_command_takes_one_story_or_a_few_works(cited, crossref_server):
    lutetium, _ = cited
    assert run("--story", "lutetium").startswith("Looked up 1 work cited 1 time; 1 new finding")
    assert crossref_server.requests_for(served.PREPRINT) == []
    # The least recently looked-up work first: the preprint, never asked yet.
    assert run("--limit", "1").startswith("Looked up 1 work cited 1 time; 1 new finding")
    assert len(crossref_server.requests_for(served.PREPRINT)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--story", "no-such-story"], "No story has the slug “no-such-story”."),
        (["--limit", "0"], "a whole number of works, 1 or more, not “0”"),
        (["--limit", "many"], "a whole number of works, 1 or more, not “many”"),
    ],
)
def test_the_command_refuses_what_it_cannot_do_in_a_sentence(cited, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not WatchFinding.objects.exists()


def test_the_command_says_when_crossref_asks_it_to_wait(cited, crossref_server):
    crossref_server.answer(served.RETRACTED, 429, retry_after=120)
    crossref_server.answer(served.PREPRINT, 429, retry_after=120)
    assert run().endswith(
        "Stopped with 2 works left to look up: Crossref asked us to wait 120 seconds; "
        "the job tries again then.\n"
    )


def test_the_nightly_job_is_scheduled_at_17_past_3_utc_and_retries():
    def due_at(hour, minute):
        moment = datetime(2026, 12, 8, hour, minute)  # noqa: DTZ001 (huey's clock is naive UTC)
        return any(isinstance(task, job.task_class) for task in HUEY.read_periodic(moment))

    job = tasks.watch_citations
    assert due_at(3, 17) and not due_at(3, 18) and not due_at(15, 17)
    assert (job.task_class.default_retries, job.task_class.default_retry_delay) == (3, 60)


def test_the_nightly_job_does_what_the_command_does(cited):
    lutetium, preprint = cited
    result = tasks.watch_citations.call_local()
    assert {f.citation for f in result.findings} == {lutetium, preprint}
    assert set(WatchFinding.objects.values_list("kind", flat=True)) == {"retraction", "published"}
    assert not Citation.objects.filter(watched_at__isnull=True).exists()
    assert tasks.watch_citations.call_local().findings == []


def test_the_nightly_job_tries_again_when_crossref_says_when(cited, crossref_server):
    crossref_server.answer(served.RETRACTED, 429, retry_after=90)
    with pytest.raises(RetryTask) as retry:
        tasks.watch_citations.call_local()
    assert retry.value.delay == 90
