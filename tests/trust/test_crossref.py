"""The Crossref and arXiv clients, over real HTTP to the tests' server (crossref_server.py):
the work as the index describes it, the polite pool, the cache, and every failure as a
sentence an editor can act on."""

import socket
import time
from datetime import UTC, date, datetime

import pytest

from tests.trust.crossref_server import (
    ARXIV_PREPRINT,
    ARXIV_PUBLISHED,
    CONCERN,
    CORRECTED,
    MALFORMED,
    PREPRINT,
    PUBLISHED,
    RATE_LIMITED,
    RECORDED_ARXIV,
    RESPONSES,
    RETRACTED,
    RETRACTION_NOTICE,
    SLOW,
    Reply,
)
from trust import arxiv, crossref
from trust.crossref import LookupFailed, Update
from trust.works import MAX_BYTES, retry_after_seconds


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_retracted_work_comes_with_the_publishers_and_retraction_watchs_notices(
    crossref_server,
):
    work = crossref.fetch_work(RETRACTED)

    assert work.doi == RETRACTED
    assert work.title.endswith(
        "Evidence of near-ambient superconductivity in a N-doped lutetium hydride"
    )
    assert work.container == "Nature"
    assert work.authors[:2] == ("Nathan Dasenbrock-Gammon", "Elliot Snider")
    assert work.authors[-1] == "Ranga P. Dias"
    assert len(work.authors) == 11
    assert work.published_on == date(2023, 3, 8)
    assert work.kind == "primary"
    assert work.issns == ("0028-0836", "1476-4687")
    assert work.publisher == "Springer Science and Business Media LLC"
    assert work.url == "https://doi.org/10.1038/s41586-023-05742-0"
    assert work.licence == "https://www.springernature.com/gp/researchers/text-and-data-mining"
    assert not work.is_preprint
    assert work.updates == (
        Update("retraction", RETRACTION_NOTICE, date(2023, 11, 7), "publisher", ""),
        Update("retraction", RETRACTION_NOTICE, date(2023, 11, 7), "retraction-watch", "48452"),
    )


def test_the_request_is_in_crossrefs_polite_pool(crossref_server, settings):
    settings.SITE_URL = "https://news.example.org"
    crossref.fetch_work(f"https://doi.org/{RETRACTED}")

    [seen] = crossref_server.requests_for(RETRACTED)
    assert seen.query["mailto"] == ["editors@news.example.org"]
    assert seen.headers["User-Agent"] == (
        "Newsroom/1.0 (https://news.example.org; mailto:editors@news.example.org)"
    )


def test_a_preprint_points_at_its_published_version_and_back(crossref_server):
    preprint = crossref.fetch_work(f"doi:{PREPRINT}")
    published = crossref.fetch_work(PUBLISHED)

    assert preprint.is_preprint
    assert preprint.kind == "preprint"
    assert preprint.container == "bioRxiv"
    assert preprint.published_on == date(2020, 1, 23)
    assert preprint.published_as == (PUBLISHED,)
    assert published.preprints == (PREPRINT,)
    assert published.published_as == ()
    assert published.licence == "https://creativecommons.org/licenses/by/4.0"
    # Kinds the site has no name for are kept as Crossref names them.
    assert [update.kind for update in published.updates] == ["addendum"]


def test_corrections_and_concerns_are_named_as_the_site_names_them(crossref_server):
    corrected = crossref.fetch_work(CORRECTED)
    concern = crossref.fetch_work(CONCERN)

    assert [(update.kind, update.record_id) for update in corrected.updates] == [
        ("correction", "17269"),
        ("retraction", "4036"),
    ]
    # Crossref gives the month only: no day is made up.
    assert corrected.published_on is None
    assert concern.updates == (
        Update("concern", "10.1016/s0140-6736(20)31290-3", date(2020, 6, 2), "publisher", ""),
    )


def test_markup_in_a_title_is_dropped(crossref_server):
    crossref_server.answer(
        "10.5555/markup",
        {"DOI": "10.5555/markup", "title": ["<i>In vivo</i>  CO<sub>2</sub> &amp; more"]},
    )
    assert crossref.fetch_work("10.5555/markup").title == "In vivo CO2 & more"


def test_a_report_is_a_regulatory_document(crossref_server):
    crossref_server.answer(
        "10.5555/report", {"DOI": "10.5555/report", "type": "report", "title": ["A report"]}
    )
    assert crossref.fetch_work("10.5555/report").kind == "regulatory"


def test_an_unknown_doi_says_crossref_has_no_such_work(crossref_server):
    with pytest.raises(LookupFailed) as failure:
        crossref.fetch_work("10.5555/nothing-here")

    assert failure.value.sentence == "Crossref has no work with the DOI 10.5555/nothing-here."
    assert failure.value.not_found
    assert failure.value.retry_after is None


def test_too_many_requests_says_how_long_crossref_asked_us_to_wait(crossref_server):
    with pytest.raises(LookupFailed) as failure:
        crossref.fetch_work(RATE_LIMITED)

    assert failure.value.retry_after == 30
    assert failure.value.sentence == (
        "Crossref asked us to wait 30 seconds (too many requests); try again then, "
        "or type the fields by hand."
    )


def test_a_retry_after_date_is_turned_into_seconds():
    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("Mon, 07 Dec 2026 12:02:00 GMT", now=now) == 120
    assert retry_after_seconds("soon", now=now) is None
    assert retry_after_seconds("999999999") == 24 * 3600


def test_a_crossref_that_does_not_answer_in_time_is_given_up_on(crossref_server, settings):
    settings.CROSSREF_TIMEOUT_SECONDS = 0.5
    started = time.monotonic()
    with pytest.raises(LookupFailed) as failure:
        crossref.fetch_work(SLOW)

    assert time.monotonic() - started < 3
    assert failure.value.sentence == (
        "Crossref did not answer within 0.5 seconds; try again later, or type the fields by hand."
    )


def test_an_answer_that_is_not_json_is_a_sentence_not_a_traceback(crossref_server):
    with pytest.raises(LookupFailed) as failure:
        crossref.fetch_work(MALFORMED)

    assert failure.value.sentence == (
        "Crossref sent an answer we could not read; or type the fields by hand."
    )


@pytest.mark.parametrize(
    "answer",
    [
        Reply.json({"status": "failed", "message": "nope"}),
        Reply.json({"status": "ok", "message-type": "work-list", "message": {"items": []}}),
        Reply.json({"status": "ok", "message-type": "work", "message": {"DOI": "10.5555/x"}}),
        Reply.json({"status": "ok", "message": {"DOI": "10.5555/x", "title": "not a list"}}),
        Reply.json({"status": "ok", "message": {"DOI": "10.5555/x", "title": ["T"], "author": 5}}),
        Reply(200, b"\xff\xfe garbage"),
        Reply(200, b"[" * (MAX_BYTES + 1)),
    ],
    ids=["failed", "a list", "no title", "title not a list", "authors not a list", "bytes", "huge"],
)
def test_answers_of_the_wrong_shape_are_malformed(crossref_server, answer):
    crossref_server.answer("10.5555/odd", answer)
    with pytest.raises(LookupFailed, match="could not read"):
        crossref.fetch_work("10.5555/odd")


def test_a_server_error_and_a_redirect_are_sentences(crossref_server):
    crossref_server.answer("10.5555/down", 503)
    crossref_server.answer("10.5555/moved", Reply(302, b"", {"Location": "http://example.org/"}))

    with pytest.raises(LookupFailed, match=r"not answering properly \(error 503\)"):
        crossref.fetch_work("10.5555/down")
    with pytest.raises(LookupFailed, match=r"refused the look-up \(error 302\)"):
        crossref.fetch_work("10.5555/moved")


def test_no_network_is_a_sentence(settings):
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(LookupFailed) as failure:
        crossref.fetch_work(RETRACTED)

    assert failure.value.sentence == (
        "We could not reach Crossref (no network or the address is wrong); try again later, "
        "or type the fields by hand."
    )


def test_what_is_not_a_doi_is_refused_before_asking(crossref_server):
    with pytest.raises(LookupFailed, match="is not a DOI"):
        crossref.fetch_work("https://example.org/<script>")
    assert crossref_server.requests == []


def test_a_second_lookup_comes_from_the_cache_and_fresh_asks_again(crossref_server):
    first = crossref.fetch_work(RETRACTED)
    again = crossref.fetch_work(RETRACTED.upper())
    assert again == first
    assert len(crossref_server.requests_for(RETRACTED)) == 1

    crossref_server.answer(RETRACTED, 404)
    assert crossref.fetch_work(RETRACTED) == first  # still cached
    with pytest.raises(LookupFailed):
        crossref.fetch_work(RETRACTED, fresh=True)
    assert len(crossref_server.requests_for(RETRACTED)) == 2


def test_failures_are_not_cached(crossref_server):
    for _ in range(2):
        with pytest.raises(LookupFailed):
            crossref.fetch_work("10.5555/nothing-here")
    assert len(crossref_server.requests_for("10.5555/nothing-here")) == 2


def test_a_redis_that_does_not_answer_costs_the_cache_not_the_lookup(crossref_server, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert crossref.fetch_work(RETRACTED).container == "Nature"
    assert crossref.fetch_work(RETRACTED).container == "Nature"
    assert len(crossref_server.requests_for(RETRACTED)) == 2


def test_an_arxiv_paper_with_its_published_version(crossref_server):
    work = arxiv.fetch_work(f"arXiv:{ARXIV_PUBLISHED}v1")

    assert work.doi == f"10.48550/arXiv.{ARXIV_PUBLISHED}"
    assert work.title == "Observation of Gravitational Waves from a Binary Black Hole Merger"
    assert work.container == "arXiv"
    assert work.authors[2:] == ("B. P. Abbott", "R. Abbott")
    assert work.published_on == date(2016, 2, 11)
    assert work.kind == "preprint"
    assert work.is_preprint
    assert work.url == f"https://arxiv.org/abs/{ARXIV_PUBLISHED}"
    assert work.published_as == ("10.1103/PhysRevLett.116.061102",)
    assert work.journal_ref == "Phys. Rev. Lett. 116, 061102 (2016)"
    assert work.updates == ()
    [seen] = crossref_server.requests_for(ARXIV_PUBLISHED)
    assert seen.query["id_list"] == [ARXIV_PUBLISHED]
    assert "mailto:editors@news.example.org" in seen.headers["User-Agent"]


def test_arxivs_doi_is_looked_up_at_arxiv_not_crossref(crossref_server):
    work = crossref.fetch_work(f"10.48550/arXiv.{ARXIV_PREPRINT}")

    assert work.title == "The First Room-Temperature Ambient-Pressure Superconductor"
    assert work.published_as == ()
    assert crossref_server.requests_for(f"10.48550/arXiv.{ARXIV_PREPRINT}") == []
    assert len(crossref_server.requests_for(ARXIV_PREPRINT)) == 1


def test_a_later_version_and_a_withdrawal_on_arxiv_are_updates(crossref_server):
    feed = (RESPONSES / RECORDED_ARXIV[ARXIV_PREPRINT]).read_text()
    feed = feed.replace(f"abs/{ARXIV_PREPRINT}v1</id>", f"abs/{ARXIV_PREPRINT}v3</id>")
    feed = feed.replace(
        "<updated>2023-07-22T07:22:04Z</updated>",
        "<updated>2023-08-10T00:00:00Z</updated>\n"
        '<arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">'
        "This paper has been withdrawn by the authors</arxiv:comment>",
    )
    crossref_server.answer_arxiv(ARXIV_PREPRINT, feed)

    work = arxiv.fetch_work(ARXIV_PREPRINT)

    assert work.updates == (
        Update("new_version", "", date(2023, 8, 10), "arxiv", f"{ARXIV_PREPRINT}v3"),
        Update("withdrawal", "", date(2023, 8, 10), "arxiv", f"{ARXIV_PREPRINT}v3"),
    )


def test_an_unknown_arxiv_id_and_a_broken_feed_are_sentences(crossref_server):
    with pytest.raises(LookupFailed) as failure:
        arxiv.fetch_work("2399.99999")
    assert failure.value.sentence == "arXiv has no paper with the id 2399.99999."
    assert failure.value.not_found

    crossref_server.answer_arxiv(ARXIV_PREPRINT, "<feed><entry>")
    with pytest.raises(LookupFailed, match="arXiv sent an answer we could not read"):
        arxiv.fetch_work(ARXIV_PREPRINT)

    with pytest.raises(LookupFailed, match="is not an arXiv id"):
        arxiv.fetch_work("arXiv:not-an-id")
