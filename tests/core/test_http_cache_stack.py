"""The real stack: Varnish (newsroom/deploy/varnish.vcl) in front of the app, purged by key."""

import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from core import activity_purges
from core.readers import COOKIE_NAME, signed_reader_cookie
from tests.factories import make_article, make_question
from tools import localcache
from tools.localcache import fetch
from tools.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cache_url(live_server, settings):
    """Varnish on a free port in front of the live server; the app purges it."""
    port = free_port()
    backend = live_server.url.removeprefix("http://").replace("localhost", "127.0.0.1")
    localcache.start(port, [backend])
    settings.HTTP_CACHE_PURGE_URLS = [f"http://127.0.0.1:{port}/"]
    yield f"http://127.0.0.1:{port}"
    localcache.stop(port)


def wait_for(condition, seconds):
    """Seconds it took ``condition()`` to hold, or fail after ``seconds``."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, f"not within {seconds} s"
        time.sleep(0.1)
    return time.monotonic() - start


def test_every_reader_gets_the_cached_page_with_or_without_the_reader_cookie(cache_url):
    story = make_article()
    url = cache_url + story.get_absolute_url()
    first = fetch(url)
    second = fetch(url)
    with_cookie = fetch(url, headers={"Cookie": f"{COOKIE_NAME}={signed_reader_cookie('r1')}"})
    assert first[1]["X-Cache"] == "miss"
    assert second[1]["X-Cache"] == with_cookie[1]["X-Cache"] == "hit"
    assert first[2] == second[2] == with_cookie[2]
    assert "xkey" not in {name.lower() for name in second[1]}


def test_an_editors_edit_reaches_readers_through_the_cache_within_two_seconds(cache_url):
    story = make_article(headline="Before the edit")
    url = cache_url + story.get_absolute_url()
    front = cache_url + "/"
    fetch(url), fetch(front)
    assert fetch(url)[1]["X-Cache"] == "hit"
    story.headline = "After the edit"
    story.save()
    took = wait_for(lambda: "After the edit" in fetch(url)[2], 2)
    assert "After the edit" in fetch(front)[2]
    assert took < 2


def test_a_vote_shows_to_its_reader_at_once_and_to_everyone_within_ten_seconds(cache_url):
    story = make_article()
    url = cache_url + story.get_absolute_url()
    assert "0 reads so far" in fetch(url)[2]
    status, headers, _ = fetch(
        url + "read/",
        method="POST",
        data=b"choice=promising",
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert status == 302
    cookie = headers["Set-Cookie"].split(";")[0]
    mine = fetch(url + "mine/", headers={"Cookie": cookie, "Accept": "application/json"})
    assert "Your read: <strong>Promising</strong>" in mine[2]
    assert mine[1]["Cache-Control"] == "private, no-store"
    assert wait_for(lambda: "1 read so far" in fetch(url)[2], 10) < 10


def test_a_scheduled_story_reaches_a_returning_browser_when_it_comes_due(cache_url):
    make_article(headline="Already out")
    make_article(headline="Coming soon", published_at=timezone.now() + timedelta(seconds=3))
    front = cache_url + "/"
    status, headers, page = fetch(front)
    assert "Coming soon" not in page
    etag = headers["ETag"]

    def appeared():
        again = fetch(front, headers={"If-None-Match": etag})
        return again[0] == 200 and "Coming soon" in again[2]

    assert wait_for(appeared, 12) < 12


def test_host_and_forwarded_headers_cannot_change_other_readers_pages(cache_url):
    story = make_article()
    url = cache_url + story.get_absolute_url()
    for _ in range(3):
        fetch(url, headers={"Host": "localhost:4443", "X-Forwarded-Proto": "https"})
    page = fetch(url)[2]
    assert "4443" not in page and "https://localhost" not in page


def test_conditional_requests_are_answered_only_for_pages_that_exist(cache_url):
    story = make_article()
    assert fetch(cache_url + "/articles/no-such-story/", headers={"If-None-Match": "*"})[0] == 404
    etag = fetch(cache_url + story.get_absolute_url())[1]["ETag"]
    again = fetch(cache_url + story.get_absolute_url(), headers={"If-None-Match": etag})
    assert again[0] == 304


def test_pages_about_one_reader_are_never_shared(cache_url):
    question = make_question()
    cookie = {"Cookie": f"{COOKIE_NAME}={signed_reader_cookie('r1')}"}
    for path in ["/predictions/me/", "/predictions/leaderboard/", "/predictions/me/forecasts.csv"]:
        fetch(cache_url + path, headers=cookie)
        status, headers, _ = fetch(cache_url + path, headers=cookie)
        assert status == 200 and headers["X-Cache"] == "miss", path
        assert headers["Cache-Control"] == "private, no-store"
        assert "Cookie" in headers["Vary"]
    assert question.slug


def test_a_readers_session_gets_the_shared_page_and_the_fetch_throttle(cache_url):
    story = make_article()
    url = cache_url + story.get_absolute_url()
    session = {"Cookie": "sessionid=a-readers-or-a-forgers-session"}
    everyone = fetch(url)

    status, headers, body = fetch(url, headers=session)

    assert (status, headers["X-Cache"], body) == (200, "hit", everyone[2])
    crawl = [fetch(f"{cache_url}/?crawl={number}", headers=session)[0] for number in range(60)]
    assert 429 in crawl


def test_an_editors_marker_passes_to_the_app_and_changes_nobody_elses_page(cache_url):
    url = cache_url + make_article().get_absolute_url()
    marked = {"Cookie": "editor=1; sessionid=forged", "X-Forwarded-Host": "evil.example"}

    forged = fetch(url, headers=marked)
    first, second = fetch(url), fetch(url)

    assert forged[1]["X-Cache"] == "miss"  # passed to the app, and not stored
    assert first[1]["X-Cache"] == "miss" and second[1]["X-Cache"] == "hit"
    assert first[2] == second[2] and "evil.example" not in second[2]
    assert fetch(url, headers=marked)[1]["X-Cache"] == "miss"


def client_answer_body(answer):
    return answer.split("\r\n\r\n", 1)[1]


def test_the_cache_refuses_an_oversized_reader_write_before_the_app_reads_it(cache_url):
    story = make_article()
    body = b"choice=promising&pad=" + b"x" * 100_000
    port = int(cache_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(
            f"POST {story.get_absolute_url()}read/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nSec-Fetch-Site: same-origin\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        answer = client.recv(4096).decode()  # before a byte of the body was sent
    assert answer.startswith("HTTP/1.1 413")
    assert "Server:" not in answer and "X-Content-Type-Options: nosniff" in answer
    assert "That request is too large" in client_answer_body(answer)
    assert not story.reads.exists()


def test_slow_clients_hold_the_cache_not_the_app(cache_url):
    story = make_article()
    url = cache_url + story.get_absolute_url()
    port = int(cache_url.rsplit(":", 1)[1])
    slow = []
    for _ in range(100):
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never finishes
        slow.append(client)
    try:
        timings = []
        for path in [url, cache_url + "/healthz"] * 10:  # a page, and a pass to the app
            start = time.monotonic()
            assert fetch(path)[0] == 200
            timings.append(time.monotonic() - start)
        assert max(timings) < 1
    finally:
        for client in slow:
            client.close()


def test_a_story_nobody_changes_stays_in_the_cache_past_the_old_five_seconds(cache_url):
    story = make_article()
    # Its making is purged a second time once a render from before it has ended.
    wait_for(lambda: not activity_purges.waiting(), 10)
    time.sleep(0.3)
    url = cache_url + story.get_absolute_url()
    assert fetch(url)[1]["X-Cache"] == "miss"
    time.sleep(6)
    status, headers, _ = fetch(url)
    assert (status, headers["X-Cache"]) == (200, "hit")
    assert int(headers["Age"]) >= 6


def test_a_soft_purge_serves_the_page_as_it_was_while_the_cache_fetches_it_again(cache_url):
    story = make_article()
    url = cache_url + story.get_absolute_url()
    fetch(url)
    status, _, body = fetch(
        cache_url + "/",
        method="PURGE",
        headers={"xkey": f"story-{story.slug}", "xkey-softpurge": "1"},
    )
    assert (status, body) == (200, "Purged 1")
    stale = fetch(url)
    assert stale[1]["X-Cache"] == "hit"  # served at once, from the stale copy
    assert wait_for(lambda: fetch(url)[1]["Age"] == "0" or int(fetch(url)[1]["Age"]) < 2, 5) < 5
