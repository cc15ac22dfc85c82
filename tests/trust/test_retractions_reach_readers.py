"""A retraction reaches readers through the HTTP cache once an editor accepts it, whether
the citation watch found it at Crossref or the Retraction Watch CSV brought it."""

import pytest
from django.contrib.auth.models import User

from tests.core.test_http_cache_stack import cache_url, wait_for  # noqa: F401 (fixture)
from tests.trust import crossref_server as served
from tests.trust.test_retractions import notice, run_import, write_csv
from tools.localcache import fetch
from trust import watch
from trust.models import Citation, WatchFinding

pytestmark = pytest.mark.django_db(transaction=True)


def cached_story(cache_url, doi):  # noqa: F811
    """A story resting on one work, its page and the front page in the cache."""
    from tests.factories import cite, make_article, make_criteria, make_meter, make_source

    story = make_article()
    cite(story, make_source(meets=make_criteria()), title="The only trial", doi=doi)
    make_meter(story, values=[40, None], weights=[50, 50])
    page, front = cache_url + story.get_absolute_url(), cache_url + "/"
    fetch(page), fetch(front)
    assert fetch(page)[1]["X-Cache"] == "hit"
    assert "Reality score 70/100 · Likely" in fetch(front)[2]
    return page, front


def accept_and_see(finding, page, front):
    desk = User.objects.create_user("desk", is_staff=True)
    watch.accept(finding=finding, editor=desk)
    assert Citation.objects.get().status == "retracted"
    wait_for(lambda: "Notice on a source of this story" in fetch(page)[2], 2)
    # Nothing stands behind the story now: source trust 0, so 20 + 0.
    wait_for(lambda: "Reality score 20/100 · Early signal" in fetch(front)[2], 2)


def test_an_imported_retraction_reaches_readers_once_accepted(cache_url, tmp_path):  # noqa: F811
    page, front = cached_story(cache_url, "10.1000/only.1")

    run_import(
        write_csv(tmp_path / "rw.csv", [notice("10.1000/only.1", "Retraction", "2024-02-01")])
    )
    finding = WatchFinding.objects.get()
    assert fetch(page)[1]["X-Cache"] == "hit"  # queued: nothing purged, nothing shown

    accept_and_see(finding, page, front)


def test_the_watchs_lutetium_hydride_retraction_reaches_readers_once_accepted(
    cache_url,  # noqa: F811
    crossref_server,
):
    page, front = cached_story(cache_url, served.RETRACTED)

    [finding] = watch.watch_citations().findings
    status, headers, html = fetch(page)
    assert headers["X-Cache"] == "hit" and "Notice on a source of this story" not in html

    accept_and_see(finding, page, front)
    assert "Retracted on" in fetch(page)[2]
