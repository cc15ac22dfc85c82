"""Reader activity reaches shared pages by a debounced purge (core/activity_purges.py):
pages keep for hours, and a burst of votes empties a story's page once, not once a vote."""

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import RequestFactory
from django.utils import timezone

from core import activity_purges, fragments, httpcache, shared_redis
from predictions import services
from tests.factories import make_article, make_question

pytestmark = pytest.mark.django_db(transaction=True)


class PurgeRecorder:
    """An HTTP server that records the keys of each PURGE it is sent, and whether it was
    soft (the pages only marked stale)."""

    def __init__(self):
        self.purges = []
        self.soft = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self):  # noqa: N802 (the method's name)
                recorder.purges.append(set(self.headers["xkey"].split()))
                recorder.soft.append(self.headers["xkey-softpurge"] == "1")
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def purged(self, key):
        return sum(key in keys for keys in self.purges)


@pytest.fixture
def recorder(settings, monkeypatch):
    recorder = PurgeRecorder()
    settings.HTTP_CACHE_PURGE_URLS = [recorder.url]
    settings.ACTIVITY_PURGE_SECONDS = 0.5
    monkeypatch.setattr(activity_purges, "RENDER_SECONDS", 0.3)
    yield recorder
    recorder.server.shutdown()


def wait_until(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s"
        time.sleep(0.05)


def made(recorder, thing):
    """``thing`` once the editor's purges of its making (the second one included) are
    sent and forgotten."""
    wait_until(lambda: not activity_purges.waiting())
    time.sleep(0.2)  # the last one taken from the queue reaches the cache
    recorder.purges.clear()
    recorder.soft.clear()
    return thing


def test_a_burst_of_votes_purges_the_story_once_with_every_vote_in_it(recorder):
    story = made(recorder, make_article(slug="burst"))
    for n in range(20):
        services.cast_read(article=story, reader_id=f"reader-{n}", choice="promising")

    wait_until(lambda: recorder.purged("story-burst"))
    time.sleep(1)  # no second purge follows for the same burst

    assert recorder.purged("story-burst") == 1
    assert recorder.purged("interest") == 1
    assert recorder.soft == [True]  # readers get the page as it was while it is fetched
    assert activity_purges.waiting() == 0


def test_votes_after_a_purge_get_a_purge_of_their_own(recorder):
    story = made(recorder, make_article(slug="later"))
    services.cast_read(article=story, reader_id="first", choice="promising")
    wait_until(lambda: recorder.purged("story-later") == 1)
    services.cast_read(article=story, reader_id="second", choice="overhyped")
    wait_until(lambda: recorder.purged("story-later") == 2)


def test_a_forecast_purges_its_story_its_question_and_the_lists_of_crowds(recorder):
    question = made(recorder, make_question(slug="will-it"))
    services.submit_forecast(question=question, reader_id="r", probability=40)
    wait_until(lambda: recorder.purges)
    assert recorder.purges[0] >= {f"story-{question.article.slug}", "question-will-it", "crowd"}


def test_without_redis_a_vote_purges_at_once(recorder, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    story = make_article(slug="no-redis")
    recorder.purges.clear()
    services.cast_read(article=story, reader_id="r", choice="promising")
    assert recorder.purged("story-no-redis") == 1


def test_a_story_page_is_kept_for_hours_and_its_question_page_until_it_closes(client):
    question = make_question(closes_at=timezone.now() + timedelta(seconds=120))

    story = client.get(question.article.get_absolute_url())
    page = client.get(question.get_absolute_url())

    def s_maxage(response):
        return int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])

    assert 100 < s_maxage(story) <= 120
    assert 100 < s_maxage(page) <= 120
    assert f"question-{question.slug}" in page["xkey"].split()
    unlimited = make_article()
    assert s_maxage(client.get(unlimited.get_absolute_url())) == httpcache.ACTIVITY_SECONDS


def test_the_front_page_names_the_interest_its_panel_shows(client):
    make_article()
    assert "interest" in client.get("/")["xkey"].split()


def test_a_purge_another_process_set_earlier_is_the_one_waited_for(recorder):
    story = made(recorder, make_article(slug="shared"))
    # Another node asked first: its purge is due sooner than this process's would be.
    shared_redis.client().zadd(activity_purges.DUE, {"story-shared": time.time() + 0.2})
    services.cast_read(article=story, reader_id="here", choice="promising")
    wait_until(lambda: recorder.purged("story-shared") == 1)
    # Past that purge, this process's next vote asks again rather than trust its own guess.
    services.cast_read(article=story, reader_id="next", choice="promising")
    wait_until(lambda: recorder.purged("story-shared") == 2)


def test_an_editors_change_is_purged_again_once_a_render_from_before_it_has_ended(recorder):
    """A page drawn from what the database held before the change, by a render under way
    when it committed or by a replica not yet replayed, can reach the cache and the kept
    parts just after the first purge: the second purge removes it."""
    httpcache.purge("story-edited")
    assert recorder.purges == [{"story-edited"}] and recorder.soft == [False]
    request = RequestFactory().get("/articles/edited/")
    fragments.begin(request, ["story-edited"], seconds=lambda: 3600)
    for _ in range(2):  # drawn before the change, kept under the version after the purge
        fragments.kept(request, "body")
        fragments.keep(request, "body", "the words before the change")
        del request.fragments_found
    assert fragments.kept(request, "body")[0] == "the words before the change"

    wait_until(lambda: len(recorder.purges) == 2)

    assert recorder.purges[1] == {"story-edited"} and recorder.soft == [False, False]
    fresh = RequestFactory().get("/articles/edited/")
    fragments.begin(fresh, ["story-edited"], seconds=lambda: 3600)
    assert fragments.kept(fresh, "body") is None


def test_with_a_replica_the_second_purge_waits_past_the_lag_it_may_have(settings, monkeypatch):
    assert activity_purges.again_seconds() == activity_purges.RENDER_SECONDS
    monkeypatch.setitem(settings.DATABASES, "replica", settings.DATABASES["default"])
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS, settings.DATABASE_REPLICA_CHECK_SECONDS = 2, 1
    assert activity_purges.again_seconds() == 3 + activity_purges.RENDER_SECONDS


def test_a_key_purged_again_waits_for_the_later_of_two_changes():
    activity_purges.purge_again(["story-twice"])
    first = shared_redis.client().zscore(activity_purges.AGAIN, "story-twice")
    time.sleep(0.01)
    activity_purges.purge_again(["story-twice"])
    assert shared_redis.client().zscore(activity_purges.AGAIN, "story-twice") > first
    assert activity_purges.send_due(now=first) == 0  # not yet due for the second change
