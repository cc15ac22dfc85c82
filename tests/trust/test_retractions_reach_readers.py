"""A retraction imported from the database reaches readers through the HTTP cache."""

import pytest

from tests.core.test_http_cache_stack import cache_url, wait_for  # noqa: F401 (fixture)
from tests.trust.test_retractions import notice, run_import, write_csv
from tools.localcache import fetch
from trust.models import Citation

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_imported_retraction_purges_the_story_and_the_listings(cache_url, tmp_path):  # noqa: F811
    from tests.factories import cite, make_article, make_criteria, make_meter, make_source

    criteria = make_criteria()
    story = make_article()
    cite(story, make_source(meets=criteria), title="The only trial", doi="10.1000/only.1")
    make_meter(story, values=[40, None], weights=[50, 50])
    page, front = cache_url + story.get_absolute_url(), cache_url + "/"
    fetch(page), fetch(front)
    assert fetch(page)[1]["X-Cache"] == "hit"
    assert "Reality score 70/100 · Likely" in fetch(front)[2]

    run_import(
        write_csv(tmp_path / "rw.csv", [notice("10.1000/only.1", "Retraction", "2024-02-01")])
    )

    assert Citation.objects.get().status == "retracted"
    wait_for(lambda: "Notice on a source of this story" in fetch(page)[2], 2)
    # Nothing stands behind the story now: source trust 0, so 20 + 0.
    wait_for(lambda: "Reality score 20/100 · Early signal" in fetch(front)[2], 2)
